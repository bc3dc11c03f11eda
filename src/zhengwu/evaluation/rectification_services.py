"""Every write of the rectification ledger (整改台账, DOMAIN §13; DESIGN.md services): keyword-only,
one transaction each, the changed row locked, every step appended to the ledger's hash-chained
trail (``RectificationEvent``).

- ``create_rectification``: a source and its findings (方面 / 大项 / 具体问题), by the supervising
  office;
- ``add_problem``: one more problem, typed or raised from a record of the platform (a link);
- ``add_measure``: a measure on a problem (unit, leader, person, kind, deadline on the working-day
  calendar);
- ``act``: progress (with evidence files), claim, verify, return (``rectification_rules``);
- ``record_discipline``: 约谈 / 批评教育 / 发函通报 / 退回原单位 of one person over a problem.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Mapping, Sequence

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from zhengwu.accounts import regions
from zhengwu.accounts.models import Department
from zhengwu.cases.files import MAX_FILES, check_upload, clean_name
from zhengwu.cases.models import private_storage
from zhengwu.cases.rules import TransitionError
from zhengwu.core import clock, trail
from zhengwu.core import inputs as core_inputs
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import STAFF_ROLES, Role, has_role
from zhengwu.evaluation import rectification_rules as rules
from zhengwu.evaluation.models.rectification import (
    Area,
    DisciplineKind,
    DisciplineRecord,
    Evidence,
    Item,
    Measure,
    MeasureKind,
    Problem,
    Progress,
    Rectification,
    RectificationEvent,
    SourceKind,
)
from zhengwu.workdays.loader import get_calendar
from zhengwu.workdays.rules import CalendarError

log = logging.getLogger(__name__)

LABEL = "rectification"
MAX_AREAS = 50
MAX_ITEMS = 100
MAX_PROBLEMS = 500
OFFICE_ROLES = (Role.SUPERVISOR, Role.ADMIN)
_EVIDENCE_FIELD = Evidence._meta.get_field("file")


# ------------------------------------------------------------------ who may


def is_office(user) -> bool:
    """The supervising office (效能办 / 督查): creates ledgers, verifies and returns measures."""
    return has_role(user, *OFFICE_ROLES)


def roles_on(user, measure: Measure) -> set[str]:
    """The caller's roles on one measure for the transition table."""
    roles = set()
    if is_office(user):
        roles.add(rules.SUPERVISOR)
    if (
        getattr(user, "department_id", None)
        and user.department_id == measure.unit_id
        and has_role(user, *STAFF_ROLES)
    ):
        roles.add(rules.UNIT)
    return roles


def _require_office(user) -> None:
    if not is_office(user):
        raise Forbidden()


def assignable_units(actor) -> QuerySet[Department]:
    """The units the office ``actor`` may give a measure or a discipline record: those it
    oversees (a county's office its county's; the whole deployment's office any)."""
    return regions.overseen_departments_or_all(actor)


def _unit(actor, code, errors: dict) -> Department | None:
    """The department ``code`` names, if it is one of ``assignable_units``; else an error."""
    department = assignable_units(actor).filter(code=str(code or "")[:32]).first()
    if department is None:
        errors["unit"] = [_("Choose a department you oversee.")]
    return department


def _transition_error(error: TransitionError) -> Exception:
    if error.code == "role_not_allowed":
        return Forbidden()
    return DomainError(
        _("This step cannot be taken in the measure's present state."), code=error.code
    )


# ------------------------------------------------------------------ trail and locks


def _step(ledger: Rectification, *, kind: str, actor, data: dict) -> RectificationEvent:
    row = RectificationEvent(
        rectification=ledger, kind=kind, actor=actor, occurred_at=clock.now(), data=data
    )
    trail.append(ledger, row, label=LABEL)
    ledger.save(update_fields=["event_count", "head_hash"])
    return row


def _lock_ledger(pk) -> Rectification:
    ledger = Rectification.objects.select_for_update().filter(pk=_id(pk)).first()
    if ledger is None:
        raise NotFound()
    return ledger


