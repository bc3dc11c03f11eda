"""Every write to a scene or a joint case (DESIGN.md: services). One transaction per action; the
joint case row locked (after the child cases it touches, the order every path takes); the
transition table and the clocks checked by replaying the events with the new one; the event
appended to the joint case's hash chain; the stored clocks rewritten from
``compute_joint_clocks``.

- ``save_scene`` / ``publish_scene``: a scene's draft version and its publication;
- ``file``: one application for a published scene (window or online);
- ``act``: the joint case's own actions (``ACTIONS``); the delivery of a scene with one composite
  licence (一业一证) issues it (``licences.services.issue_composite``);
- ``follow_child``: a child case was decided, suspended or resumed (``cases.observers.on_action``):
  the clocks follow, the next stage opens when every child of the open stage is granted, the
  joint case completes after the last stage, and a denial stops it (the items of later stages
  close with the reason);
- ``deem_overdue`` (the supervision sweep, and a late intake action first): the deemed
  acceptance (行政许可法 art. 32) of every joint application whose intake limit passed with no
  intake action, opening the cases of its first stage as of the day it stands accepted;
- ``refresh_paused`` (the supervision sweep): the clocks of the joint cases with a child in a
  special procedure brought up to today (their due dates move on while it lasts).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.accounts.models import Department, User
from zhengwu.cases import inputs
from zhengwu.cases.children import deliver_child, open_child, withdraw_child
from zhengwu.cases.clocks import ClockError
from zhengwu.cases.models import Case, CaseEvent
from zhengwu.cases.rules import State as CaseState
from zhengwu.cases.rules import TransitionError
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.cases.services import (
    ApplicantInput,
    filing_applicant,
    stated_time,
    without_nul,
)
from zhengwu.catalog.models import ServiceItem
from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.queries import one_by_one
from zhengwu.core.roles import Role, role_names
from zhengwu.joint import observers, scenes
from zhengwu.joint.clocks import JointClocks, JointTerms, compute_joint_clocks
from zhengwu.joint.models import (
    JointCase,
    JointCaseEvent,
    JointChild,
    Scene,
    SceneItem,
    SceneMaterial,
    SceneVersion,
)
from zhengwu.joint.project_codes import ProjectCodeError, normalize_project_code
from zhengwu.joint.rules import Action, State, transition
from zhengwu.workdays.loader import get_calendar
from zhengwu.workdays.periods import Event
from zhengwu.workdays.retroactive import is_retroactive

SYSTEM = "system"
CHANNELS = ("window", "online")
# The public actions (URL names) → the table's actions.
ACTIONS = {
    "request-supplement": Action.REQUEST_SUPPLEMENT,
    "supplement": Action.SUPPLEMENT,
    "accept": Action.ACCEPT,
    "refuse": Action.REFUSE,
    "extend": Action.EXTEND,
    "deliver": Action.DELIVER,
    "withdraw": Action.WITHDRAW,
}
CLOCK_FIELDS = (
    "received_on",
    "intake_due",
    "accepted_on",
    "promised_due",
    "statutory_due",
    "stage",
    "suspended_workdays",
    "extension_workdays",
    "completed_on",
    "completion",
    "delivered_on",
    "level",
    "statutory_overdue",
    "provisional",
)

RULE_MESSAGES = {
    "illegal_transition": gettext_lazy(
        "This action is not possible in the joint case's current state."
    ),
    "role_not_allowed": gettext_lazy("Your role may not take this action."),
    "already_extended": gettext_lazy("The joint period may be extended only once."),
    "already_notified": gettext_lazy(
        "The one-time notice was issued already: accept or refuse the application."
    ),
    "event_out_of_order": gettext_lazy(
        "The stated time is earlier than the joint case's last step."
    ),
    "invalid_extension": gettext_lazy("An extension of a joint case is 1 to 15 working days."),
    "extension_after_due": gettext_lazy(
        "The statutory limit has already passed; an extension must be approved before it."
    ),
    "materials_incomplete": gettext_lazy(
        "Not every required material has been handed in: %(names)s."
    ),
    "intake_expired": gettext_lazy(
        "The intake limit has passed: the application is deemed accepted."
    ),
    "intake_not_expired": gettext_lazy("The intake limit has not passed yet."),
    "deemed_accepted": gettext_lazy(
        "The intake limit passed without an intake decision: the application is deemed "
        "accepted as of the day it was received."
    ),
}
SCENE_MESSAGES = {
    "too_few_items": gettext_lazy("A scene bundles at least two service items."),
    "too_few_departments": gettext_lazy("A scene bundles items of at least two departments."),
    "item_not_published": gettext_lazy("Every item of a scene must be published: %(codes)s."),
    "lead_not_among": gettext_lazy("The lead department must handle one of the scene's items."),
    "promised_too_long": gettext_lazy(
        "The promised limit of a scene is at most 45 working days (the joint limit)."
    ),
    "empty_stage": gettext_lazy("Stages are numbered from the first without gaps."),
}
PROJECT_CODE_MESSAGES = {
    "format": gettext_lazy(
        "An investment project code reads year-area-industry-type-serial, "
        "for example 2019-330102-47-03-012345."
    ),
    "year": gettext_lazy("The year of an investment project code is from 2015 to this year."),
    "area": gettext_lazy(
        "The area of an investment project code is a six-digit administrative division code."
    ),
    "industry": gettext_lazy("The industry of an investment project code is 01 to 97."),
    "type": gettext_lazy("The project type of an investment project code cannot be 00."),
    "serial": gettext_lazy("The serial number of an investment project code cannot be 000000."),
}


def clean_project_code(value, field: str, errors: dict[str, list]) -> str:
    """The printed form of an investment project code, "" for none; a message in ``errors``
    under ``field`` when it is not one."""
    if value is None or not str(value).strip():
        return ""
    try:
        return normalize_project_code(str(value)[:64], current_year=clock.today().year)
    except ProjectCodeError as error:
        errors[field] = [PROJECT_CODE_MESSAGES[error.code]]
        return ""


def _rule_error(error: TransitionError | ClockError) -> DomainError | Forbidden:
    message = RULE_MESSAGES.get(error.code, gettext_lazy("This action is not allowed."))
    if error.code == "role_not_allowed":
        return Forbidden(message, code="role_not_allowed")
    return DomainError(message, code=error.code)


# ---------------------------------------------------------------- scenes


def _check_admin(actor: User) -> None:
    if Role.ADMIN not in role_names(actor):
        raise Forbidden()


def save_scene(
    *,
    actor: User,
    code: str,
    name: str,
    lead_department: str,
    promised_limit: int,
    stages: Sequence[Sequence[str]],
    composite_licence: bool = False,
    stage_names: Sequence[str] = (),
) -> SceneVersion:
    """Create or replace the draft version of scene ``code``: its items in ``stages`` (lists of
    implementation codes, in order), optionally named (``stage_names``, in order, up to 50
    characters each). Checked fully only when published."""
    _check_admin(actor)
    errors: dict[str, list] = {}
    code = core_inputs.text(code, "code", required=True, errors=errors, limit=64)
    name = core_inputs.text(name, "name", required=True, errors=errors, limit=200)
    lead = Department.objects.filter(code=str(lead_department or "")[:32]).first()
    if lead is None:
        errors["lead_department"] = [_("There is no department with this code.")]
    if (
        isinstance(promised_limit, bool)
        or not isinstance(promised_limit, int)
        or promised_limit < 1
    ):
        errors["promised_limit"] = [_("Enter a whole number of working days.")]
    listed = [
        (index, str(impl)) for index, stage in enumerate(stages or []) for impl in stage or []
    ]
    items = {
        i.impl_code: i for i in ServiceItem.objects.filter(impl_code__in=[c for _s, c in listed])
    }
    unknown = [c for _s, c in listed if c not in items]
    if unknown:
        errors["stages"] = [
            _("These are not service items: %(codes)s.") % {"codes": "、".join(unknown)}
        ]
    elif len({c for _s, c in listed}) != len(listed):
        errors["stages"] = [_("An item appears once in a scene.")]
    names = _stage_names(stage_names, len(stages or []), errors)
    if errors:
        raise ValidationFailed(errors)
    now = clock.now()
    with transaction.atomic():
        scene, _created = Scene.objects.select_for_update().get_or_create(
            code=code, defaults={"created_at": now, "updated_at": now}
        )
        if scene.status == Scene.Status.RETIRED:
            raise DomainError(_("The scene is retired."), code="scene_retired")
        draft = scene.draft_version
        if draft is None:
            last = scene.versions.order_by("-number").values_list("number", flat=True).first()
            draft = SceneVersion(scene=scene, number=(last or 0) + 1, created_at=now)
        draft.name = name
        draft.lead_department = lead
        draft.promised_limit = promised_limit
        draft.composite_licence = bool(composite_licence)
        draft.stage_names = names
        draft.updated_at = now
        draft.save()
        draft.items.all().delete()
        SceneItem.objects.bulk_create(
            SceneItem(version=draft, item=items[impl], stage=stage, position=position)
            for position, (stage, impl) in enumerate(listed)
        )
        scene.draft_version = draft
        scene.updated_at = now
        scene.save()
    return draft


def _stage_names(names, stages: int, errors: dict) -> list[str]:
    """The stage names cleaned: text of at most 50 characters each, no more than the stages,
    trailing blanks dropped."""
    if isinstance(names, str) or not isinstance(names, (list, tuple)):
        errors["stage_names"] = [_("Name the stages in order, one name each.")]
        return []
    cleaned = []
    for name in names:
        text = " ".join(str(name or "").replace("\x00", "").split())
        if len(text) > 50:
            errors["stage_names"] = [_("A stage name has at most 50 characters.")]
        cleaned.append(text[:50])
    while cleaned and not cleaned[-1]:
        cleaned.pop()
    if len(cleaned) > stages:
        errors["stage_names"] = [_("There are more stage names than stages.")]
    return cleaned


def merged_materials(version: SceneVersion) -> list[scenes.MergedMaterial]:
    """The merged material list of ``version`` from its items' published versions (what
    publishing fixes; the editor's preview shows it before)."""
    facts = []
    issued: dict[str, int] = {}
    for entry in version.items.select_related("item__current_version").order_by(
        "stage", "position"
    ):
        current = entry.item.current_version
        if current is None:
            continue
        if current.licence_type:
            issued.setdefault(current.licence_type, entry.stage)
        for material in current.materials.order_by("position", "id"):
            facts.append(
                scenes.MaterialFacts(
                    entry.item.impl_code,
                    material.code,
                    material.name,
                    material.required,
                    material.licence_type,
                    entry.stage,
                )
            )
    return scenes.merge_materials(facts, issued=issued)


