"""The checks on what a caller sends with a case action, with the exact reason for each refusal.

No database: the services pass what they know of the case and its catalogue version. Every check
raises ``ValidationFailed`` (422) naming the field, in the request's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _

from zhengwu.cases.rules import Action
from zhengwu.catalog.choices import SPECIAL_PROCEDURE_CODES
from zhengwu.core.errors import ValidationFailed
from zhengwu.core.inputs import text

MAX_CODES = 200
DELIVERY_METHODS = ("window", "mail", "electronic")
# The public names of the actions (API paths use hyphens), and the table actions they may become.
PUBLIC_ACTIONS: dict[str, tuple[Action, ...]] = {
    "request_supplement": (Action.REQUEST_SUPPLEMENT,),
    "supplement": (Action.SUPPLEMENT,),
    "accept": (Action.ACCEPT,),
    "refuse": (Action.REFUSE,),
    "suspend": (Action.SUSPEND,),
    "resume": (Action.RESUME,),
    "extend": (Action.EXTEND,),
    "decide": (Action.DECIDE_GRANT, Action.DECIDE_DENY),
    "deliver": (Action.DELIVER,),
    "withdraw": (Action.WITHDRAW,),
}


def material_codes(
    value, field: str, *, known: Iterable[str], errors: dict, required: bool = False
) -> list[str]:
    """A list of material codes of the item's version: unique, in the order given."""
    if value is None:
        value = []
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        errors[field] = [_("Enter a list of material codes.")]
        return []
    if len(value) > MAX_CODES:
        errors[field] = [_("Too many material codes.")]
        return []
    known = set(known)
    codes = list(dict.fromkeys(v.strip() for v in value))
    unknown = [code for code in codes if code not in known]
    if unknown:
        errors[field] = [
            _("These are not materials of this item: %(codes)s.") % {"codes": "、".join(unknown)}
        ]
    elif required and not codes:
        errors[field] = [_("Choose at least one material.")]
    return codes


def clean_action(
    name: str,
    data: Mapping,
    *,
    known_codes: Sequence[str],
    required_codes: Sequence[str],
    handed_in: Sequence[str],
    extension_max: int,
    parallel_allowed: bool = False,
) -> tuple[Action, dict]:
    """``(table action, event data)`` for the public action ``name`` and what was sent with it.
    ``parallel_allowed``: the case's item allows acceptance into parallel approval."""
    if name not in PUBLIC_ACTIONS:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    errors: dict[str, list] = {}
    out: dict = {}
    action = PUBLIC_ACTIONS[name][0]
    if name == "accept":
        parallel = data.get("parallel", False)
        if not isinstance(parallel, bool):
            errors["parallel"] = [_("Parallel approval is yes or no.")]
        elif parallel and not parallel_allowed:
            errors["parallel"] = [_("This service item does not allow parallel approval.")]
        elif parallel:
            out["parallel"] = True
    elif name == "request_supplement":
        missing = material_codes(
            data.get("missing"), "missing", known=known_codes, errors=errors, required=True
        )
        left_out = [
            code for code in required_codes if code not in handed_in and code not in missing
        ]
        if missing and "missing" not in errors and left_out:
            errors["missing"] = [
                _("A one-time notice lists every missing material at once; also list: %(codes)s.")
                % {"codes": "、".join(left_out)}
            ]
        out["missing"] = missing
        out["note"] = text(data.get("note"), "note", required=False, errors=errors)
    elif name == "supplement":
        out["materials"] = material_codes(
            data.get("materials"), "materials", known=known_codes, errors=errors, required=True
        )
    elif name in ("refuse",):
        out["reason"] = text(data.get("reason"), "reason", required=True, errors=errors)
    elif name == "withdraw":
        out["reason"] = text(data.get("reason"), "reason", required=False, errors=errors)
    elif name == "suspend":
        procedure = data.get("procedure")
        if not isinstance(procedure, str) or procedure not in SPECIAL_PROCEDURE_CODES:
            errors["procedure"] = [_("Choose one of the special procedures of the law (art. 45).")]
        out["procedure"] = procedure if isinstance(procedure, str) else ""
        out["reason"] = text(data.get("reason"), "reason", required=True, errors=errors)
    elif name == "resume":
        out["note"] = text(data.get("note"), "note", required=False, errors=errors)
    elif name == "extend":
        workdays = data.get("workdays")
        if isinstance(workdays, bool) or not isinstance(workdays, int):
            errors["workdays"] = [_("Enter a whole number.")]
        elif not 1 <= workdays <= extension_max:
            errors["workdays"] = [
                _("An extension is 1 to %(max)d working days.") % {"max": extension_max}
            ]
        out["workdays"] = workdays
        out["reason"] = text(data.get("reason"), "reason", required=True, errors=errors)
    elif name == "decide":
        outcome = data.get("outcome")
        if outcome not in ("grant", "deny"):
            errors["outcome"] = [_("The outcome is grant or deny.")]
        else:
            action = Action.DECIDE_GRANT if outcome == "grant" else Action.DECIDE_DENY
        out["reason"] = text(
            data.get("reason"), "reason", required=outcome == "deny", errors=errors
        )
    elif name == "deliver":
        method = data.get("method")
        if method not in DELIVERY_METHODS:
            errors["method"] = [_("The delivery method is window, mail or electronic.")]
        out["method"] = method if isinstance(method, str) else ""
    if errors:
        raise ValidationFailed(errors)
    return action, out
