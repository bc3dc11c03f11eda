"""Pages of the catalogue: the public search and guides, and the staff pages. Thin: they parse,
call a selector or a service, and show the result with the services' own messages."""

from __future__ import annotations

import os
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.catalog import forms as f
from zhengwu.catalog import permissions, selectors, services
from zhengwu.catalog.models import KIND_CHOICES, ServiceItem
from zhengwu.core import clock
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.views import guarded

PAGE_SIZE = 20
ATTACHMENT_KINDS = ("blank_form", "sample")
ROW_KEY = re.compile(r"^(materials|fees|steps)\[(\d+)\](?:\.(\w+))?$")


def _or_404(function, *args):
    try:
        return function(*args)
    except NotFound:
        raise Http404 from None


def _querystring(request, drop: str = "page") -> str:
    params = request.GET.copy()
    params.pop(drop, None)
    return params.urlencode()


# --- public --------------------------------------------------------------------------------------


def public_list(request):
    filters = f.ListFilterForm(request.GET).values()
    queryset = selectors.search_published(
        q=filters["q"],
        department=filters["department"],
        kind=filters["kind"],
        center=filters["center"],
        nearby=bool(filters["nearby"]),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "departments": selectors.public_departments(),
        "centers": selectors.centers_with_items(),
        "kinds": KIND_CHOICES,
        "querystring": _querystring(request),
    }
    partial = request.headers.get("HX-Request") == "true"
    template = "catalog/_public_results.html" if partial else "catalog/public_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def guide(request, impl_code: str):
    version = _or_404(selectors.published_version, impl_code)
    return render(request, "catalog/guide.html", {"version": version, "item": version.item})


def material_file(request, material_id: int, kind: str):
    """A material's blank form or sample, from storage outside the web root."""
    if kind not in ATTACHMENT_KINDS:
        raise Http404
    material = _or_404(selectors.material_for_download, request.user, material_id)
    stored = getattr(material, kind)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    label = _("blank form") if kind == "blank_form" else _("filled-in sample")
    ext = os.path.splitext(stored.name)[1]
    return FileResponse(handle, as_attachment=True, filename=f"{material.name}（{label}）{ext}")


# --- staff ---------------------------------------------------------------------------------------


staff_required = guarded(permissions.can_manage)


def _staff_item(request, impl_code: str) -> ServiceItem:
    return selectors.item_for_staff(request.user, impl_code)


def _revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


def _center_rows(request) -> list[dict]:
    kinds = dict(KIND_CHOICES)
    rows = selectors.hall_counts(selectors.report_centers(request.user))
    for row in rows:
        row["kinds"] = [
            (kinds.get(code, code or _("Not stated")), total, in_hall)
            for code, (total, in_hall) in sorted(row["by_kind"].items())
        ]
        rate = row["in_hall_rate"].percent()
        row["rate_text"] = "—" if rate is None else f"{rate}%"
    return rows


CENTER_HEADERS = (
    "Service center",
    "Items of the center's departments",
    "Licensing items",
    "Other items",
    "In the hall",
    "Share in the hall",
    "Items the center handles",
    "Handled wholly in the center",
    "Window only receives",
    "Delegated down",
    "Nearby list",
)


@staff_required
def staff_centers(request):
    """The items each center handles (事项进驻), by how and by kind; ``?export=xlsx`` as a
    workbook."""
    rows = _center_rows(request)
    if request.GET.get("export") == "xlsx":
        return _centers_xlsx(rows)
    return render(request, "catalog/staff_centers.html", {"rows": rows, "active": "centers"})


def _centers_xlsx(rows) -> HttpResponse:
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Items by center")[:31]
    sheet.append([_(h) for h in CENTER_HEADERS])
    for r in rows:
        sheet.append(
            [
                r["name"],
                r["own"],
                r["licensing"],
                r["non_licensing"],
                r["own_in_hall"],
                r["rate_text"],
                r["items"],
                r["full"],
                r["receive_only"],
                r["delegated"],
                r["nearby"],
            ]
        )
    kinds = book.create_sheet(_("By kind")[:31])
    kinds.append(
        [_("Service center"), _("Kind"), _("Items of the center's departments"), _("In the hall")]
    )
    for r in rows:
        for label, total, in_hall in r["kinds"]:
            kinds.append([r["name"], str(label), total, in_hall])
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = clock.today().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="centers-{stamp}.xlsx"'
    return response


@staff_required
def staff_list(request):
    filters = f.ListFilterForm(request.GET).values()
    queryset = selectors.staff_items(
        request.user,
        q=filters["q"],
        department=filters["department"],
        kind=filters["kind"],
        status=filters["status"],
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalog/staff_list.html",
        {
            "page": page,
            "filters": filters,
            "departments": selectors.staff_departments(request.user),
            "kinds": KIND_CHOICES,
            "statuses": f.ListFilterForm.base_fields["status"].choices[1:],
            "querystring": _querystring(request),
            "can_edit": permissions.can_edit_any(request.user),
            "manages_scenes": permissions.can_edit_all(request.user),
        },
    )