def item_facts(version: SceneVersion) -> list[scenes.ItemFacts]:
    """The facts the scene rules and the speed-up figures read, from the items' published
    versions (a statutory limit and a count of process steps each)."""
    from zhengwu.joint.selectors import scene_items

    facts = []
    prefetched = "items" in getattr(version, "_prefetched_objects_cache", {})
    entries = version.items.all() if prefetched else scene_items().filter(version=version)
    for entry in entries:
        current = entry.item.current_version
        published = entry.item.status == ServiceItem.Status.PUBLISHED and current is not None
        facts.append(
            scenes.ItemFacts(
                entry.item.impl_code,
                entry.item.department.code,
                entry.stage,
                published,
                current.statutory_limit if current else 0,
                entry.step_count if current else 0,
            )
        )
    return facts


def publish_problems(version: SceneVersion) -> list[str]:
    """Every publishing rule ``version`` breaks, each as its Chinese sentence (empty: it may be
    published)."""
    facts = item_facts(version)
    problems = scenes.scene_problems(
        facts,
        lead_department=version.lead_department.code,
        promised_limit=version.promised_limit,
    )
    unpublished = "、".join(f.impl_code for f in facts if not f.published)
    return [
        str(SCENE_MESSAGES[p]) % {"codes": unpublished}
        if p == "item_not_published"
        else str(SCENE_MESSAGES[p])
        for p in problems
    ]