def _id(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound() from None
    if not 0 < number < 2**62:
        raise NotFound()
    return number


# ------------------------------------------------------------------ inputs


def _date(value, field: str, errors: dict) -> dt.date | None:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    errors[field] = [_("Enter a valid date.")]
    return None


def _choice(value, choices, field: str, errors: dict) -> str:
    if value not in {c.value for c in choices}:
        errors[field] = [_("Choose one of the listed options.")]
        return ""
    return value


def _reference(value, field: str, errors: dict):
    """An optional link to a record of the platform: ``{"type": "app_label.model", "id": n}``
    (``label`` optional). ``(content type, id, label)`` or Nones."""
    if not value:
        return None, None, ""
    if not isinstance(value, Mapping):
        errors[field] = [_("Link a record by its type and id.")]
        return None, None, ""
    label = core_inputs.text(value.get("label"), field, required=False, errors=errors, limit=200)
    app_label, _dot, model = str(value.get("type") or "").partition(".")
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model.lower())
        record_id = int(value.get("id"))
    except (ContentType.DoesNotExist, TypeError, ValueError):
        errors[field] = [_("The linked record does not exist.")]
        return None, None, ""
    model_class = content_type.model_class()
    if model_class is None or not model_class.objects.filter(pk=record_id).exists():
        errors[field] = [_("The linked record does not exist.")]
        return None, None, ""
    return content_type, record_id, label


def _clean_tree(areas, errors: dict) -> list[dict]:
    """The areas → items → problems of a source, cleaned (field names as the API's)."""
    if not isinstance(areas, Sequence) or isinstance(areas, str) or not areas:
        errors["areas"] = [_("Enter at least one area with its items and problems.")]
        return []
    if len(areas) > MAX_AREAS:
        errors["areas"] = [_("Too many entries.")]
        return []
    out, problems = [], 0
    for i, area in enumerate(areas):
        area = area if isinstance(area, Mapping) else {}
        title = core_inputs.text(
            area.get("title"), f"areas.{i}.title", required=True, errors=errors, limit=300
        )
        items = area.get("items") or []
        if not isinstance(items, Sequence) or isinstance(items, str) or not items:
            errors[f"areas.{i}.items"] = [_("Enter at least one item.")]
            items = []
        if len(items) > MAX_ITEMS:
            errors[f"areas.{i}.items"] = [_("Too many entries.")]
            items = []
        clean_items = []
        for j, item in enumerate(items):
            item = item if isinstance(item, Mapping) else {}
            where = f"areas.{i}.items.{j}"
            item_title = core_inputs.text(
                item.get("title"), f"{where}.title", required=True, errors=errors, limit=500
            )
            texts = []
            entries = item.get("problems") or []
            if not isinstance(entries, Sequence) or isinstance(entries, str):
                entries = []
            for k, problem in enumerate(entries):
                problem = problem if isinstance(problem, Mapping) else {}
                texts.append(
                    (
                        core_inputs.text(
                            problem.get("text"),
                            f"{where}.problems.{k}.text",
                            required=True,
                            errors=errors,
                        ),
                        _reference(problem.get("link"), f"{where}.problems.{k}.link", errors),
                    )
                )
            problems += len(texts)
            clean_items.append({"title": item_title, "problems": texts})
        out.append({"title": title, "items": clean_items})
    if problems > MAX_PROBLEMS:
        errors["areas"] = [_("Too many entries.")]
    return out


# ------------------------------------------------------------------ ledgers and problems


