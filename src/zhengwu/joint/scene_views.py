"""Pages of the scenes (一件事): the public list and guide, the administrators' management
(list, editor, publication, versions, Excel), and the staff's scene report. Thin: they parse,
call a selector or a service, and show the services' own messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.accounts.models import Department
from zhengwu.catalog.services import WorkbookInvalid
from zhengwu.core import clock, confirm
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.roles import STAFF_ROLES, Role, has_role
from zhengwu.core.views import guarded
from zhengwu.joint import presenters, scene_excel, selectors, services
from zhengwu.joint import scene_forms as f
from zhengwu.joint.models import Scene

PAGE_SIZE = 20
# The home page entries (``core.navigation``).
NAVIGATION = [
    (
        Role.ADMIN,
        "scenes:staff_list",
        gettext_lazy("Manage scenes"),
        gettext_lazy(
            "One-thing scenes: their items by stage, publication, Excel import and export."
        ),
    ),
    *(
        (
            role,
            "scenes:report",
            gettext_lazy("Scene report"),
            gettext_lazy("Serial and parallel working days and steps of every published scene."),
        )
        for role in (Role.ADMIN, Role.SUPERVISOR, Role.LEADER, Role.DEPARTMENT_HEAD)
    ),
]

manage_required = guarded(lambda user: has_role(user, Role.ADMIN))
staff_required = guarded(lambda user: has_role(user, *STAFF_ROLES))


# --- public --------------------------------------------------------------------------------------


def public_list(request):
    rows = [
        presenters.report_row(s.current_version) for s in selectors.published_scenes_with_items()
    ]
    return render(request, "joint/scenes/public_list.html", {"rows": rows})


def guide(request, code: str):
    try:
        version = selectors.published_scene(code)
    except NotFound:
        raise Http404 from None
    return render(request, "joint/scenes/guide.html", presenters.guide(version))


@staff_required
def report(request):
    rows = [
        presenters.report_row(s.current_version) for s in selectors.published_scenes_with_items()
    ]
    return render(request, "joint/scenes/report.html", {"rows": rows})


# --- management ----------------------------------------------------------------------------------


@manage_required
def staff_list(request):
    filters = f.SceneFilterForm(request.GET).values()
    page = Paginator(selectors.staff_scenes(**filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "joint/scenes/staff_list.html",
        {
            "page": page,
            "filters": filters,
            "departments": Department.objects.order_by("sort_order", "code"),
            "statuses": f.SceneFilterForm.base_fields["status"].choices[1:],
        },
    )


def _detail(request, scene: Scene, *, problems=None, status=200):
    draft = scene.draft_version
    return render(
        request,
        "joint/scenes/staff_detail.html",
        {
            "scene": scene,
            "draft": presenters.guide(draft) if draft else None,
            "current": scene.current_version,
            "draft_problems": problems
            if problems is not None
            else (services.publish_problems(draft) if draft else []),
            "versions": scene.versions.select_related("published_by", "lead_department"),
        },
        status=status,
    )


@manage_required
def staff_detail(request, code: str):
    return _detail(request, selectors.scene_for_staff(code))


@manage_required
def staff_version(request, code: str, number: int):
    scene = selectors.scene_for_staff(code)
    version = scene.versions.filter(number=number).first()
    if version is None:
        raise Http404
    return render(
        request,
        "joint/scenes/staff_version.html",
        {"scene": scene, **presenters.guide(version)},
    )


@manage_required
@require_POST
def staff_publish(request, code: str):
    scene = selectors.scene_for_staff(code)
    draft = scene.draft_version
    if draft is None:
        messages.error(request, _("The scene has no draft to publish."))
        return redirect("scenes:staff_detail", code=scene.code)
    if not confirm.confirmed(request):
        return confirm.confirmation_page(
            request,
            title=_("publish the scene"),
            subject=draft.name,
            facts=[
                (_("scene code"), scene.code),
                (_("version number"), draft.number),
                (_("lead department"), draft.lead_department.name),
                (_("promised limit (working days)"), draft.promised_limit),
            ],
            warning=_(
                "The draft becomes the published version at once: applications are filed under "
                "it and its merged material list is fixed."
            ),
            back_url=reverse("scenes:staff_detail", args=[scene.code]),
        )
    try:
        version = services.publish_scene(actor=request.user, code=scene.code)
    except DomainError as error:
        scene.refresh_from_db()
        problems = services.publish_problems(draft) or [str(error.message)]
        return _detail(request, scene, problems=problems, status=409)
    messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    return redirect("scenes:staff_detail", code=scene.code)


def _editor(request, scene: Scene | None):
    base = None
    if scene is not None:
        base = scene.draft_version or scene.current_version
    initial, rows = f.initial_of(base)
    posted = request.method == "POST"
    form = f.SceneForm(request.POST if posted else None, initial=initial, editing=scene is not None)
    items = f.SceneItemFormSet(request.POST if posted else None, initial=rows, prefix="items")
    summary: list[str] = []
    status = 200
    if posted:
        status = 422
        if form.is_valid() and items.is_valid():
            data = form.cleaned_data
            try:
                services.save_scene(
                    actor=request.user,
                    code=scene.code if scene is not None else data["code"],
                    name=data["name"],
                    lead_department=data["lead_department"].code,
                    promised_limit=data["promised_limit"],
                    stages=f.stages_from(f.used_rows(items)),
                    composite_licence=data["composite_licence"],
                    stage_names=f.names_from(data["stage_names"]),
                )
            except ValidationFailed as failed:
                summary = form.put_errors(failed)
            except DomainError as error:
                summary = [str(error.message)]
                status = 409
            else:
                messages.success(request, _("The draft is saved."))
                code = scene.code if scene is not None else data["code"]
                return redirect("scenes:staff_detail", code=code)
        else:
            summary = [_("Please correct the marked fields.")]
    return render(
        request,
        "joint/scenes/staff_edit.html",
        {"scene": scene, "form": form, "items": items, "summary": summary},
        status=status,
    )


@manage_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    return _editor(request, None)


@manage_required
@require_http_methods(["GET", "POST"])
def staff_edit(request, code: str):
    scene = selectors.scene_for_staff(code)
    if scene.status == Scene.Status.RETIRED:
        messages.error(request, _("The scene is retired."))
        return redirect("scenes:staff_detail", code=scene.code)
    return _editor(request, scene)


# --- Excel ---------------------------------------------------------------------------------------


@manage_required
@require_http_methods(["GET", "POST"])
def staff_import(request):
    posted = request.method == "POST"
    form = f.SceneImportForm(request.POST, request.FILES) if posted else f.SceneImportForm()
    context = {"form": form, "errors": None, "summary": None}
    status = 200
    if posted:
        status = 422
        if form.is_valid():
            try:
                context["summary"] = scene_excel.import_workbook(
                    form.cleaned_data["file"],
                    actor=request.user,
                    publish=form.cleaned_data["publish"],
                )
                status = 200
            except WorkbookInvalid as failed:
                context["errors"] = failed.rows
    return render(request, "joint/scenes/staff_import.html", context, status=status)


@manage_required
def staff_export(request):
    response = HttpResponse(
        scene_excel.export_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"scenes-{clock.today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
