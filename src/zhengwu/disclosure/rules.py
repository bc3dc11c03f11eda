"""The disclosure request (依申请公开) state machine: one explicit transition table. Pure.

政府信息公开条例 (2019), DOMAIN §8. Rows are ``(state, action, roles, next state)``; errors are
``zhengwu.cases.rules.TransitionError`` with the same codes (``unknown_state``,
``unknown_action``, ``illegal_transition``, ``role_not_allowed``), plus:

- ``already_notified``: the one 补正 notice (art. 30) was issued already;
- ``already_extended``: the reply period was extended once already (art. 33 para 2);
- ``already_deferred``: the reasonable delayed deadline of art. 35 was set already.

Roles: ``disclosure_officer`` (the disclosure office, of one department or of the whole
government) takes every handling step; ``disclosure_head`` is not a group but what the services
give a disclosure officer who is also ``department_head`` (the head of the disclosure office): only
that person approves an extension (art. 33). ``applicant`` files, supplements, answers the
art. 35 question, pays and withdraws (an officer may record these on the applicant's behalf);
``system`` is the supervision sweep (deemed abandonment).

The outcome of a reply is one of the annual report's results (国办公开办函〔2021〕30号, table 三):
``REPLY_TYPES`` maps each reply type (the seven of art. 36, 部分公开 of art. 37, and the report's
own categories) to ``(result, reason)``; ``RESULTS`` gives each result its valid reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from zhengwu.cases.rules import APPLICANT, SYSTEM, TransitionError

__all__ = [
    "APPLICANT",
    "CLOSED_STATES",
    "DISCLOSURE_HEAD",
    "DISCLOSURE_OFFICER",
    "OPEN_STATES",
    "PAUSED_STATES",
    "REPLY_TYPES",
    "RESULTS",
    "SYSTEM",
    "TRANSITIONS",
    "Action",
    "Appeal",
    "AppealResult",
    "ApplicantType",
    "Channel",
    "ConsultAnswer",
    "ConsultKind",
    "Delivery",
    "Form",
    "Result",
    "Row",
    "State",
    "TransitionError",
    "allowed_actions",
    "next_state",
    "outcome_of",
    "transition",
]

DISCLOSURE_OFFICER = "disclosure_officer"
DISCLOSURE_HEAD = "disclosure_head"


class Channel(enum.StrEnum):
    IN_PERSON = "in_person"  # 当面提交
    POST_SIGNED = "post_signed"  # 邮寄（需签收）
    POST_ORDINARY = "post_ordinary"  # 平信（到达后确认）
    INTERNET = "internet"  # 网络
    FAX = "fax"  # 传真


class ApplicantType(enum.StrEnum):
    """The columns of the annual report's table 三."""

    PERSON = "person"  # 自然人
    BUSINESS = "business"  # 商业企业
    RESEARCH = "research"  # 科研机构
    PUBLIC_INTEREST = "public_interest"  # 社会公益组织
    LEGAL_SERVICE = "legal_service"  # 法律服务机构
    OTHER = "other"  # 其他


class Form(enum.StrEnum):
    PAPER = "paper"  # 纸质
    ELECTRONIC = "electronic"  # 电子
    INSPECTION = "inspection"  # 查阅


class Delivery(enum.StrEnum):
    COLLECT = "collect"  # 自行领取
    POST = "post"  # 邮寄
    EMAIL = "email"  # 电子邮件
    ONLINE = "online"  # 网上获取
    FAX = "fax"  # 传真


class State(enum.StrEnum):
    RECEIVED = "received"  # 已登记，待分办
    IN_PROGRESS = "in_progress"  # 办理中
    AWAITING_SUPPLEMENT = "awaiting_supplement"  # 待补正
    CONSULTING = "consulting"  # 征求意见中
    AWAITING_REASONS = "awaiting_reasons"  # 待说明理由 (art. 35)
    AWAITING_PAYMENT = "awaiting_payment"  # 待缴费 (art. 42)
    REPLIED = "replied"  # 已答复，待送达
    DELIVERED = "delivered"  # 已送达
    ABANDONED = "abandoned"  # 视为放弃
    WITHDRAWN = "withdrawn"  # 申请人撤回


