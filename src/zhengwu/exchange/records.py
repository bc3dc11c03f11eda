"""The record format of the outbound exchange: one versioned JSON schema per kind of record, all
in the family ``zhengwu-exchange`` (docs/exchange.md maps every field to the national 办件信息
fields). A record's payload is checked against its schema before it is sent
(``zhengwu.exchange.push``); one that fails is never sent and waits among the dead letters.

Versions: a schema id ends with its version (``zhengwu-exchange/case-event/1``). A change that a
receiver could reject (a new required field, a narrower type) is a new version; the old records
keep the version they were written with.
"""

from __future__ import annotations

from functools import cache

import jsonschema_rs

FAMILY = "zhengwu-exchange"

CASE_EVENT = f"{FAMILY}/case-event/1"
JOINT_EVENT = f"{FAMILY}/joint-event/1"
RATING = f"{FAMILY}/rating/1"
RECTIFICATION = f"{FAMILY}/rectification/1"
COMPLETION = f"{FAMILY}/completion/1"
TRANSFER = f"{FAMILY}/ticket-transfer/1"

# The case events the province is told of (DOMAIN §14), by the case engine's action values.
CASE_EVENT_KINDS = (
    "submit",
    "request_supplement",
    "supplement",
    "supplement_part",
    "accept",
    "deem_accept",
    "refuse",
    "suspend",
    "resume",
    "extend",
    "decide_grant",
    "decide_deny",
    "deliver",
    "withdraw",
)
JOINT_EVENT_KINDS = (
    "submit",
    "request_supplement",
    "supplement",
    "accept",
    "deem_accept",
    "refuse",
    "open_stage",
    "extend",
    "complete",
    "stop",
    "deliver",
    "withdraw",
)
RESULTS = ("granted", "denied", "refused", "withdrawn", "stopped")

_STR = {"type": "string"}
_NONEMPTY = {"type": "string", "minLength": 1}
_MOMENT = {"type": "string", "format": "date-time"}
_DAY_OR_NULL = {"type": ["string", "null"], "format": "date"}

APPLICANT = {
    "type": "object",
    "required": ["type", "name", "id_type", "id_number"],
    "properties": {
        "type": {"enum": ["person", "org"]},
        "name": _NONEMPTY,
        "id_type": {"enum": ["resident_id", "uscc", "none"]},
        "id_number": _STR,
    },
    "additionalProperties": False,
}
EVENT = {
    "type": "object",
    "required": ["seq", "kind", "occurred_at", "recorded_at", "retroactive"],
    "properties": {
        "seq": {"type": "integer", "minimum": 1},
        "kind": _NONEMPTY,
        "occurred_at": _MOMENT,
        "recorded_at": _MOMENT,
        "retroactive": {"type": "boolean"},
        "detail": {"type": "object"},
    },
    "additionalProperties": False,
}
_TIMES = {
    "received_at": _MOMENT,
    "accepted_on": _DAY_OR_NULL,
    "promised_limit": {"type": ["integer", "null"], "minimum": 0},
    "promised_due": _DAY_OR_NULL,
    "statutory_due": _DAY_OR_NULL,
    "completed_on": _DAY_OR_NULL,
    "delivered_on": _DAY_OR_NULL,
    "result": {"enum": [*RESULTS, None]},
}