def publish_scene(*, actor: User, code: str) -> SceneVersion:
    """Publish the draft of scene ``code``: a 409 ``scene_not_publishable`` naming every rule it
    breaks, else it supersedes the published version and its merged materials are fixed."""
    _check_admin(actor)
    with transaction.atomic():
        scene = Scene.objects.select_for_update().filter(code=str(code or "")[:64]).first()
        if scene is None:
            raise NotFound()
        draft = scene.draft_version
        if draft is None:
            raise DomainError(_("The scene has no draft to publish."), code="no_draft")
        messages = publish_problems(draft)
        if messages:
            raise DomainError("".join(messages), code="scene_not_publishable")
        now = clock.now()
        SceneMaterial.objects.filter(version=draft).delete()
        SceneMaterial.objects.bulk_create(
            SceneMaterial(
                version=draft,
                position=position,
                code=m.code,
                name=m.name,
                required=m.required,
                licence_type=m.licence_type,
                sources=m.sources,
            )
            for position, m in enumerate(merged_materials(draft))
        )
        if scene.current_version_id:
            SceneVersion.objects.filter(pk=scene.current_version_id).update(
                status=SceneVersion.Status.SUPERSEDED, superseded_at=now
            )
        draft.status = SceneVersion.Status.PUBLISHED
        draft.published_at = now
        draft.published_by = actor
        draft.save()
        scene.current_version = draft
        scene.draft_version = None
        scene.status = Scene.Status.PUBLISHED
        scene.updated_at = now
        scene.save()
    return draft