def _detail(request, item: ServiceItem, *, publish_form=None, publish_errors=None, status=200):
    draft = item.draft_version
    return render(
        request,
        "catalog/staff_detail.html",
        {
            "item": item,
            "versions": selectors.item_versions(item),
            "can_edit": permissions.can_edit_department(request.user, item.department_id)
            and item.status != ServiceItem.Status.RETIRED,
            "publish_form": publish_form or f.PublishForm(prefix=f.PUBLISH_PREFIX),
            "publish_errors": publish_errors,
            "draft_problems": selectors.publish_problems(draft) if draft else [],
        },
        status=status,
    )


@staff_required
def staff_detail(request, impl_code: str):
    return _detail(request, _staff_item(request, impl_code))


@staff_required
def staff_version(request, impl_code: str, number: int):
    item = _staff_item(request, impl_code)
    version = selectors.version_of_item(item, number)
    return render(
        request, "catalog/staff_version.html", {"version": version, "item": item, "preview": True}
    )


@staff_required
@require_POST
def staff_publish(request, impl_code: str):
    item = _staff_item(request, impl_code)
    form = f.PublishForm(request.POST, prefix=f.PUBLISH_PREFIX)
    if not form.is_valid():
        return _detail(request, item, publish_form=form, status=422)
    try:
        version = services.publish(
            actor=request.user,
            item=item,
            valid_from=form.cleaned_data["valid_from"],
            expected_revision=_revision(request),
        )
    except ValidationFailed as failed:
        errors = [m for messages_ in failed.errors.values() for m in messages_]
        return _detail(request, item, publish_form=form, publish_errors=errors, status=422)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("catalog:staff_detail", impl_code=item.impl_code)
    messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    return redirect("catalog:staff_detail", impl_code=item.impl_code)


@staff_required
@require_POST
def staff_discard(request, impl_code: str):
    item = _staff_item(request, impl_code)
    try:
        services.discard_draft(actor=request.user, item=item, expected_revision=_revision(request))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The draft was discarded."))
    return redirect("catalog:staff_detail", impl_code=item.impl_code)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_retire(request, impl_code: str):
    item = _staff_item(request, impl_code)
    if not permissions.can_edit_department(request.user, item.department_id):
        raise PermissionDenied
    form = f.RetireForm(request.POST) if request.method == "POST" else f.RetireForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                services.retire(
                    actor=request.user,
                    item=item,
                    reason=form.cleaned_data["reason"],
                    expected_revision=_revision(request),
                )
            except ValidationFailed as failed:
                form.add_error("reason", failed.errors.get("reason") or str(failed.message))
            except DomainError as error:
                form.add_error(None, str(error.message))
                status = 409
            else:
                messages.success(request, _("The item is retired."))
                return redirect("catalog:staff_detail", impl_code=item.impl_code)
    return render(request, "catalog/staff_retire.html", {"item": item, "form": form}, status=status)


# --- the editor ----------------------------------------------------------------------------------


class Editor:
    """The forms of the item editor and how the services' per-field errors land on them."""

    def __init__(self, data=None, files=None, *, base, departments=None, publishing=False):
        existing = {m.pk: m for m in base.materials.all()} if base is not None else {}
        children = f.children_initial(base)
        self.identity = (
            f.IdentityForm(data, departments=departments, prefix=f.IDENTITY_PREFIX)
            if departments is not None
            else None
        )
        self.version = f.VersionForm(data, initial=f.version_initial(base), prefix=f.VERSION_PREFIX)
        self.materials = f.MaterialFormSet(
            data,
            files,
            initial=children["materials"],
            prefix="materials",
            form_kwargs={"existing": existing},
        )
        self.fees = f.FeeFormSet(data, initial=children["fees"], prefix="fees")
        self.steps = f.StepFormSet(data, initial=children["steps"], prefix="steps")
        self.publish = f.PublishForm(data if publishing else None, prefix=f.PUBLISH_PREFIX)
        self.publishing = publishing
        self.summary: list[str] = []
        self.section_errors: dict[str, list[str]] = {"materials": [], "fees": [], "steps": []}

    def is_valid(self) -> bool:
        parts = [self.version, self.materials, self.fees, self.steps]
        if self.identity is not None:
            parts.append(self.identity)
        if self.publishing:
            parts.append(self.publish)
        return all([part.is_valid() for part in parts])

    def content(self) -> dict:
        content = self.version.content()
        content["materials"] = [form.entry() for form in f.used_forms(self.materials)]
        content["fees"] = [form.entry() for form in f.used_forms(self.fees)]
        content["steps"] = [form.entry() for form in f.used_forms(self.steps)]
        return content

    def attach(self, errors: dict[str, list[str]]) -> None:
        """Put each message on its field when the field is on the page, and all of them on top."""
        for key, found in errors.items():
            self.summary.extend(found)
            row = ROW_KEY.match(key)
            if row:
                section, index, field = row.group(1), int(row.group(2)), row.group(3)
                used = f.used_forms(getattr(self, section))
                if index < len(used):
                    form = used[index]
                    form.add_error(field if field in form.fields else None, found)
                else:
                    self.section_errors[section].extend(found)
            elif key in self.section_errors:
                self.section_errors[key].extend(found)
            elif key == "valid_from" and self.publish.is_bound:
                self.publish.add_error("valid_from", found)
            elif self.identity is not None and key in self.identity.fields:
                self.identity.add_error(key, found)
            else:
                name = services.MODEL_FIELDS.get(key, key)
                if name in self.version.fields:
                    self.version.add_error(name, found)


