"""Every write to the catalogue (DESIGN.md services): keyword-only, one transaction, locked rows.

``actor=None`` means the system itself (the demo-data loader, management commands); a user actor
must be allowed to edit the item's department (``zhengwu.catalog.permissions``).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zhengwu.accounts import regions
from zhengwu.accounts.models import Center, Department
from zhengwu.catalog import excel, permissions, rules, selectors, stations
from zhengwu.catalog.models import (
    CenterHandling,
    CenterItem,
    Fee,
    Material,
    ProcessStep,
    ServiceItem,
    ServiceItemVersion,
)
from zhengwu.catalog.problem_messages import problem_message, problems_to_errors
from zhengwu.catalog.rules import Problem
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed

# Dict-shape keys whose model field has another name.
MODEL_FIELDS = {"type": "handling_type", "basis": "legal_basis", "parallel": "parallel_approval"}


def _invalid(problems: Sequence[Problem], message=None) -> ValidationFailed:
    return ValidationFailed(problems_to_errors(problems), message=message)


@dataclass(frozen=True)
class ItemProblem:
    """One problem of one item of an import: ``items[index].field``."""

    index: int
    impl_code: str
    field: str
    code: str
    message: str


class ImportFailed(ValidationFailed):
    """An import with problems: nothing was written. ``problems`` lists every one."""

    def __init__(self, problems: list[ItemProblem]):
        self.problems = problems
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(f"items[{problem.index}].{problem.field}", []).append(problem.message)
        message = _("Nothing was imported: %(count)s problems were found.") % {
            "count": len(problems)
        }
        super().__init__(errors, message=message)


class WorkbookInvalid(ValidationFailed):
    """An Excel import with problems: nothing was written. ``rows`` lists every bad cell."""

    def __init__(self, rows: list[excel.RowError]):
        self.rows = rows
        errors: dict[str, list[str]] = {}
        for row in rows:
            where = f"{row.sheet}!{row.row or ''}:{row.column}"
            errors.setdefault(where, []).append(row.message)
        message = _("Nothing was imported: %(count)s problems were found.") % {"count": len(rows)}
        super().__init__(errors, message=message)


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    published: bool = True

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


# --- helpers -------------------------------------------------------------------------------------


def _lock(item: ServiceItem) -> ServiceItem:
    return ServiceItem.objects.select_for_update().get(pk=item.pk)


def _check_editable(actor, item: ServiceItem, expected_revision: int | None) -> None:
    if actor is not None and not permissions.can_edit_department(actor, item.department_id):
        raise Forbidden()
    if item.status == ServiceItem.Status.RETIRED:
        raise DomainError(gettext(rules.MESSAGES["item_retired"]), code="item_retired")
    if expected_revision is not None and expected_revision != item.revision:
        raise DomainError(
            _(
                "This item was changed by someone else in the meantime. Reload the page and make "
                "your change again."
            ),
            code="stale",
        )


def _touch(item: ServiceItem, now: dt.datetime) -> None:
    item.revision += 1
    item.updated_at = now


def _normalized(content: Mapping) -> dict:
    normalized, problems = rules.validate_content(content, publish=False)
    if problems:
        raise _invalid(problems)
    return normalized


def _file_problems(item: ServiceItem | None, content: Mapping) -> list[Problem]:
    problems = []
    for index, material in enumerate(content["materials"]):
        for key in rules.MATERIAL_FILE_KEYS:
            value = material.get(key)
            if value is None or value == "":
                continue
            if isinstance(value, FieldFile):
                owner = getattr(value, "instance", None)
                if (
                    item is None
                    or not isinstance(owner, Material)
                    or (owner.version.item_id != item.pk)
                ):
                    problems.append(Problem(f"materials[{index}].{key}", "file_unknown"))
            elif not isinstance(value, File):
                problems.append(Problem(f"materials[{index}].{key}", "file_unknown"))
    return problems


def _write(
    version: ServiceItemVersion,
    content: Mapping,
    *,
    actor,
    now: dt.datetime,
    carry: Mapping[str, Material],
) -> None:
    """Store normalized content into a draft version, replacing its fees, steps and materials.

    A material keeps the blank form and sample of the material with the same code in ``carry``
    unless the content says otherwise (a new ``File``, an existing ``FieldFile``, or None to clear).
    """
    for key in rules.SCALARS:
        setattr(version, MODEL_FIELDS.get(key, key), content[key])
    version.special_procedures = list(content["special_procedures"])
    version.updated_at = now
    version.updated_by = actor
    version.save()
    version.fees.all().delete()
    version.steps.all().delete()
    version.materials.all().delete()
    Fee.objects.bulk_create(
        Fee(version=version, position=n, **fee) for n, fee in enumerate(content["fees"])
    )
    ProcessStep.objects.bulk_create(
        ProcessStep(version=version, position=n, **step) for n, step in enumerate(content["steps"])
    )
    materials = []
    for position, entry in enumerate(content["materials"]):
        material = Material(
            version=version,
            position=position,
            **{
                key: entry[key]
                for key in rules.MATERIAL_FIELDS
                if key not in rules.MATERIAL_FILE_KEYS
            },
        )
        previous = carry.get(entry["code"])
        for key in rules.MATERIAL_FILE_KEYS:
            value = entry[key] if key in entry else getattr(previous, key, None)
            target = getattr(material, key)
            if isinstance(value, FieldFile):
                target.name = value.name or ""
            elif isinstance(value, File):
                target.save(value.name or key, value, save=False)
            else:
                target.name = ""
        materials.append(material)
    Material.objects.bulk_create(materials)


def _new_draft(item: ServiceItem, *, actor, now: dt.datetime) -> ServiceItemVersion:
    last = item.versions.order_by("-number").values_list("number", flat=True).first() or 0
    return ServiceItemVersion(
        item=item,
        number=last + 1,
        status=ServiceItemVersion.Status.DRAFT,
        created_at=now,
        updated_at=now,
        updated_by=actor,
    )


def _carry(version: ServiceItemVersion | None) -> dict[str, Material]:
    if version is None:
        return {}
    return {m.code: m for m in version.materials.all()}


def _stored_content(version: ServiceItemVersion) -> dict:
    return rules.comparable(selectors.stored_content(version))


def _valid_from_problems(item: ServiceItem, valid_from: dt.date) -> list[Problem]:
    today = clock.today()
    if valid_from > today:
        return [Problem("valid_from", "valid_from_future", {"today": today})]
    current = item.current_version
    if current is not None and current.valid_from and valid_from < current.valid_from:
        return [Problem("valid_from", "valid_from_before_current", {"current": current.valid_from})]
    return []


def _publish_locked(
    item: ServiceItem, draft: ServiceItemVersion, *, actor, valid_from: dt.date, now: dt.datetime
) -> ServiceItemVersion:
    previous = item.current_version
    if previous is not None:
        previous.status = ServiceItemVersion.Status.SUPERSEDED
        previous.superseded_at = now
        previous.save(update_fields=["status", "superseded_at"])
    draft.status = ServiceItemVersion.Status.PUBLISHED
    draft.valid_from = valid_from
    draft.published_at = now
    draft.published_by = actor
    draft.save(update_fields=["status", "valid_from", "published_at", "published_by"])
    item.current_version = draft
    item.draft_version = None
    item.status = ServiceItem.Status.PUBLISHED
    _touch(item, now)
    item.save()
    return draft


# --- single-item services ------------------------------------------------------------------------


def create_item(
    *,
    actor,
    impl_code: str,
    base_code: str,
    department: Department,
    content: Mapping,
) -> ServiceItem:
    """A new item whose first version is a draft holding ``content`` (the dict shape)."""
    if actor is not None and not permissions.can_edit_department(actor, department.pk):
        raise Forbidden()
    identity, problems = rules.validate_item(
        {**content, "impl_code": impl_code, "base_code": base_code, "department": department.code},
        publish=False,
    )
    problems += _file_problems(None, identity) if not problems else []
    if problems:
        raise _invalid(problems)
    now = clock.now()
    try:
        with transaction.atomic():
            if ServiceItem.objects.filter(impl_code=identity["impl_code"]).exists():
                code = identity["impl_code"]
                raise _invalid([Problem("impl_code", "impl_code_taken", {"code": code})])
            item = ServiceItem.objects.create(
                impl_code=identity["impl_code"],
                base_code=identity["base_code"],
                department=department,
                status=ServiceItem.Status.DRAFT,
                created_at=now,
                updated_at=now,
            )
            draft = _new_draft(item, actor=actor, now=now)
            _write(draft, identity, actor=actor, now=now, carry={})
            item.draft_version = draft
            item.save(update_fields=["draft_version"])
    except IntegrityError:
        code = identity["impl_code"]
        raise _invalid([Problem("impl_code", "impl_code_taken", {"code": code})]) from None
    return item


@transaction.atomic
def update_draft(
    *,
    actor,
    item: ServiceItem,
    content: Mapping,
    expected_revision: int | None = None,
) -> ServiceItemVersion:
    """Store ``content`` as the item's draft, copying the published version into a new draft first
    when there is none (a published version is never changed)."""
    item = _lock(item)
    _check_editable(actor, item, expected_revision)
    normalized = _normalized(content)
    problems = _file_problems(item, normalized)
    if problems:
        raise _invalid(problems)
    now = clock.now()
    draft = item.draft_version
    if draft is None:
        carry = _carry(item.current_version)
        draft = _new_draft(item, actor=actor, now=now)
    else:
        carry = _carry(draft)
    _write(draft, normalized, actor=actor, now=now, carry=carry)
    item.draft_version = draft
    _touch(item, now)
    item.save()
    return draft


@transaction.atomic
def publish(
    *,
    actor,
    item: ServiceItem,
    valid_from: dt.date | None = None,
    expected_revision: int | None = None,
) -> ServiceItemVersion:
    """Publish the draft from ``valid_from`` (today by default); the previous version is superseded.

    Raises ValidationFailed listing every consistency problem (nothing changes then).
    """
    item = _lock(item)
    _check_editable(actor, item, expected_revision)
    draft = item.draft_version
    if draft is None:
        raise DomainError(_("There is no draft to publish."), code="no_draft")
    valid_from = valid_from or clock.today()
    problems = rules.check_content(selectors.stored_content(draft)) + _valid_from_problems(
        item, valid_from
    )
    if problems:
        raise _invalid(problems, message=_("The draft cannot be published yet."))
    return _publish_locked(item, draft, actor=actor, valid_from=valid_from, now=clock.now())


@transaction.atomic
def retire(
    *, actor, item: ServiceItem, reason: str, expected_revision: int | None = None
) -> ServiceItem:
    """Take the item out of the catalogue; its versions stay for the cases that hold them."""
    item = _lock(item)
    _check_editable(actor, item, expected_revision)
    reason = (reason or "").strip()
    if not reason:
        raise _invalid([Problem("reason", "reason_missing")])
    now = clock.now()
    item.status = ServiceItem.Status.RETIRED
    item.retired_at = now
    item.retired_reason = reason
    item.retired_by = actor
    _touch(item, now)
    item.save()
    return item


@transaction.atomic
def discard_draft(*, actor, item: ServiceItem, expected_revision: int | None = None) -> None:
    """Throw the draft away. Only an item that has a published version can lose its draft."""
    item = _lock(item)
    _check_editable(actor, item, expected_revision)
    draft = item.draft_version
    if draft is None:
        raise DomainError(_("There is no draft to discard."), code="no_draft")
    if item.current_version is None:
        raise DomainError(
            _("This item has never been published: its only draft cannot be discarded."),
            code="only_draft",
        )
    item.draft_version = None
    _touch(item, clock.now())
    item.save()
    draft.delete()


# --- imports -------------------------------------------------------------------------------------


@dataclass
class _Planned:
    index: int
    data: dict
    department: Department | None = None
    item: ServiceItem | None = None


def _item_problem(index: int, data: Mapping, problem: Problem) -> ItemProblem:
    code = data.get("impl_code") if isinstance(data, Mapping) else None
    return ItemProblem(
        index,
        code if isinstance(code, str) else "",
        problem.field,
        problem.code,
        problem_message(problem),
    )


def _plan(
    items: Sequence, *, actor, publish: bool, valid_from: dt.date, lock: bool
) -> tuple[list[_Planned], list[ItemProblem]]:
    if not isinstance(items, (list, tuple)):
        problem = Problem("__all__", "not_list")
        return [], [ItemProblem(-1, "", problem.field, problem.code, problem_message(problem))]
    planned: list[_Planned] = []
    problems: list[ItemProblem] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(items):
        data, found = rules.validate_item(raw, publish=publish)
        code = data.get("impl_code")
        if isinstance(code, str):
            if code in first_index:
                found.append(Problem("impl_code", "impl_code_duplicate", {"code": code}))
            else:
                first_index[code] = index
        problems += [_item_problem(index, data, p) for p in found]
        planned.append(_Planned(index, data))

    codes = [p.data["impl_code"] for p in planned if isinstance(p.data.get("impl_code"), str)]
    existing_qs = ServiceItem.objects.filter(impl_code__in=codes).select_related(
        "department", "current_version", "draft_version"
    )
    if lock:
        existing_qs = existing_qs.select_for_update(of=("self",)).order_by("pk")
    existing = {item.impl_code: item for item in existing_qs}
    department_codes = {p.data.get("department") for p in planned}
    departments = {
        d.code: d for d in Department.objects.filter(code__in=[c for c in department_codes if c])
    }
    for plan in planned:
        data = plan.data
        found = []
        code = data.get("department")
        plan.department = departments.get(code) if isinstance(code, str) else None
        if isinstance(code, str) and code and plan.department is None:
            found.append(Problem("department", "department_unknown", {"code": code}))
        elif plan.department is not None and actor is not None:
            if not permissions.can_edit_department(actor, plan.department.pk):
                found.append(Problem("department", "department_forbidden", {"code": code}))
        plan.item = existing.get(data.get("impl_code"))
        item = plan.item
        if item is not None and first_index.get(item.impl_code) == plan.index:
            if item.status == ServiceItem.Status.RETIRED:
                found.append(Problem("impl_code", "item_retired"))
            if plan.department is not None and item.department_id != plan.department.pk:
                found.append(
                    Problem(
                        "department",
                        "department_changed",
                        {"current": item.department.code, "code": code},
                    )
                )
            if data.get("base_code") and item.base_code != data["base_code"]:
                found.append(Problem("base_code", "base_code_changed", {"current": item.base_code}))
            if publish and item.status != ServiceItem.Status.RETIRED:
                found += _valid_from_problems(item, valid_from)
        elif item is None and publish and valid_from > clock.today():
            found.append(Problem("valid_from", "valid_from_future", {"today": clock.today()}))
        problems += [_item_problem(plan.index, data, p) for p in found]
    problems.sort(key=lambda p: p.index)
    return planned, problems


def validate_items(
    items: Sequence[Mapping],
    *,
    actor=None,
    publish: bool = True,
    valid_from: dt.date | None = None,
) -> list[ItemProblem]:
    """Every problem ``import_items`` would report for these items, without writing anything."""
    _planned, problems = _plan(
        items, actor=actor, publish=publish, valid_from=valid_from or clock.today(), lock=False
    )
    return problems


def import_items(
    items: Sequence[Mapping],
    *,
    actor=None,
    publish: bool = True,
    valid_from: dt.date | None = None,
) -> ImportSummary:
    """Create or update many items from the public dict shape (docs/catalog.md), all or nothing.

    A new ``impl_code`` creates an item; a known one gets a new version when its content differs
    from what is stored (unchanged items are left alone, so importing twice changes nothing).
    With ``publish`` the versions are published from ``valid_from`` (today by default); without it
    they are stored as drafts. Raises ImportFailed (a ValidationFailed) listing every problem.
    """
    valid_from = valid_from or clock.today()
    summary = ImportSummary(published=publish)
    try:
        with transaction.atomic():
            planned, problems = _plan(
                items, actor=actor, publish=publish, valid_from=valid_from, lock=True
            )
            if problems:
                raise ImportFailed(problems)
            now = clock.now()
            for plan in planned:
                _import_one(
                    plan,
                    actor=actor,
                    publish=publish,
                    valid_from=valid_from,
                    now=now,
                    summary=summary,
                )
    except IntegrityError:
        raise DomainError(
            _("Another change to the same items happened at the same time. Import again."),
            code="concurrent_import",
        ) from None
    return summary


def _import_one(
    plan: _Planned,
    *,
    actor,
    publish: bool,
    valid_from: dt.date,
    now: dt.datetime,
    summary: ImportSummary,
) -> None:
    data = plan.data
    item = plan.item
    if item is None:
        item = ServiceItem.objects.create(
            impl_code=data["impl_code"],
            base_code=data["base_code"],
            department=plan.department,
            status=ServiceItem.Status.DRAFT,
            created_at=now,
            updated_at=now,
        )
        draft = _new_draft(item, actor=actor, now=now)
        _write(draft, data, actor=actor, now=now, carry={})
        item.draft_version = draft
        if publish:
            _publish_locked(item, draft, actor=actor, valid_from=valid_from, now=now)
        else:
            item.save(update_fields=["draft_version"])
        summary.created.append(item.impl_code)
        return

    wanted = rules.comparable(data)
    current, draft = item.current_version, item.draft_version
    if publish and current is not None and _stored_content(current) == wanted:
        summary.unchanged.append(item.impl_code)
        return
    if not publish and _stored_content(draft or current) == wanted:
        summary.unchanged.append(item.impl_code)
        return
    if draft is None:
        carry = _carry(current)
        draft = _new_draft(item, actor=actor, now=now)
    else:
        carry = _carry(draft)
    _write(draft, data, actor=actor, now=now, carry=carry)
    item.draft_version = draft
    if publish:
        _publish_locked(item, draft, actor=actor, valid_from=valid_from, now=now)
    else:
        _touch(item, now)
        item.save()
    summary.updated.append(item.impl_code)


# --- Excel ---------------------------------------------------------------------------------------


def _row_errors(
    parsed: excel.ParsedWorkbook, problems: Sequence[ItemProblem]
) -> list[excel.RowError]:
    rows = []
    for problem in problems:
        if (problem.index, problem.field) in parsed.reported:
            continue
        sheet, row, column, line = parsed.locate(problem.index, problem.field)
        message = problem.message
        if line is not None:
            message = gettext("Line %(line)s: %(message)s") % {"line": line, "message": message}
        rows.append(excel.RowError(sheet, row, column, message))
    return rows


def import_workbook(
    file,
    *,
    actor=None,
    publish: bool = True,
    valid_from: dt.date | None = None,
) -> ImportSummary:
    """Import an .xlsx catalogue (docs/catalog.md) through ``import_items``, all or nothing.

    Raises WorkbookInvalid listing every bad row and column (sheet, row, header, message).
    """
    try:
        parsed = excel.read_workbook(file)
    except excel.WorkbookUnreadable as error:
        raise WorkbookInvalid([excel.RowError("", None, "", str(error))]) from None
    if parsed.errors and not parsed.items:
        raise WorkbookInvalid(parsed.errors)
    problems = validate_items(parsed.items, actor=actor, publish=publish, valid_from=valid_from)
    errors = parsed.errors + _row_errors(parsed, problems)
    if errors:
        raise WorkbookInvalid(_sorted(errors))
    try:
        return import_items(parsed.items, actor=actor, publish=publish, valid_from=valid_from)
    except ImportFailed as failed:
        raise WorkbookInvalid(_sorted(_row_errors(parsed, failed.problems))) from None


def _sorted(errors: list[excel.RowError]) -> list[excel.RowError]:
    order = {excel.ITEM_SHEET: 0, excel.MATERIAL_SHEET: 1}
    return sorted(errors, key=lambda e: (order.get(e.sheet, -1), e.row or 0))


def export_workbook(*, department: str = "") -> bytes:
    """The published catalogue (optionally one department's) as an .xlsx workbook."""
    buffer = io.BytesIO()
    excel.export_catalogue(buffer, department=department)
    return buffer.getvalue()


@transaction.atomic
def station_item(
    *,
    center,
    item: ServiceItem,
    handling: str = "full",
    nearby: bool = False,
    delegated_by=None,
    since: dt.date | None = None,
):
    """Record that ``center`` handles ``item`` (事项进驻), or change how; refused with the
    reasons (``catalog.stations``) when the center may not take it."""
    if handling not in CenterHandling.values:
        raise ValidationFailed({"handling": [gettext("Choose how the center handles the item.")]})
    center = Center.objects.select_related("region").get(pk=center.pk)
    department = Department.objects.select_related("center__region").get(pk=item.department_id)
    station = stations.Station(
        center_path=center.region.path,
        department_center_path=department.center.region.path,
        same_center=department.center_id == center.pk,
        delegated_by_item_department=(
            None if delegated_by is None else delegated_by.pk == item.department_id
        ),
        nearby=nearby,
        township=regions.level_of(center.region.code) == "township",
    )
    found = stations.problems(station)
    if found:
        raise ValidationFailed({"center": found})
    row, _created = CenterItem.objects.select_for_update().update_or_create(
        center=center,
        item=item,
        defaults={
            "handling": handling,
            "nearby": nearby,
            "delegated_by": delegated_by,
            "since": since or clock.today(),
        },
    )
    return row