class Action(enum.StrEnum):
    FILE = "file"
    ROUTE = "route"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT = "supplement"
    ABANDON = "abandon"  # deemed abandoned (the sweep): supplement or payment period passed
    CONSULT = "consult"
    CONSULTED = "consulted"
    EXTEND = "extend"
    ASK_REASONS = "ask_reasons"  # art. 35
    REASONS = "reasons"
    DEFER = "defer"  # art. 35: a reasonable delayed deadline
    FEE = "fee"  # art. 42 收费通知
    PAID = "paid"
    REPLY = "reply"
    TO_TICKET = "to_ticket"  # art. 39: a 信访/投诉/举报 turned into a hotline ticket
    DELIVER = "deliver"
    WITHDRAW = "withdraw"


class ConsultKind(enum.StrEnum):
    THIRD_PARTY = "third_party"  # art. 32
    AGENCY = "agency"  # art. 34


class ConsultAnswer(enum.StrEnum):
    AGREE = "agree"
    OBJECT = "object"
    SILENT = "silent"


class Result(enum.StrEnum):
    """Table 三, 三 办理结果: (一) … (六)."""

    DISCLOSED = "disclosed"  # (一) 予以公开
    PARTIAL = "partial"  # (二) 部分公开
    WITHHELD = "withheld"  # (三) 不予公开, reasons 1–8
    UNAVAILABLE = "unavailable"  # (四) 无法提供, reasons 1–3
    NOT_HANDLED = "not_handled"  # (五) 不予处理, reasons 1–5
    OTHER = "other"  # (六) 其他处理, reasons 1–3


# The reasons each result takes (the numbers of the report's rows); () when it takes none.
RESULTS: dict[Result, tuple[int, ...]] = {
    Result.DISCLOSED: (),
    Result.PARTIAL: (),
    # 1 国家秘密 2 其他法律行政法规禁止公开 3 危及"三安全一稳定" 4 保护第三方合法权益
    # 5 三类内部事务信息 6 四类过程性信息 7 行政执法案卷 8 行政查询事项
    Result.WITHHELD: (1, 2, 3, 4, 5, 6, 7, 8),
    # 1 本机关不掌握相关政府信息 2 没有现成信息需要另行制作 3 补正后申请内容仍不明确
    Result.UNAVAILABLE: (1, 2, 3),
    # 1 信访举报投诉类申请 2 重复申请 3 要求提供公开出版物 4 无正当理由大量反复申请
    # 5 要求行政机关确认或重新出具已获取信息
    Result.NOT_HANDLED: (1, 2, 3, 4, 5),
    # 1 申请人无正当理由逾期不补正 2 申请人逾期未按收费通知要求缴纳费用 3 其他
    Result.OTHER: (1, 2, 3),
}


# Reply types: (result, fixed reason or None when the reply names one of the result's reasons).
REPLY_TYPES: dict[str, tuple[Result, int | None]] = {
    "published": (Result.DISCLOSED, None),  # art. 36(1) 已主动公开（告知获取方式和途径）
    "disclosed": (Result.DISCLOSED, None),  # art. 36(2) 予以公开
    "partial": (Result.PARTIAL, None),  # art. 37 部分公开
    "withheld": (Result.WITHHELD, None),  # art. 36(3) 不予公开, reason 1–8
    "not_exist": (Result.UNAVAILABLE, 1),  # art. 36(4) 信息不存在
    "not_ours": (Result.UNAVAILABLE, 1),  # art. 36(5) 不属于本机关（告知负责机关）
    "duplicate": (Result.NOT_HANDLED, 2),  # art. 36(6) 重复申请
    "special_law": (Result.OTHER, 3),  # art. 36(7) 工商、不动产登记资料等依照有关法律规定办理
    "unavailable": (Result.UNAVAILABLE, None),  # 无法提供, reason 1–3
    "not_handled": (Result.NOT_HANDLED, None),  # 不予处理, reason 1–5
    "other": (Result.OTHER, None),  # 其他处理, reason 1–3
}