# ---------------------------------------------------------------- joint cases: helpers


def _event_tuple(row: JointCaseEvent) -> Event:
    return Event(row.kind, clock.local_date(row.occurred_at), row.data)


def child_pauses(joint: JointCase) -> list[tuple[dt.date, dt.date | None]]:
    """The special procedures of the joint case's children: ``(suspended, resumed or None)``."""
    pauses: list[tuple[dt.date, dt.date | None]] = []
    open_by_case: dict[int, dt.date] = {}
    rows = (
        CaseEvent.objects.filter(case__joint_child__joint=joint, kind__in=("suspend", "resume"))
        .order_by("case_id", "seq")
        .values_list("case_id", "kind", "occurred_at")
    )
    for case_id, kind, occurred_at in rows:
        on = clock.local_date(occurred_at)
        if kind == "suspend":
            open_by_case[case_id] = on
        elif case_id in open_by_case:
            pauses.append((open_by_case.pop(case_id), on))
    pauses.extend((since, None) for since in open_by_case.values())
    return pauses


def _clocks(
    joint: JointCase, events: Sequence[Event], as_of: dt.date, *, new: bool = False
) -> JointClocks:
    """``new``: the joint case is being filed (no child case, so no pause, yet)."""
    try:
        return compute_joint_clocks(
            terms=JointTerms(promised_limit=joint.scene_version.promised_limit),
            events=events,
            pauses=child_pauses(joint) if joint.pk and not new else (),
            calendar=get_calendar(),
            as_of=as_of,
        )
    except (TransitionError, ClockError) as error:
        raise _rule_error(error) from error


def _apply(joint: JointCase, clocks: JointClocks) -> None:
    joint.state = clocks.state
    for name in CLOCK_FIELDS:
        value = getattr(clocks, name)
        if name in ("completion", "level"):
            value = "" if value is None else str(value)
        setattr(joint, name, value)
    joint.clocks_on = clocks.as_of


def _append(
    joint: JointCase, *, kind, actor, occurred_at, data, retroactive: bool = False
) -> JointCaseEvent:
    row = JointCaseEvent(
        joint=joint,
        kind=str(kind),
        actor=actor,
        occurred_at=occurred_at,
        data=dict(data),
        retroactive=retroactive,
    )
    joint.last_event = trail.append(joint, row, label="joint")
    observers.appended(joint, joint.last_event)
    return joint.last_event


def record_event(joint: JointCase, *, kind: str, actor: User | None, data: Mapping) -> None:
    """Append a step that changes neither the state nor the clocks (a joint review meeting's)
    to the locked joint case's trail, happening now (caller saves)."""
    _append(joint, kind=kind, actor=actor, occurred_at=clock.now(), data=data)
    joint.version += 1
    joint.updated_at = clock.now()


def _step(
    joint: JointCase,
    *,
    kind,
    actor,
    occurred_at,
    data,
    retroactive: bool = False,
    new: bool = False,
) -> JointClocks:
    """Replay the events with the new one, append it, store the clocks (caller saves). ``new``:
    the first event of a joint case being filed (nothing to read back)."""
    events = [] if new else [_event_tuple(r) for r in joint.events.order_by("seq")]
    events.append(Event(str(kind), clock.local_date(occurred_at), data))
    clocks = _clocks(joint, events, max(clock.today(), clock.local_date(occurred_at)), new=new)
    _append(
        joint,
        kind=kind,
        actor=actor,
        occurred_at=occurred_at,
        data=data,
        retroactive=retroactive,
    )
    _apply(joint, clocks)
    joint.version += 1
    joint.updated_at = clock.now()
    return clocks


def _is_retroactive(occurred_at: dt.datetime) -> bool:
    """先办后录: a staff step recorded more than the margin after it happened."""
    return is_retroactive(
        clock.local_date(occurred_at),
        clock.today(),
        get_calendar(),
        margin_workdays=settings.RETROACTIVE_MARGIN_WORKDAYS,
    )


def acting_roles(actor: User, joint: JointCase) -> frozenset[str]:
    """The roles ``actor`` holds for this joint case: applicant on their own, window clerk at
    the lead department, leader (the government's head) on any."""
    held = role_names(actor)
    roles = set()
    if Role.APPLICANT in held and joint.owner_id == actor.pk:
        roles.add(Role.APPLICANT.value)
    if Role.WINDOW_CLERK in held and joint.lead_department_id in staff_department_ids(actor):
        roles.add(Role.WINDOW_CLERK.value)
    if Role.LEADER in held:
        roles.add(Role.LEADER.value)
    return frozenset(roles)