SCHEMAS: dict[str, dict] = {
    CASE_EVENT: {
        "$id": CASE_EVENT,
        "title": "办件过程信息 (a step of a case)",
        "type": "object",
        "required": [
            "case_number",
            "item_code",
            "item_base_code",
            "item_name",
            "department_code",
            "applicant",
            "channel",
            "state",
            "event",
            *_TIMES,
        ],
        "properties": {
            "case_number": _NONEMPTY,
            "joint_number": {"type": ["string", "null"]},
            "item_code": _NONEMPTY,
            "item_base_code": _STR,
            "item_name": _NONEMPTY,
            "department_code": _NONEMPTY,
            "applicant": APPLICANT,
            "channel": {"enum": ["window", "online"]},
            "state": _NONEMPTY,
            "event": {
                **EVENT,
                "properties": {**EVENT["properties"], "kind": {"enum": list(CASE_EVENT_KINDS)}},
            },
            **_TIMES,
        },
        "additionalProperties": False,
    },
    JOINT_EVENT: {
        "$id": JOINT_EVENT,
        "title": "一件事联办件过程信息 (a step of a joint case)",
        "type": "object",
        "required": [
            "joint_number",
            "scene_code",
            "scene_name",
            "lead_department_code",
            "applicant",
            "channel",
            "state",
            "event",
            "case_numbers",
            *_TIMES,
        ],
        "properties": {
            "joint_number": _NONEMPTY,
            "scene_code": _NONEMPTY,
            "scene_name": _NONEMPTY,
            "lead_department_code": _NONEMPTY,
            "project_code": {"type": ["string", "null"]},
            "applicant": APPLICANT,
            "channel": {"enum": ["window", "online"]},
            "state": _NONEMPTY,
            "event": {
                **EVENT,
                "properties": {**EVENT["properties"], "kind": {"enum": list(JOINT_EVENT_KINDS)}},
            },
            "case_numbers": {"type": "array", "items": _NONEMPTY},
            **_TIMES,
        },
        "additionalProperties": False,
    },
    RATING: {
        "$id": RATING,
        "title": "好差评评价信息 (a rating)",
        "type": "object",
        "required": [
            "case_number",
            "item_base_code",
            "item_impl_code",
            "department_code",
            "channel",
            "level",
            "rated_at",
            "rectification_status",
        ],
        "properties": {
            "case_number": _NONEMPTY,
            "item_base_code": _STR,
            "item_impl_code": _NONEMPTY,
            "item_name": _STR,
            "department_code": _NONEMPTY,
            "window": {"type": ["string", "null"]},
            "applicant_type": {"enum": ["person", "org"]},
            "channel": {"enum": ["onsite", "online", "sms", "phone"]},
            "level": {"type": "integer", "minimum": 1, "maximum": 5},
            "level_label": _STR,
            "dimensions": {
                "type": "object",
                "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 5},
            },
            "comment": _STR,
            "real_name": {"type": "boolean"},
            "rated_at": _MOMENT,
            "rectification_status": _NONEMPTY,
        },
    },
    RECTIFICATION: {
        "$id": RECTIFICATION,
        "title": "差评整改信息 (a step of a bad rating's rectification)",
        "type": "object",
        "required": [
            "case_number",
            "item_impl_code",
            "department_code",
            "level",
            "step",
            "rectification_status",
            "at",
        ],
        "properties": {
            "case_number": _NONEMPTY,
            "item_base_code": _STR,
            "item_impl_code": _NONEMPTY,
            "department_code": _NONEMPTY,
            "level": {"type": "integer", "minimum": 1, "maximum": 5},
            "rated_at": _MOMENT,
            "step": _NONEMPTY,
            "rectification_status": _NONEMPTY,
            "at": _MOMENT,
        },
    },
    COMPLETION: {
        "$id": COMPLETION,
        "title": "办结件信息 (a completed case, the denominator of 主动评价率)",
        "type": "object",
        "required": [
            "case_number",
            "item_code",
            "department_code",
            "completed_on",
            "result",
            "service_event",
        ],
        "properties": {
            "case_number": _NONEMPTY,
            "item_code": _NONEMPTY,
            "department_code": _NONEMPTY,
            "completed_on": {"type": "string", "format": "date"},
            "result": {"enum": ["granted", "denied"]},
            "service_event": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    },
    TRANSFER: {
        "$id": TRANSFER,
        "title": "12345 工单转办信息 (a ticket handed over to another platform)",
        "type": "object",
        "required": [
            "ticket_number",
            "transfer",
            "platform",
            "kind",
            "content",
            "caller_phone",
            "received_at",
            "reason",
            "transferred_at",
            "ack_due_at",
            "urge",
        ],
        "properties": {
            "ticket_number": _NONEMPTY,
            "transfer": {"type": "integer", "minimum": 1},
            "platform": _NONEMPTY,
            "kind": _NONEMPTY,
            "content": _NONEMPTY,
            "caller_name": _STR,
            "caller_phone": _NONEMPTY,
            "address": _STR,
            "received_at": _MOMENT,
            "reason": _NONEMPTY,
            "transferred_at": _MOMENT,
            "ack_due_at": _MOMENT,
            "urge": {"type": "integer", "minimum": 0},
        },
        "additionalProperties": False,
    },
}


@cache
def _validator(schema: str):
    return jsonschema_rs.Draft202012Validator(SCHEMAS[schema], validate_formats=True)


def problems(schema: str, payload) -> list[str]:
    """Why ``payload`` is not a valid record of ``schema`` (empty when it is)."""
    if schema not in SCHEMAS:
        return [f"unknown schema {schema!r}"]
    validator = _validator(schema)  # compiled once per schema and process
    if validator.is_valid(payload):
        return []
    out = []
    for error in validator.iter_errors(payload):
        where = "/".join(str(p) for p in error.instance_path) or "(record)"
        out.append(f"{where}: {error.message}")
    return out