def outcome_of(reply_type: str, reason: int | None) -> tuple[Result, int | None]:
    """The annual report's ``(result, reason)`` of a reply. Raises ``ValueError`` (with a code
    as its message: ``unknown_reply_type``, ``reason_required``, ``invalid_reason``,
    ``reason_not_taken``) for a type or reason the lists do not have."""
    try:
        result, fixed = REPLY_TYPES[reply_type]
    except (KeyError, TypeError):
        raise ValueError("unknown_reply_type") from None
    reasons = RESULTS[result]
    if fixed is not None:
        if reason not in (None, fixed):
            raise ValueError("invalid_reason")
        return result, fixed
    if not reasons:
        if reason is not None:
            raise ValueError("reason_not_taken")
        return result, None
    if reason is None:
        raise ValueError("reason_required")
    if isinstance(reason, bool) or reason not in reasons:
        raise ValueError("invalid_reason")
    return result, reason


class Appeal(enum.StrEnum):
    """Table 四's columns: 行政复议, 行政诉讼 (未经复议直接起诉 / 复议后起诉)."""

    RECONSIDERATION = "reconsideration"
    LAWSUIT_DIRECT = "lawsuit_direct"
    LAWSUIT_AFTER_RECONSIDERATION = "lawsuit_after_reconsideration"


class AppealResult(enum.StrEnum):
    UPHELD = "upheld"  # 结果维持
    CORRECTED = "corrected"  # 结果纠正
    OTHER = "other"  # 其他结果
    PENDING = "pending"  # 尚未审结


# States in which the request is still being handled (the reply clock and levels apply).
OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.IN_PROGRESS,
        State.AWAITING_SUPPLEMENT,
        State.CONSULTING,
        State.AWAITING_REASONS,
        State.AWAITING_PAYMENT,
    }
)
# Open states in which the reply clock does not run.
PAUSED_STATES = frozenset(
    {State.AWAITING_SUPPLEMENT, State.CONSULTING, State.AWAITING_REASONS, State.AWAITING_PAYMENT}
)
CLOSED_STATES = frozenset(State) - OPEN_STATES


@dataclass(frozen=True, slots=True)
class Row:
    state: State | None
    action: Action
    roles: frozenset[str]
    next: State


_S, _A = State, Action
_OFFICER = frozenset({DISCLOSURE_OFFICER})
_HEAD = frozenset({DISCLOSURE_HEAD})
_ON_BEHALF = frozenset({APPLICANT, DISCLOSURE_OFFICER})
_SYSTEM = frozenset({SYSTEM})
_HANDLING = (_S.RECEIVED, _S.IN_PROGRESS)

TRANSITIONS: tuple[Row, ...] = (
    Row(None, _A.FILE, _ON_BEHALF, _S.RECEIVED),
    Row(_S.RECEIVED, _A.ROUTE, _OFFICER, _S.IN_PROGRESS),
    Row(_S.IN_PROGRESS, _A.ROUTE, _OFFICER, _S.IN_PROGRESS),
    *(Row(s, _A.REQUEST_SUPPLEMENT, _OFFICER, _S.AWAITING_SUPPLEMENT) for s in _HANDLING),
    Row(_S.AWAITING_SUPPLEMENT, _A.SUPPLEMENT, _ON_BEHALF, _S.IN_PROGRESS),
    Row(_S.AWAITING_SUPPLEMENT, _A.ABANDON, _SYSTEM, _S.ABANDONED),
    Row(_S.IN_PROGRESS, _A.CONSULT, _OFFICER, _S.CONSULTING),
    Row(_S.CONSULTING, _A.CONSULTED, _OFFICER, _S.IN_PROGRESS),
    *(Row(s, _A.EXTEND, _HEAD, s) for s in (_S.IN_PROGRESS, _S.CONSULTING)),
    *(Row(s, _A.ASK_REASONS, _OFFICER, _S.AWAITING_REASONS) for s in _HANDLING),
    Row(_S.AWAITING_REASONS, _A.REASONS, _ON_BEHALF, _S.IN_PROGRESS),
    Row(_S.IN_PROGRESS, _A.DEFER, _OFFICER, _S.IN_PROGRESS),
    Row(_S.IN_PROGRESS, _A.FEE, _OFFICER, _S.AWAITING_PAYMENT),
    Row(_S.AWAITING_PAYMENT, _A.PAID, _ON_BEHALF, _S.IN_PROGRESS),
    Row(_S.AWAITING_PAYMENT, _A.ABANDON, _SYSTEM, _S.ABANDONED),
    *(Row(s, _A.REPLY, _OFFICER, _S.REPLIED) for s in (*_HANDLING, _S.AWAITING_REASONS)),
    *(Row(s, _A.TO_TICKET, _OFFICER, _S.REPLIED) for s in _HANDLING),
    Row(_S.REPLIED, _A.DELIVER, _OFFICER, _S.DELIVERED),
    *(
        Row(s, _A.WITHDRAW, _ON_BEHALF, _S.WITHDRAWN)
        for s in (
            _S.RECEIVED,
            _S.IN_PROGRESS,
            _S.AWAITING_SUPPLEMENT,
            _S.CONSULTING,
            _S.AWAITING_REASONS,
            _S.AWAITING_PAYMENT,
        )
    ),
)