def material_names(version: SceneVersion, codes: Sequence[str]) -> str:
    names = dict(version.materials.values_list("code", "name"))
    return "、".join(names.get(code, code) for code in codes)


def missing_required(joint: JointCase) -> list[str]:
    """The required scene materials neither handed in nor reused from a valid licence."""
    have = set(joint.materials) | set(joint.reused)
    return [
        code
        for code in joint.scene_version.materials.filter(required=True).values_list(
            "code", flat=True
        )
        if code not in have
    ]


# ---------------------------------------------------------------- file


def file(
    *,
    actor: User,
    scene: str,
    channel: str,
    applicant: ApplicantInput,
    materials: Sequence[str] = (),
    received_at: dt.datetime | None = None,
    project_code: str = "",
) -> JointCase:
    """File one application for the published scene ``scene``: a joint case with one item row
    per item of the scene; no child case is opened before the acceptance. ``project_code`` is the
    investment project's code (optional for every scene; checked when given)."""
    errors: dict[str, list] = {}
    applicant = without_nul(applicant)
    found = (
        Scene.objects.filter(code=str(scene or "")[:64], status=Scene.Status.PUBLISHED)
        .select_related("current_version__lead_department")
        .first()
    )
    if found is None or found.current_version is None:
        raise NotFound()
    version = found.current_version
    if channel not in CHANNELS:
        raise ValidationFailed({"channel": [_("The channel is window or online.")]})
    held = role_names(actor)
    if channel == "window":
        if Role.WINDOW_CLERK not in held:
            raise Forbidden(_("Only a window clerk may file an application at the window."))
        if version.lead_department_id not in staff_department_ids(actor):
            raise ValidationFailed(
                {"scene": [_("A scene's applications are filed at its lead department's window.")]}
            )
    elif Role.APPLICANT not in held:
        raise Forbidden(_("Only an applicant may apply online."))
    if received_at is not None and channel != "window":
        errors["received_at"] = [_("Only the window states when an application was received.")]
    from zhengwu.joint.selectors import published_content

    scene_items, scene_materials = published_content(version)
    known = [m.code for m in scene_materials]
    codes = inputs.material_codes(list(materials), "materials", known=known, errors=errors)
    core_inputs.phone(applicant.phone, "applicant.phone", errors=errors)
    project_code = clean_project_code(project_code, "project_code", errors)
    if errors:
        raise ValidationFailed(errors)
    received_at = stated_time(received_at, field="received_at", not_before=None)

    with transaction.atomic():
        person = filing_applicant(actor, channel, applicant, errors)
        if errors:
            raise ValidationFailed(errors)
        from zhengwu.licences.services import reusable

        now = clock.now()
        reused = reusable(
            holder=person.number,
            wanted={m.code: m.licence_type for m in scene_materials if m.licence_type},
            on=clock.local_date(received_at),
        )
        reused = {code: number for code, number in reused.items() if code not in codes}
        received_on = clock.local_date(received_at)
        joint = JointCase(
            number=f"pending-{uuid.uuid4().hex[:24]}",
            scene=found,
            scene_version=version,
            lead_department=version.lead_department,
            applicant=person,
            owner=actor if channel == "online" else person.user,
            contact_phone=applicant.phone.strip(),
            project_code=project_code,
            channel=channel,
            created_by=actor,
            state=State.SUBMITTED,
            materials=codes,
            reused=reused,
            received_at=received_at,
            received_on=received_on,
            intake_due=received_on,
            clocks_on=clock.today(),
            created_at=now,
            updated_at=now,
        )
        joint.save(force_insert=True)
        joint.number = f"LB{clock.local_date(now):%Y%m%d}{joint.pk:08d}"
        children = JointChild.objects.bulk_create(
            JointChild(
                joint=joint,
                item=entry.item,
                department=entry.item.department,
                stage=entry.stage,
                position=entry.position,
            )
            for entry in scene_items
        )
        _step(
            joint,
            kind=Action.SUBMIT,
            actor=actor,
            occurred_at=received_at,
            new=True,
            retroactive=channel == "window" and _is_retroactive(received_at),
            data={
                "scene": found.code,
                "version": version.number,
                "channel": channel,
                "applicant": person.pk,
                "applicant_name": person.name,
                "materials": codes,
                "reused": reused,
                **({"project_code": project_code} if project_code else {}),
            },
        )
        joint.version = 1
        joint.save()
        observers.saved(joint)
    # What the answer to the filing shows, without reading it back.
    joint.filed = Filed(children=children, events=[joint.last_event])
    return joint


