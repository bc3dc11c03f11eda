"""Staff pages of joint cases (联办件): the lead department's queue and the co-reviewing
departments' view of their items, the joint case page with the actions the viewer may take,
and the printable notices. Thin: they parse, call a selector or a service, and show the result
with the services' own messages (422 / 409 / 403 re-render the page; 404 never says why)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zhengwu.cases import notices as case_notices
from zhengwu.cases.presenters import applicant as applicant_shown
from zhengwu.cases.queues import may_use_workbench
from zhengwu.cases.selectors import staff_department_ids
from zhengwu.core import clock, paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import is_center_wide
from zhengwu.core.views import guarded
from zhengwu.joint import forms as f
from zhengwu.joint import notices, pages, rules, selectors, services
from zhengwu.joint.models import JointCase, JointChild, Scene
from zhengwu.licences.selectors import composite_of, status_on

PAGE_SIZE = 20
staff_page = guarded(may_use_workbench)

# The legal acts of the joint intake and delivery: each asks for confirmation first.
LEGAL_ACTS = {
    "request-supplement": gettext_lazy(
        "The one-time notice must name every material still needed for every item: the "
        "application cannot be asked for more later."
    ),
    "accept": gettext_lazy(
        "Accepting starts the joint limit and opens the cases of the first stage in their "
        "departments' queues at once."
    ),
    "refuse": gettext_lazy(
        "The applicant receives a decision not to accept, and no item is handled."
    ),
    "extend": gettext_lazy("The joint period is extended once; the applicant is told the reason."),
    "deliver": gettext_lazy(
        "Every decision is delivered at once; a scene with one composite licence issues it now."
    ),
    "withdraw": gettext_lazy("The application and every open case of it end here."),
}
DANGER_ACTS = frozenset({"refuse", "withdraw"})
# Table actions → public names (``services.ACTIONS``).
PUBLIC = {action: name for name, action in services.ACTIONS.items()}


def _joint_or_404(user, number: str) -> JointCase:
    joint = (
        selectors.visible(user)
        .select_related("scene", "scene_version", "lead_department", "applicant")
        .filter(number=str(number or "")[:32])
        .first()
    )
    if joint is None:
        raise Http404
    return joint


def allowed(user, joint: JointCase) -> list[str]:
    """The public actions the user may take on the joint case now, in the forms' order."""
    notified = joint.events.filter(kind="request_supplement").exists()
    table = rules.allowed_actions(
        joint.state,
        services.acting_roles(user, joint),
        extended=joint.extension_workdays > 0,
        notified=notified,
    )
    names = {PUBLIC[a] for a in table if a in PUBLIC}
    return [name for name in f.ACTION_FORMS if name in names]


# --- the queue -----------------------------------------------------------------------------------