_TABLE: dict[tuple[State | None, Action], Row] = {}
for _r in TRANSITIONS:
    if (_r.state, _r.action) in _TABLE:
        raise AssertionError(f"duplicate transition row {_r.state} {_r.action}")
    _TABLE[(_r.state, _r.action)] = _r
del _r


def _find(state, action) -> Row:
    try:
        state = None if state is None else State(state)
    except ValueError:
        raise TransitionError("unknown_state", state=state, detail=f"{state!r}") from None
    try:
        action = Action(action)
    except ValueError:
        raise TransitionError("unknown_action", action=action, detail=f"{action!r}") from None
    row = _TABLE.get((state, action))
    if row is None:
        raise TransitionError("illegal_transition", state=state, action=action)
    return row


_ONCE = {
    Action.REQUEST_SUPPLEMENT: ("notified", "already_notified"),
    Action.EXTEND: ("extended", "already_extended"),
    Action.DEFER: ("deferred", "already_deferred"),
}


def _refused_once(action: Action, flags: dict[str, bool]) -> str | None:
    entry = _ONCE.get(action)
    if entry is not None and flags.get(entry[0]):
        return entry[1]
    return None


def next_state(
    state: State | str | None,
    action: Action | str,
    *,
    notified: bool = False,
    extended: bool = False,
    deferred: bool = False,
) -> State:
    """The state after ``action``, without a role check (replaying recorded events)."""
    row = _find(state, action)
    code = _refused_once(
        row.action, {"notified": notified, "extended": extended, "deferred": deferred}
    )
    if code:
        raise TransitionError(code, state=row.state, action=row.action)
    return row.next


def transition(
    state: State | str | None,
    action: Action | str,
    roles: Iterable[str],
    *,
    notified: bool = False,
    extended: bool = False,
    deferred: bool = False,
) -> State:
    """The state after ``action`` taken by someone holding ``roles``; raises ``TransitionError``."""
    row = _find(state, action)
    if {str(role) for role in roles}.isdisjoint(row.roles):
        raise TransitionError(
            "role_not_allowed",
            state=row.state,
            action=row.action,
            detail=f"{row.action} from {row.state} needs one of {sorted(row.roles)}",
        )
    code = _refused_once(
        row.action, {"notified": notified, "extended": extended, "deferred": deferred}
    )
    if code:
        raise TransitionError(code, state=row.state, action=row.action)
    return row.next


def allowed_actions(
    state: State | str | None,
    roles: Iterable[str],
    *,
    notified: bool = False,
    extended: bool = False,
    deferred: bool = False,
) -> frozenset[Action]:
    """The actions ``roles`` may take from ``state`` (the buttons a page shows)."""
    held = {str(role) for role in roles}
    state = None if state is None else State(state)
    flags = {"notified": notified, "extended": extended, "deferred": deferred}
    return frozenset(
        row.action
        for row in TRANSITIONS
        if row.state == state
        and not held.isdisjoint(row.roles)
        and _refused_once(row.action, flags) is None
    )