@dataclass(frozen=True)
class Filed:
    """A joint case's item rows and events as ``file`` wrote them."""

    children: list[JointChild]
    events: list[JointCaseEvent]


# ---------------------------------------------------------------- act


def _lock(number: str) -> JointCase:
    number = str(number or "")[:32]
    if "\x00" in number:
        raise NotFound()
    joint = (
        JointCase.objects.select_for_update()
        .select_related("scene_version", "scene")
        .filter(number=number)
        .first()
    )
    if joint is None:
        raise NotFound()
    return joint


def _clean(action: Action, data: Mapping, joint: JointCase) -> dict:
    errors: dict[str, list] = {}
    out: dict = {}
    known = list(joint.scene_version.materials.values_list("code", flat=True))
    if action is Action.REQUEST_SUPPLEMENT:
        missing = inputs.material_codes(
            data.get("missing"), "missing", known=known, errors=errors, required=True
        )
        left_out = [c for c in missing_required(joint) if c not in missing]
        if missing and "missing" not in errors and left_out:
            errors["missing"] = [
                _("A one-time notice lists every missing material at once; also list: %(codes)s.")
                % {"codes": "、".join(left_out)}
            ]
        out["missing"] = missing
        out["note"] = core_inputs.text(data.get("note"), "note", required=False, errors=errors)
    elif action is Action.SUPPLEMENT:
        out["materials"] = inputs.material_codes(
            data.get("materials"), "materials", known=known, errors=errors, required=True
        )
    elif action is Action.REFUSE:
        out["reason"] = core_inputs.text(data.get("reason"), "reason", required=True, errors=errors)
    elif action is Action.WITHDRAW:
        out["reason"] = core_inputs.text(
            data.get("reason"), "reason", required=False, errors=errors
        )
    elif action is Action.EXTEND:
        workdays = data.get("workdays")
        if isinstance(workdays, bool) or not isinstance(workdays, int):
            errors["workdays"] = [_("Enter a whole number.")]
        elif not 1 <= workdays <= 15:
            errors["workdays"] = [_("An extension of a joint case is 1 to 15 working days.")]
        out["workdays"] = workdays
        out["reason"] = core_inputs.text(data.get("reason"), "reason", required=True, errors=errors)
    elif action is Action.DELIVER:
        method = data.get("method")
        if method not in inputs.DELIVERY_METHODS:
            errors["method"] = [_("The delivery method is window, mail or electronic.")]
        out["method"] = method if isinstance(method, str) else ""
    if errors:
        raise ValidationFailed(errors)
    return out


def act(
    *,
    actor: User,
    number: str,
    action: str,
    data: Mapping | None = None,
    occurred_at: dt.datetime | None = None,
) -> JointCase:
    """Take the public ``action`` (a key of ``ACTIONS``) on joint case ``number``. Raises
    NotFound (not visible), Forbidden, ValidationFailed or DomainError."""
    from zhengwu.joint.selectors import visible

    if action not in ACTIONS:
        raise ValidationFailed({"action": [_("Unknown action.")]})
    table_action = ACTIONS[action]
    data = dict(data or {})
    staff = bool(role_names(actor) & {Role.WINDOW_CLERK, Role.LEADER})
    if occurred_at is not None and not staff:
        raise ValidationFailed({"occurred_at": [_("Only staff may state when a step happened.")]})
    failure: Exception | None = None
    with transaction.atomic():
        if not visible(actor).filter(number=str(number or "")[:32]).exists():
            raise NotFound()
        # A late intake action first records the deemed acceptance it comes too late for (as
        # for cases); the deemed acceptance stands whatever becomes of the action.
        if table_action is not Action.WITHDRAW:
            _deem_if_due(_lock(number), clock.today())
        try:
            with transaction.atomic():
                joint = _act_locked(actor, number, table_action, data, occurred_at, staff)
        except (DomainError, Forbidden, ValidationFailed) as error:
            failure = error
    if failure is not None:
        raise failure
    return joint