def _editor_page(request, editor: Editor, item: ServiceItem | None, status: int = 200):
    return render(
        request,
        "catalog/staff_edit.html",
        {"editor": editor, "item": item},
        status=status,
    )


def _save(request, editor: Editor, item: ServiceItem | None) -> ServiceItem:
    content = editor.content()
    if item is None:
        identity = editor.identity.cleaned_data
        return services.create_item(
            actor=request.user,
            impl_code=identity["impl_code"],
            base_code=identity["base_code"],
            department=identity["department"],
            content=content,
        )
    services.update_draft(
        actor=request.user, item=item, content=content, expected_revision=_revision(request)
    )
    return item


def _edit(request, item: ServiceItem | None):
    if item is None and not permissions.can_edit_any(request.user):
        raise PermissionDenied
    if item is not None and not permissions.can_edit_department(request.user, item.department_id):
        raise PermissionDenied
    departments = selectors.editable_departments(request.user) if item is None else None
    base = selectors.editing_base(item) if item is not None else None
    publishing = request.POST.get("action") == "publish"
    if request.method != "POST":
        return _editor_page(request, Editor(base=base, departments=departments), item)

    editor = Editor(
        request.POST, request.FILES, base=base, departments=departments, publishing=publishing
    )
    if not editor.is_valid():
        editor.summary.append(_("Please correct the marked fields."))
        return _editor_page(request, editor, item, status=422)
    try:
        item = _save(request, editor, item)
    except ValidationFailed as failed:
        editor.attach(failed.errors)
        return _editor_page(request, editor, item, status=422)
    except DomainError as error:
        editor.summary.append(str(error.message))
        return _editor_page(request, editor, item, status=409)
    if not publishing:
        messages.success(request, _("The draft is saved."))
        return redirect("catalog:staff_detail", impl_code=item.impl_code)

    valid_from = editor.publish.cleaned_data["valid_from"]
    item.refresh_from_db()
    try:
        services.publish(actor=request.user, item=item, valid_from=valid_from)
    except ValidationFailed as failed:
        # The draft is saved; show it as stored, with what keeps it from being published.
        draft = selectors.editing_base(item)
        editor = Editor(f.editor_data(draft, valid_from=valid_from), base=draft, publishing=True)
        editor.is_valid()
        editor.summary.append(_("The draft is saved but cannot be published yet:"))
        editor.attach(failed.errors)
        item.refresh_from_db()
        return _editor_page(request, editor, item, status=422)
    messages.success(request, _("The item is published."))
    return redirect("catalog:staff_detail", impl_code=item.impl_code)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    return _edit(request, None)


@staff_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, impl_code: str):
    item = _staff_item(request, impl_code)
    if item.status == ServiceItem.Status.RETIRED:
        messages.error(request, _("This item is retired and cannot be changed."))
        return redirect("catalog:staff_detail", impl_code=item.impl_code)
    return _edit(request, item)


# --- import and export ---------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    if not permissions.can_edit_any(request.user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = f.ImportForm(request.POST, request.FILES) if posted else f.ImportForm()
    context = {"form": form, "errors": None, "summary": None}
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                context["summary"] = services.import_workbook(
                    form.cleaned_data["file"],
                    actor=request.user,
                    publish=form.cleaned_data["publish"],
                    valid_from=form.cleaned_data["valid_from"],
                )
                status = 200
            except services.WorkbookInvalid as failed:
                context["errors"] = failed.rows
            except DomainError as error:
                form.add_error(None, str(error.message))
                status = 409
    return render(request, "catalog/staff_import.html", context, status=status)


@staff_required
def staff_export(request):
    department = f.ListFilterForm(request.GET).values()["department"]
    content = services.export_workbook(department=department)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    tag = re.sub(r"[^A-Za-z0-9._-]", "", department)
    name = f"catalogue-{tag + '-' if tag else ''}{clock.today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