def create_rectification(*, actor, data: Mapping) -> Rectification:
    """A source with its findings. ``data``: ``source`` (``kind``, ``title``, ``date``, optional
    ``reference``) and ``areas`` (``title``, ``items``: ``title``, ``problems``: ``text``,
    optional ``link``)."""
    _require_office(actor)
    errors: dict[str, list] = {}
    source = data.get("source") if isinstance(data.get("source"), Mapping) else {}
    kind = _choice(source.get("kind"), SourceKind, "source.kind", errors)
    title = core_inputs.text(
        source.get("title"), "source.title", required=True, errors=errors, limit=200
    )
    day = _date(source.get("date"), "source.date", errors)
    if day is not None and day > clock.today():
        errors["source.date"] = [_("The date cannot be in the future.")]
    ref_type, ref_id, _label = _reference(source.get("reference"), "source.reference", errors)
    tree = _clean_tree(data.get("areas"), errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        now = clock.now()
        ledger = Rectification.objects.create(
            number=uuid.uuid4().hex,
            kind=kind,
            title=title,
            source_date=day,
            reference_type=ref_type,
            reference_id=ref_id,
            created_by=actor,
            created_at=now,
        )
        ledger.number = f"ZG{day:%Y}{ledger.pk:06d}"
        ledger.save(update_fields=["number"])
        _step(
            ledger,
            kind="open_ledger",
            actor=actor,
            data={"source": kind, "title": title, "date": day.isoformat()},
        )
        for a, area_data in enumerate(tree, start=1):
            area = Area.objects.create(rectification=ledger, seq=a, title=area_data["title"])
            for i, item_data in enumerate(area_data["items"], start=1):
                item = Item.objects.create(area=area, seq=i, title=item_data["title"])
                for text, link in item_data["problems"]:
                    _problem(ledger, item, text, link, actor)
    return ledger


def _problem(ledger, item, text, link, actor) -> Problem:
    link_type, link_id, link_label = link
    seq = (item.problems.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
    problem = Problem.objects.create(
        rectification=ledger,
        item=item,
        seq=seq,
        text=text,
        link_type=link_type,
        link_id=link_id,
        link_label=link_label,
    )
    data = {"problem": problem.pk, "item": item.pk, "text": text}
    if link_type is not None:
        data["link"] = {"type": link_type.natural_key(), "id": link_id}
    _step(ledger, kind="add_problem", actor=actor, data=data)
    return problem


def add_problem(
    *,
    actor,
    rectification_id,
    item_id=None,
    area_title: str = "",
    item_title: str = "",
    text: str,
    link: Mapping | None = None,
) -> Problem:
    """One more problem under an item (``item_id``) or under an area and item named (made when
    missing), optionally linked to the record it was raised from."""
    _require_office(actor)
    errors: dict[str, list] = {}
    text = core_inputs.text(text, "text", required=True, errors=errors)
    link_value = _reference(link, "link", errors)
    if item_id in (None, ""):
        area_title = core_inputs.text(area_title, "area", required=True, errors=errors, limit=300)
        item_title = core_inputs.text(item_title, "item", required=True, errors=errors, limit=500)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        ledger = _lock_ledger(rectification_id)
        if item_id not in (None, ""):
            item = Item.objects.filter(pk=_id(item_id), area__rectification=ledger).first()
            if item is None:
                raise ValidationFailed({"item": [_("Choose an item of this ledger.")]})
        else:
            area = ledger.areas.filter(title=area_title).first()
            if area is None:
                seq = (ledger.areas.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
                area = Area.objects.create(rectification=ledger, seq=seq, title=area_title)
            item = area.items.filter(title=item_title).first()
            if item is None:
                seq = (area.items.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
                item = Item.objects.create(area=area, seq=seq, title=item_title)
        return _problem(ledger, item, text, link_value, actor)


# ------------------------------------------------------------------ measures


def _user(value, field: str, errors: dict):
    try:
        pk = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("Choose a person.")]
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True).first() if pk > 0 else None
    if user is None:
        errors[field] = [_("Choose a person.")]
    return user


def clean_deadline(value, *, field: str = "deadline", errors: dict, start: dt.date) -> dt.date:
    """A deadline as a date, or as a number of working days after ``start``; moved to the next
    working day when it falls on a rest day."""
    calendar = get_calendar()
    try:
        if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
            days = int(value)
            if not 0 < days <= 1000:
                errors[field] = [_("Enter a number of working days from 1 to 1000.")]
                return None
            return rules.deadline_after(calendar, start, days)
        day = _date(value, field, errors)
        if day is None:
            return None
        if day < start:
            errors[field] = [_("The deadline cannot be before today.")]
            return None
        return rules.due_date(calendar, day)
    except CalendarError:
        errors[field] = [_("The working-day calendar does not cover this date yet.")]
        return None


def add_measure(
    *,
    actor,
    rectification_id,
    problem,
    text: str,
    unit: str,
    leader,
    person,
    kind: str,
    deadline,
) -> Measure:
    """A measure on a problem of the ledger (the supervising office)."""
    _require_office(actor)
    errors: dict[str, list] = {}
    text = core_inputs.text(text, "text", required=True, errors=errors)
    kind = _choice(kind, MeasureKind, "kind", errors)
    department = _unit(actor, unit, errors)
    leader_user = _user(leader, "leader", errors)
    person_user = _user(person, "person", errors)
    due = clean_deadline(deadline, errors=errors, start=clock.today())
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        ledger = _lock_ledger(rectification_id)
        try:
            problem_row = ledger.problems.filter(pk=int(problem)).first()
        except (TypeError, ValueError):
            problem_row = None
        if problem_row is None:
            raise ValidationFailed({"problem": [_("Choose a problem of this ledger.")]})
        try:
            state = rules.transition(None, rules.Action.CREATE, {rules.SUPERVISOR}, kind=kind)
        except TransitionError as error:
            raise _transition_error(error) from None
        seq = (problem_row.measures.order_by("-seq").values_list("seq", flat=True).first() or 0) + 1
        measure = Measure.objects.create(
            rectification=ledger,
            problem=problem_row,
            seq=seq,
            text=text,
            unit=department,
            leader=leader_user,
            person=person_user,
            kind=kind,
            deadline=due,
            state=state,
        )
        _step(
            ledger,
            kind="add_measure",
            actor=actor,
            data={
                "measure": measure.pk,
                "problem": problem_row.pk,
                "unit": department.code,
                "leader": leader_user.get_username(),
                "person": person_user.get_username(),
                "kind": kind,
                "deadline": due.isoformat(),
            },
        )
    return measure


def _check_files(files) -> list[tuple]:
    checked, errors = [], []
    files = list(files or ())
    if len(files) > MAX_FILES:
        raise ValidationFailed(
            {"files": [_("Upload at most %(count)d files at once.") % {"count": MAX_FILES}]}
        )
    for upload in files:
        try:
            content_type, sha256, size = check_upload(upload)
        except ValidationFailed as error:
            errors.extend(error.errors.get("file", []))
            continue
        checked.append((upload, clean_name(upload.name), content_type, sha256, size))
    if errors:
        raise ValidationFailed({"files": errors})
    return checked


def _store(progress: Progress, checked, written: list[str]) -> list[Evidence]:
    rows = []
    for upload, name, content_type, sha256, size in checked:
        row = Evidence(
            progress=progress,
            original_name=name,
            content_type=content_type,
            size=size,
            sha256=sha256,
        )
        path = f"{_EVIDENCE_FIELD.generate_filename(row, name)}-{secrets.token_hex(8)}"
        written.append(path)
        upload.seek(0)
        row.file.name = private_storage.save(path, upload)
        if row.file.name != path:
            written.append(row.file.name)
        row.save(force_insert=True)
        rows.append(row)
    return rows


def act(
    *,
    actor,
    measure_id,
    action: str,
    text: str = "",
    files=(),
    version: int | None = None,
) -> Measure:
    """One step on a measure: ``progress`` (``text`` and evidence ``files``), ``claim``
    (``text``: what was done), ``verify`` (``text``: the office's note), ``return`` (``text``:
    the reason, required). 404 for a measure the caller may not see; a stale ``version`` is a
    409."""
    errors: dict[str, list] = {}
    required = action in (rules.Action.PROGRESS, rules.Action.CLAIM, rules.Action.RETURN)
    field = "reason" if action == rules.Action.RETURN else "text"
    text = core_inputs.text(text, field, required=required, errors=errors)
    checked = _check_files(files) if action == rules.Action.PROGRESS else []
    if errors:
        raise ValidationFailed(errors)
    written: list[str] = []
    try:
        with transaction.atomic():
            measure = Measure.objects.select_for_update().filter(pk=_id(measure_id)).first()
            if measure is None:
                raise NotFound()
            roles = roles_on(actor, measure)
            if not roles and not has_role(actor, Role.LEADER):
                raise NotFound()  # another unit's measure: it does not exist for them
            if version is not None and int(version) != measure.version:
                raise DomainError(
                    _("The measure was changed meanwhile; reload it and try again."),
                    code="stale_version",
                )
            try:
                new_state = rules.transition(measure.state, action, roles, kind=measure.kind)
            except TransitionError as error:
                raise _transition_error(error) from None
            ledger = _lock_ledger(measure.rectification_id)
            today = clock.today()
            data: dict = {"measure": measure.pk, "from": measure.state, "to": str(new_state)}
            if text:
                data["text"] = text
            if action == rules.Action.PROGRESS:
                periodic = measure.kind == MeasureKind.LONG_TERM and (
                    measure.state == rules.State.VERIFIED
                )
                progress = Progress(
                    measure=measure,
                    text=text,
                    periodic=periodic,
                    author=actor,
                    reported_at=clock.now(),
                )
                progress.save(force_insert=True)
                stored = _store(progress, checked, written)
                data["files"] = [row.sha256 for row in stored]
                data["progress"] = progress.pk
                if periodic:
                    measure.report_due = rules.next_report(get_calendar(), today)
            elif action == rules.Action.CLAIM:
                measure.claimed_on = today
            elif action == rules.Action.VERIFY:
                measure.verified_on = today
                if measure.kind == MeasureKind.LONG_TERM:
                    measure.report_due = rules.next_report(get_calendar(), today)
            elif action == rules.Action.RETURN:
                measure.returned += 1
                measure.return_reason = text
                measure.claimed_on = None
            measure.state = new_state
            measure.version += 1
            measure.save()
            _step(ledger, kind=str(action), actor=actor, data=data)
    except BaseException:
        for name in written:
            try:
                private_storage.delete(name)
            except OSError:
                log.warning("could not remove the evidence file %s after a failed write", name)
        raise
    return measure


# ------------------------------------------------------------------ discipline


def record_discipline(
    *,
    actor,
    rectification_id,
    kind: str,
    taken_on,
    problem=None,
    person=None,
    person_name: str = "",
    unit: str = "",
    note: str = "",
) -> DisciplineRecord:
    """One person's 约谈 / 批评教育 / 发函通报 / 退回原单位 (一人次), by the supervising office."""
    _require_office(actor)
    errors: dict[str, list] = {}
    kind = _choice(kind, DisciplineKind, "kind", errors)
    day = _date(taken_on, "taken_on", errors)
    if day is not None and day > clock.today():
        errors["taken_on"] = [_("The date cannot be in the future.")]
    note = core_inputs.text(note, "note", required=False, errors=errors)
    user = None
    if person not in (None, ""):
        user = _user(person, "person", errors)
        name = (user.full_name or "").strip() if user else ""
    else:
        name = core_inputs.text(person_name, "person", required=True, errors=errors, limit=60)
    if user is not None and not name:
        name = core_inputs.text(person_name, "person", required=True, errors=errors, limit=60)
    department = None
    if unit:
        department = _unit(actor, unit, errors)
    elif user is not None:
        department = user.department
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        ledger = _lock_ledger(rectification_id)
        problem_row = None
        if problem not in (None, ""):
            try:
                problem_row = ledger.problems.filter(pk=int(problem)).first()
            except (TypeError, ValueError):
                problem_row = None
            if problem_row is None:
                raise ValidationFailed({"problem": [_("Choose a problem of this ledger.")]})
        record = DisciplineRecord.objects.create(
            rectification=ledger,
            problem=problem_row,
            kind=kind,
            person=user,
            person_name=name,
            unit=department,
            taken_on=day,
            note=note,
            recorded_by=actor,
        )
        _step(
            ledger,
            kind="discipline",
            actor=actor,
            data={
                "record": record.pk,
                "kind": kind,
                "problem": problem_row.pk if problem_row else None,
                "person": name,
                "date": day.isoformat(),
            },
        )
    return record