def _act_locked(actor, number, table_action, data, occurred_at, staff) -> JointCase:
    children = []
    if table_action in (Action.WITHDRAW, Action.DELIVER):
        # The children first: every path locks children before their joint case.
        children = list(
            Case.objects.select_for_update()
            .filter(joint_child__joint__number=number)
            .order_by("id")
        )
    joint = _lock(number)
    rows = list(joint.events.order_by("seq"))
    try:
        transition(
            joint.state,
            table_action,
            acting_roles(actor, joint),
            extended=joint.extension_workdays > 0,
            notified=any(r.kind == Action.REQUEST_SUPPLEMENT for r in rows),
        )
    except TransitionError as error:
        if (
            error.code == "illegal_transition"
            and any(r.kind == Action.DEEM_ACCEPT for r in rows)
            and table_action in (Action.ACCEPT, Action.REFUSE, Action.REQUEST_SUPPLEMENT)
        ):
            raise DomainError(RULE_MESSAGES["deemed_accepted"], code="deemed_accepted") from None
        raise _rule_error(error) from error
    event_data = _clean(table_action, data, joint)
    occurred_at = stated_time(occurred_at, field="occurred_at", not_before=rows[-1].occurred_at)
    if table_action is Action.SUPPLEMENT:
        joint.materials = list(dict.fromkeys([*joint.materials, *event_data["materials"]]))
        joint.missing = [c for c in joint.missing if c not in joint.materials]
    elif table_action is Action.REQUEST_SUPPLEMENT:
        joint.missing = event_data["missing"]
    elif table_action is Action.ACCEPT:
        missing = missing_required(joint)
        if missing:
            raise DomainError(
                RULE_MESSAGES["materials_incomplete"]
                % {"names": material_names(joint.scene_version, missing)},
                code="materials_incomplete",
            )
    _step(
        joint,
        kind=table_action,
        actor=actor,
        occurred_at=occurred_at,
        data=event_data,
        retroactive=staff and _is_retroactive(occurred_at),
    )
    if table_action is Action.ACCEPT:
        _open_stage(joint, 0, actor=actor, at=occurred_at)
    elif table_action is Action.WITHDRAW:
        reason = event_data["reason"] or _("The joint application was withdrawn.")
        for case in children:
            if case.is_open:
                withdraw_child(
                    case=case, actor=actor, at=occurred_at, reason=reason, joint=joint.number
                )
        joint.children.filter(case__isnull=True).update(closed_reason=reason)
    elif table_action is Action.DELIVER:
        # 统一出件: the one delivery delivers every item's decision
        for case in children:
            if case.state == CaseState.GRANTED:
                deliver_child(
                    case=case,
                    actor=actor,
                    at=occurred_at,
                    method=event_data["method"],
                    joint=joint.number,
                )
    joint.save()
    observers.saved(joint)
    if table_action is Action.DELIVER and joint.scene_version.composite_licence:
        from zhengwu.licences.services import issue_composite

        issue_composite(joint=joint)
    return joint


def _child_materials(joint: JointCase, impl_code: str) -> list[str]:
    have = set(joint.materials) | set(joint.reused)
    return [
        material.sources[impl_code]
        for material in joint.scene_version.materials.all()
        if material.code in have and impl_code in material.sources
    ]


def _open_stage(joint: JointCase, stage: int, *, actor: User | None, at: dt.datetime) -> None:
    """Open the cases of the items of ``stage``: received and accepted at once."""
    for child in joint.children.filter(stage=stage, case__isnull=True).select_related(
        "item__current_version"
    ):
        version = child.item.current_version
        child.case = open_child(
            actor=actor,
            version=version,
            applicant=joint.applicant,
            owner=joint.owner,
            contact_phone=joint.contact_phone,
            channel=joint.channel,
            materials=_child_materials(joint, child.item.impl_code),
            at=at,
            joint=joint.number,
        )
        child.save(update_fields=["case"])


# ---------------------------------------------------------------- the sweep


def _deem_if_due(joint: JointCase, on: dt.date) -> bool:
    """Record the deemed acceptance of a locked joint case whose intake limit passed before
    ``on``: the event by the system the day after the intake due date, the cases of the first
    stage opened as of the moment the application stands accepted (its receipt, or the
    supplement)."""
    if joint.state != State.SUBMITTED or on <= joint.intake_due:
        return False
    occurred = clock.start_of_day(joint.intake_due + dt.timedelta(days=1))
    rows = list(joint.events.order_by("seq"))
    events = [_event_tuple(r) for r in rows]
    events.append(Event(Action.DEEM_ACCEPT, clock.local_date(occurred), {}))
    clocks = _clocks(joint, events, max(clock.today(), clock.local_date(occurred)))
    _append(
        joint,
        kind=Action.DEEM_ACCEPT,
        actor=None,
        occurred_at=occurred,
        data={"intake_due": joint.intake_due.isoformat(), "accepted_on": str(clocks.accepted_on)},
    )
    _apply(joint, clocks)
    joint.version += 1
    joint.updated_at = clock.now()
    received = [r for r in rows if r.kind in (Action.SUBMIT, Action.SUPPLEMENT)][-1]
    _open_stage(joint, 0, actor=None, at=received.occurred_at)
    joint.save()
    observers.saved(joint)
    return True