def _query(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value:
            params[key] = value
    return params.urlencode()


def _filtered(queryset, values: dict):
    if values.get("state"):
        queryset = queryset.filter(state=values["state"])
    if values.get("scene"):
        queryset = queryset.filter(scene__code=values["scene"])
    if values.get("level"):
        queryset = queryset.filter(
            level=values["level"], state__in=("submitted", "supplement_requested", "accepted")
        )
    if values.get("received_from"):
        queryset = queryset.filter(received_on__gte=values["received_from"])
    if values.get("received_to"):
        queryset = queryset.filter(received_on__lte=values["received_to"])
    q = str(values.get("q") or "").strip()
    if q:
        queryset = queryset.filter(
            Q(number=q)
            | Q(applicant__id_number=q.upper())
            | Q(applicant__uscc=q.upper())
            | Q(applicant__name=q)
        )
    return queryset


def _may_see_queue(user) -> bool:
    """Staff of a department, or of the whole center (a head of no department has no queue)."""
    return may_use_workbench(user) and (is_center_wide(user) or bool(staff_department_ids(user)))


@guarded(_may_see_queue)
def queue(request):
    """The lead department's joint cases (``view=lead``), or the joint cases with an item of
    the user's department (``view=items``); center-wide roles see every one (``view=all``)."""
    user = request.user
    own = sorted(staff_department_ids(user))
    center_wide = is_center_wide(user)
    views = []
    if center_wide:
        views.append(("all", _("Every joint case")))
    if own:
        views += [
            ("lead", _("Led by my department")),
            ("items", _("With an item of my department")),
        ]
    if not views:
        raise Http404
    keys = [key for key, _label in views]
    view = request.GET.get("view") if request.GET.get("view") in keys else keys[0]
    scenes = [
        (s.code, s.current_version.name if s.current_version else s.code)
        for s in Scene.objects.select_related("current_version").order_by("code")
    ]
    form = f.QueueFilterForm(request.GET or None, scenes=scenes)
    values = form.values() if request.GET else {}
    queryset = selectors.visible(user)
    if view == "lead":
        queryset = queryset.filter(lead_department_id__in=own)
    elif view == "items":
        queryset = queryset.filter(
            Exists(JointChild.objects.filter(joint=OuterRef("pk"), department_id__in=own))
        )
    queryset = _filtered(queryset, values)
    after = str(request.GET.get("after", ""))[:64]
    after_id = decode_cursor(after)
    page = queryset
    if after_id is not None:
        page = page.filter(id__lt=after_id)
    rows = list(
        page.select_related("scene_version", "lead_department", "applicant").order_by("-id")[
            : PAGE_SIZE + 1
        ]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = encode_cursor(rows[-1].pk) if more and rows else ""
    pager = paging.keyset_page(
        queryset,
        after_id=after_id,
        rows=len(rows),
        next_query=_query(request, after=next_cursor) if next_cursor else None,
        first_query=_query(request, after="") if after else None,
    )
    shown = [
        {
            "joint": joint,
            "state": pages.state_label(joint.state),
            "state_colour": pages.STATE_COLOURS.get(joint.state, "secondary"),
            "level": pages.level_label(joint.level) if joint.is_open else "",
            "applicant": applicant_shown(joint, masked=joint.lead_department_id not in own),
        }
        for joint in rows
    ]
    return render(
        request,
        "joint/queue.html",
        {
            "rows": shown,
            "form": form,
            "views": [
                {"key": k, "label": label, "active": k == view, "query": urlencode({"view": k})}
                for k, label in views
            ],
            "view": view,
            "pager": pager,
        },
    )


# --- the joint case page -------------------------------------------------------------------------


def _notice_url(joint: JointCase):
    return lambda seq: reverse("joint:notice", args=(joint.number, seq))


def licence_context(joint: JointCase) -> dict | None:
    found = composite_of(joint)
    if found is None:
        return None
    return {"licence": found, "status": status_on(found, clock.today())}


def _render(request, joint: JointCase, *, failed=None, status: int = 200):
    user = request.user
    everything = selectors.sees_everything(user, joint)
    materials = list(joint.scene_version.materials.all())
    forms = []
    for name in allowed(user, joint) if everything or selectors.leads(user, joint) else []:
        if failed is not None and failed[0] == name:
            form = failed[1]
        else:
            initial = {}
            if name == "request-supplement":
                initial["missing"] = services.missing_required(joint)
            if name == "supplement":
                initial["materials"] = list(joint.missing)
            form = f.ACTION_FORMS[name](initial=initial, materials=materials)
        blocked = ""
        if name == "accept":
            missing = services.missing_required(joint)
            if missing:
                blocked = _("Cannot accept yet: required materials missing (%(names)s).") % {
                    "names": services.material_names(joint.scene_version, missing)
                }
        forms.append(
            {
                "name": name,
                "label": f.ACTION_LABELS[name],
                "form": form,
                "blocked": blocked,
                "destructive": name in DANGER_ACTS,
                "url": reverse("joint:act", args=(joint.number, name)),
            }
        )
    handles = everything and (selectors.leads(user, joint) or is_center_wide(user))
    return render(
        request,
        "joint/detail.html",
        {
            "joint": joint,
            "state": pages.state_label(joint.state),
            "state_colour": pages.STATE_COLOURS.get(joint.state, "secondary"),
            "everything": everything,
            "applicant": applicant_shown(joint, masked=not selectors.leads(user, joint)),
            "handles": handles,
            "clock": pages.clock_lines(joint),
            "children": pages.children(user, joint, staff_links=True),
            "materials": pages.materials(joint) if everything else [],
            "trail": pages.trail(joint, notice_url=_notice_url(joint)) if everything else [],
            "action_forms": forms,
            "failed": failed,
            "composite": licence_context(joint) if everything else None,
        },
        status=status,
    )


@staff_page
def detail(request, number: str):
    return _render(request, _joint_or_404(request.user, number))


def _shown(form, name, value, names) -> str:
    if value in (None, "", [], ()):
        return ""
    if isinstance(value, (list, tuple)):
        return "、".join(names.get(v, str(v)) for v in value)
    choices = dict(getattr(form.fields[name], "choices", ()) or ())
    return str(choices.get(value, value))


@staff_page
@require_POST
def act(request, number: str, action: str):
    if action not in f.ACTION_FORMS:
        raise Http404
    user = request.user
    joint = _joint_or_404(user, number)
    materials = list(joint.scene_version.materials.all())
    names = {m.code: m.name for m in materials}
    form = f.ACTION_FORMS[action](request.POST, materials=materials)
    problems: list[str] = []
    status = 422
    if not form.is_valid():
        problems.append(_("The submitted data is not valid."))
    elif action in LEGAL_ACTS and not confirmed(request) and action in allowed(user, joint):
        facts = [
            (_("Scene"), joint.scene_version.name),
            (_("Applicant"), joint.applicant.name),
        ]
        for bound in form.visible_fields():
            value = _shown(form, bound.name, form.cleaned_data.get(bound.name), names)
            if value:
                facts.append((bound.label, value))
        return confirmation_page(
            request,
            title=f.ACTION_LABELS[action],
            subject=_("Joint case %(number)s") % {"number": joint.number},
            facts=facts,
            warning=LEGAL_ACTS[action],
            back_url=reverse("joint:detail", args=(joint.number,)),
            danger=action in DANGER_ACTS,
        )
    else:
        try:
            services.act(actor=user, number=joint.number, action=action, data=form.payload())
        except ValidationFailed as failed:
            problems = [str(failed.message), *form.put_errors(failed)]
        except DomainError as error:
            problems, status = [str(error.message)], 409
        except Forbidden as error:
            problems, status = [str(error.message) or _("Your role may not take this action.")], 403
        except NotFound:
            raise Http404 from None
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": f.ACTION_LABELS[action]})
            return redirect("joint:detail", number=joint.number)
    joint = _joint_or_404(user, number)
    return _render(request, joint, failed=(action, form, problems), status=status)


# --- notices -------------------------------------------------------------------------------------


def _notice(request, number: str, seq: int):
    try:
        return notices.notice_for(request.user, number, seq)
    except NotFound:
        raise Http404 from None


@login_required
def notice(request, number: str, seq: int):
    """The print view of a joint notice: for the lead department's staff and the applicant."""
    joint, document = _notice(request, number, seq)
    if may_use_workbench(request.user):
        back = reverse("joint:detail", args=(joint.number,))
    else:
        back = reverse("joint_portal:case", args=(joint.number,))
    return render(
        request,
        "cases/notices/notice.html",
        {
            "notice": document,
            "back": back,
            "docx_url": reverse("joint:notice_docx", args=(joint.number, seq)),
        },
    )


@login_required
def notice_docx(request, number: str, seq: int):
    _joint, document = _notice(request, number, seq)
    response = HttpResponse(
        case_notices.render_docx(document),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = document.content_disposition
    return response
