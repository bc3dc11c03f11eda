"""Joint review meetings (联审会, DOMAIN §10): every write, and who may read them.

A meeting is convened by the **lead department** of a joint case in progress (its staff who
handle cases: window clerks, reviewers, the department head) with the **departments concerned**:
departments with an item of the joint case that no denial has closed. The lead department keeps
the minutes:

- ``convene``: date, place, topic and the departments concerned;
- ``record_attendee``: each person present for a department (the lead department or one
  concerned), and whether they **may decide on the spot**. One who may not is recorded as such,
  and the supervision sweep raises it as an irregularity of their department (seed 001: 联审会
  attendees without the power to decide), on the department's case in the joint case;
- ``record_decision``: the meeting's opinion on an item of a department concerned: agree, agree
  with conditions or disagree (the last two with their text), once per item. It needs an
  attendee of the item's department who may decide: a department that sent nobody able to
  decide gives no opinion at the meeting;
- ``close``: the conclusion; the minutes are fixed and the items without an opinion listed.

The opinions prepare the departments' decisions; each department still decides its own case in
its queue. Every step is one transaction, locks the joint case, and appends an event to its
hash-chained trail (``meeting_convene``, ``meeting_attend``, ``meeting_decide``,
``meeting_close``), which ``verify_audit`` checks with the rest.

Who sees a meeting: whoever sees the whole joint case (``selectors.sees_everything``) and the
staff of a department concerned; anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import Department, User
from zhengwu.cases.selectors import STAFF_CASE_ROLES, staff_department_ids
from zhengwu.core import clock
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import role_names
from zhengwu.joint import selectors, services
from zhengwu.joint.models import (
    JointCase,
    JointChild,
    JointMeeting,
    MeetingAttendee,
    MeetingDecision,
    MeetingState,
    Opinion,
)
from zhengwu.joint.rules import State

EVENT_KINDS = ("meeting_convene", "meeting_attend", "meeting_decide", "meeting_close")
MAX_AHEAD = dt.timedelta(days=366)

MESSAGES = {
    "meeting_not_possible": gettext_lazy(
        "A joint review meeting is convened while the joint case is in progress."
    ),
    "meeting_closed": gettext_lazy("The meeting is closed: its minutes can no longer change."),
    "already_attending": gettext_lazy("This person is already recorded for this department."),
    "already_decided": gettext_lazy("The meeting has already given its opinion on this item."),
    "no_decision_maker": gettext_lazy(
        "No attendee of %(department)s may decide on the spot: the meeting cannot give an "
        "opinion on its item."
    ),
}


# ---------------------------------------------------------------- reads


def may_convene(user, joint: JointCase) -> bool:
    """The lead department's case-handling staff convene a joint case's meetings and keep
    their minutes."""
    return bool(role_names(user) & STAFF_CASE_ROLES) and (
        joint.lead_department_id in staff_department_ids(user)
    )


def meetings_visible(user, joint: JointCase) -> QuerySet[JointMeeting]:
    """The meetings of ``joint`` (which ``user`` sees) that ``user`` may read."""
    meetings = JointMeeting.objects.filter(joint=joint)
    if selectors.sees_everything(user, joint):
        return meetings
    return meetings.filter(departments__in=sorted(staff_department_ids(user))).distinct()


def visible_joint(user, number: str) -> JointCase:
    number = str(number or "")[:32]
    if "\x00" in number:
        raise NotFound()
    joint = (
        selectors.visible(user)
        .select_related("scene", "scene_version", "lead_department")
        .filter(number=number)
        .first()
    )
    if joint is None:
        raise NotFound()
    return joint


def get_meeting(user, number: str, seq: int) -> JointMeeting:
    joint = visible_joint(user, number)
    meeting = meetings_visible(user, joint).filter(seq=seq).first()
    if meeting is None:
        raise NotFound()
    meeting.joint = joint
    return meeting


def concerned_departments(joint: JointCase) -> QuerySet[Department]:
    """The departments a meeting of ``joint`` may be convened with: those with an item that no
    denial has closed."""
    return Department.objects.filter(
        pk__in=joint.children.filter(closed_reason="").values("department_id")
    ).order_by("code")


def agenda(meeting: JointMeeting) -> list[JointChild]:
    """The items the meeting may give an opinion on: those of its departments concerned."""
    departments = list(meeting.departments.values_list("pk", flat=True))
    return list(
        meeting.joint.children.filter(department_id__in=departments, closed_reason="")
        .select_related("item__current_version", "department", "case")
        .order_by("stage", "position", "id")
    )


# ---------------------------------------------------------------- writes


def _lock(actor: User, number: str) -> JointCase:
    """The joint case, visible to ``actor`` (else 404), locked; only its lead department's
    staff keep meetings (else 403)."""
    joint = visible_joint(actor, number)
    if not may_convene(actor, joint):
        raise Forbidden(_("Only the lead department convenes the joint review meetings."))
    return (
        JointCase.objects.select_for_update()
        .select_related("scene", "scene_version", "lead_department")
        .get(pk=joint.pk)
    )


def _open_meeting(joint: JointCase, seq) -> JointMeeting:
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise NotFound()
    meeting = JointMeeting.objects.select_for_update().filter(joint=joint, seq=seq).first()
    if meeting is None:
        raise NotFound()
    if not meeting.is_open:
        raise DomainError(MESSAGES["meeting_closed"], code="meeting_closed")
    meeting.joint = joint
    return meeting


def convene(
    *,
    actor: User,
    number: str,
    held_on,
    place: str,
    topic: str,
    departments: Sequence[str],
) -> JointMeeting:
    """Convene meeting n+1 of joint case ``number`` with ``departments`` (codes)."""
    errors: dict[str, list] = {}
    place = core_inputs.text(place, "place", required=True, errors=errors, limit=200)
    topic = core_inputs.text(topic, "topic", required=True, errors=errors, limit=500)
    if not isinstance(held_on, dt.date) or isinstance(held_on, dt.datetime):
        errors["held_on"] = [_("Enter a valid date (YYYY-MM-DD).")]
    codes = [str(c)[:32] for c in departments or [] if str(c).strip()]
    if not codes:
        errors["departments"] = [_("Name at least one department concerned.")]
    with transaction.atomic():
        joint = _lock(actor, number)
        if joint.state != State.ACCEPTED:
            raise DomainError(MESSAGES["meeting_not_possible"], code="meeting_not_possible")
        allowed = {d.code: d for d in concerned_departments(joint)}
        unknown = [c for c in codes if c not in allowed]
        if unknown:
            errors["departments"] = [
                _("These departments have no open item in this joint case: %(codes)s.")
                % {"codes": "、".join(unknown)}
            ]
        if "held_on" not in errors and held_on is not None:
            if joint.accepted_on and held_on < joint.accepted_on:
                errors["held_on"] = [_("The meeting cannot be before the acceptance.")]
            elif held_on > clock.today() + MAX_AHEAD:
                errors["held_on"] = [_("The meeting is at most a year ahead.")]
        if errors:
            raise ValidationFailed(errors)
        chosen = [allowed[c] for c in dict.fromkeys(codes)]
        last = joint.meetings.order_by("-seq").values_list("seq", flat=True).first() or 0
        now = clock.now()
        meeting = JointMeeting.objects.create(
            joint=joint,
            seq=last + 1,
            held_on=held_on,
            place=place,
            topic=topic,
            convened_by=actor,
            convened_at=now,
        )
        meeting.departments.set(chosen)
        services.record_event(
            joint,
            kind="meeting_convene",
            actor=actor,
            data={
                "meeting": meeting.seq,
                "held_on": held_on.isoformat(),
                "place": place,
                "topic": topic,
                "departments": [d.code for d in chosen],
            },
        )
        joint.save(update_fields=["version", "event_count", "head_hash", "updated_at"])
    return meeting


def _irregularity_case(joint: JointCase, department_id: int):
    """The case an attendee's irregularity is recorded on: the department's own case in the
    joint case (the latest stage's), else the joint case's first case."""
    children = joint.children.filter(case__isnull=False)
    own = children.filter(department_id=department_id).order_by("-stage", "position", "id")
    found = own.values_list("case_id", flat=True).first()
    if found is None:
        found = children.order_by("stage", "position", "id").values_list("case_id", flat=True)
        found = found.first()
    return found


def record_attendee(
    *,
    actor: User,
    number: str,
    seq: int,
    department: str,
    name: str,
    title: str = "",
    may_decide,
) -> MeetingAttendee:
    errors: dict[str, list] = {}
    name = core_inputs.text(name, "name", required=True, errors=errors, limit=50)
    title = core_inputs.text(title, "title", required=False, errors=errors, limit=100)
    if not isinstance(may_decide, bool):
        errors["may_decide"] = [_("Say whether the attendee may decide on the spot.")]
    with transaction.atomic():
        joint = _lock(actor, number)
        meeting = _open_meeting(joint, seq)
        allowed = {d.code: d for d in meeting.departments.all()}
        allowed.setdefault(joint.lead_department.code, joint.lead_department)
        found = allowed.get(str(department or "")[:32])
        if found is None:
            errors["department"] = [
                _("The attendee comes for the lead department or a department concerned.")
            ]
        if errors:
            raise ValidationFailed(errors)
        if meeting.attendees.filter(department=found, name=name).exists():
            raise DomainError(MESSAGES["already_attending"], code="already_attending")
        row = MeetingAttendee.objects.create(
            meeting=meeting,
            department=found,
            name=name,
            title=title,
            may_decide=may_decide,
            case_id=_irregularity_case(joint, found.pk),
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        services.record_event(
            joint,
            kind="meeting_attend",
            actor=actor,
            data={
                "meeting": meeting.seq,
                "department": found.code,
                "name": name,
                "title": title,
                "may_decide": may_decide,
            },
        )
        joint.save(update_fields=["version", "event_count", "head_hash", "updated_at"])
    return row


def record_decision(
    *,
    actor: User,
    number: str,
    seq: int,
    item: str,
    opinion: str,
    text: str = "",
) -> MeetingDecision:
    errors: dict[str, list] = {}
    if opinion not in Opinion.values:
        errors["opinion"] = [_("The opinion is agree, agree with conditions or disagree.")]
    text = core_inputs.text(
        text, "text", required=opinion in (Opinion.CONDITIONAL, Opinion.DISAGREE), errors=errors
    )
    if "text" in errors and not text and opinion == Opinion.CONDITIONAL:
        errors["text"] = [_("State the conditions.")]
    elif "text" in errors and not text and opinion == Opinion.DISAGREE:
        errors["text"] = [_("State the reasons for disagreeing.")]
    with transaction.atomic():
        joint = _lock(actor, number)
        meeting = _open_meeting(joint, seq)
        child = next((c for c in agenda(meeting) if c.item.impl_code == str(item or "")), None)
        if child is None:
            errors["item"] = [_("This item is not on the meeting's agenda.")]
        if errors:
            raise ValidationFailed(errors)
        if meeting.decisions.filter(child=child).exists():
            raise DomainError(MESSAGES["already_decided"], code="already_decided")
        if not meeting.attendees.filter(department=child.department, may_decide=True).exists():
            raise DomainError(
                MESSAGES["no_decision_maker"] % {"department": child.department.name},
                code="no_decision_maker",
            )
        row = MeetingDecision.objects.create(
            meeting=meeting,
            child=child,
            department=child.department,
            opinion=opinion,
            text=text,
            recorded_by=actor,
            recorded_at=clock.now(),
        )
        services.record_event(
            joint,
            kind="meeting_decide",
            actor=actor,
            data={
                "meeting": meeting.seq,
                "item": child.item.impl_code,
                "department": child.department.code,
                "opinion": opinion,
                "text": text,
            },
        )
        joint.save(update_fields=["version", "event_count", "head_hash", "updated_at"])
    return row


def close(*, actor: User, number: str, seq: int, conclusion: str) -> JointMeeting:
    errors: dict[str, list] = {}
    conclusion = core_inputs.text(conclusion, "conclusion", required=True, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        joint = _lock(actor, number)
        meeting = _open_meeting(joint, seq)
        decided = set(meeting.decisions.values_list("child_id", flat=True))
        undecided = [c.item.impl_code for c in agenda(meeting) if c.pk not in decided]
        powerless = list(
            meeting.attendees.filter(may_decide=False)
            .order_by("id")
            .values_list("department__code", flat=True)
        )
        meeting.state = MeetingState.CLOSED
        meeting.conclusion = conclusion
        meeting.closed_by = actor
        meeting.closed_at = clock.now()
        meeting.save(update_fields=["state", "conclusion", "closed_by", "closed_at"])
        services.record_event(
            joint,
            kind="meeting_close",
            actor=actor,
            data={
                "meeting": meeting.seq,
                "conclusion": conclusion,
                "undecided": undecided,
                "without_decision_power": list(dict.fromkeys(powerless)),
            },
        )
        joint.save(update_fields=["version", "event_count", "head_hash", "updated_at"])
    return meeting