def deem_overdue() -> int:
    """Record the deemed acceptance of every joint application whose intake limit has passed with
    no intake action (行政许可法 art. 32), each under its row lock in its own transaction; the
    number recorded."""
    today = clock.today()
    ids = JointCase.objects.filter(state=State.SUBMITTED, intake_due__lt=today).values_list(
        "id", flat=True
    )
    return one_by_one(
        JointCase.objects.select_related("scene_version", "scene"),
        list(ids),
        lambda joint: _deem_if_due(joint, today),
    )


def paused_open_ids(today: dt.date) -> list[int]:
    """The joint cases in progress with a child in a special procedure whose clocks were computed
    before ``today``: their due dates move on every working day the pause lasts."""
    return sorted(
        JointCase.objects.filter(
            state=State.ACCEPTED,
            clocks_on__lt=today,
            children__case__state="suspended",
        )
        .values_list("id", flat=True)
        .distinct()
    )


def refresh_paused(today: dt.date | None = None) -> list[int]:
    """Recompute the clocks of the joint cases of ``paused_open_ids`` as of today, each under
    its children's locks and its own (the order every path takes); the ids whose level, due
    dates or statutory flag changed (the others only have ``clocks_on`` moved on)."""
    today = today or clock.today()
    changed = []
    for joint_id in paused_open_ids(today):
        with transaction.atomic():
            list(
                Case.objects.select_for_update()
                .filter(joint_child__joint_id=joint_id)
                .order_by("id")
                .values_list("id", flat=True)
            )
            joint = (
                JointCase.objects.select_for_update()
                .select_related("scene_version")
                .filter(pk=joint_id, state=State.ACCEPTED)
                .first()
            )
            if joint is None:
                continue
            before = [getattr(joint, name) for name in CLOCK_FIELDS]
            _refresh(joint)
            joint.save()
            if before != [getattr(joint, name) for name in CLOCK_FIELDS]:
                changed.append(joint_id)
    return changed


# ---------------------------------------------------------------- following the children

GRANTED_STATES = ("granted", "delivered")


def follow_child(*, case: Case, action: str) -> None:
    """Bring the joint case of the child ``case`` (locked by the caller) up to date after
    ``action``: its clocks (a special procedure), the next stage or its completion (a grant), a
    stop (a denial or the child's own withdrawal)."""
    child = JointChild.objects.filter(case=case).only("joint_id", "stage").first()
    if child is None:
        return
    joint = (
        JointCase.objects.select_for_update().select_related("scene_version").get(pk=child.joint_id)
    )
    if not joint.is_open:
        return
    now = clock.now()
    if action in ("decide_deny", "withdraw"):
        if action == "decide_deny":
            reason = _("%(item)s was denied (case %(case)s).") % {
                "item": case.item_version.name,
                "case": case.number,
            }
        else:
            reason = _("%(item)s was withdrawn (case %(case)s).") % {
                "item": case.item_version.name,
                "case": case.number,
            }
        later = joint.children.filter(stage__gt=child.stage, case__isnull=True)
        closed = list(later.values_list("item__impl_code", flat=True))
        later.update(closed_reason=reason)
        _step(
            joint,
            kind=Action.STOP,
            actor=None,
            occurred_at=now,
            data={"reason": reason, "case": case.number, "closed": closed},
        )
    elif action == "decide_grant" and joint.stage == child.stage:
        stage_children = joint.children.filter(stage=child.stage).select_related("case")
        if all(c.case is not None and c.case.state in GRANTED_STATES for c in stage_children):
            if joint.children.filter(stage__gt=child.stage).exists():
                _step(
                    joint,
                    kind=Action.OPEN_STAGE,
                    actor=None,
                    occurred_at=now,
                    data={"stage": child.stage + 1},
                )
                _open_stage(joint, child.stage + 1, actor=None, at=now)
            else:
                _step(joint, kind=Action.COMPLETE, actor=None, occurred_at=now, data={})
        else:
            _refresh(joint)
    else:
        _refresh(joint)
    joint.save()
    observers.saved(joint)


def _refresh(joint: JointCase) -> None:
    """Recompute the stored clocks of a locked joint case (a child's special procedure)."""
    events = [_event_tuple(r) for r in joint.events.order_by("seq")]
    _apply(joint, _clocks(joint, events, clock.today()))
    joint.updated_at = clock.now()
