"""The applicant's side of 一件事一次办 in the portal: the published scenes with a link to apply,
one online application with one set of materials (those a valid licence of the applicant stands
in for are shown as reused), the applicant's joint cases, and a joint case's page with the
supplement form while a one-time notice is open. Thin: the rules and messages are the services'."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zhengwu.accounts.models import Applicant
from zhengwu.cases.portal_forms import ApplicantForm
from zhengwu.core import clock, paging
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.cursors import decode_cursor, encode_cursor
from zhengwu.core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.core.views import applicant_required
from zhengwu.joint import pages, scenes, selectors, services
from zhengwu.joint.forms import SupplementForm, WithdrawForm
from zhengwu.joint.models import JointCase
from zhengwu.joint.views import LEGAL_ACTS, allowed, licence_context
from zhengwu.licences.services import reusable

PAGE_SIZE = 20


def may_apply(user) -> bool:
    """The "apply" link is for visitors (it leads to the login) and applicants (ADR 0006)."""
    return not user.is_authenticated or has_role(user, Role.APPLICANT)


def _stages(version) -> list[dict]:
    stages: list[dict] = []
    for entry in version.items.select_related("item__department", "item__current_version"):
        while len(stages) <= entry.stage:
            stages.append({"number": len(stages) + 1, "items": []})
        current = entry.item.current_version
        stages[entry.stage]["items"].append(
            {
                "name": current.name if current else entry.item.impl_code,
                "department": entry.item.department.name,
                "limit": current.statutory_limit if current else 0,
            }
        )
    return stages


def scene_list(request):
    rows = []
    for scene in selectors.published_scenes():
        version = scene.current_version
        stages = _stages(version)
        days = scenes.speedup([[i["limit"] for i in s["items"]] for s in stages])
        rows.append(
            {
                "scene": scene,
                "version": version,
                "stages": stages,
                "serial": days.serial,
                "parallel": days.parallel,
                "materials": version.materials.count(),
            }
        )
    return render(
        request,
        "joint/portal/scenes.html",
        {"rows": rows, "may_apply": may_apply(request.user)},
    )


def _published(code: str):
    found = selectors.published_scenes().filter(code=str(code or "")[:64]).first()
    if found is None or found.current_version is None:
        raise Http404
    return found


def _reused(user, version) -> dict[str, str]:
    """The materials the applicant's valid licences stand in for today (material → licence)."""
    wanted = {m.code: m.licence_type for m in version.materials.exclude(licence_type="")}
    own = Applicant.objects.filter(user=user).first()
    if own is None or not wanted:
        return {}
    return reusable(holder=own.number, wanted=wanted, on=clock.today())


class MaterialsForm(forms.Form):
    materials = forms.MultipleChoiceField(
        required=False, choices=[], widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["materials"].choices = [(m.code, m.name) for m in version.materials.all()]


def _apply_page(request, scene, form, chosen, *, general=(), status=200):
    version = scene.current_version
    reused = _reused(request.user, version)
    items = dict(version.items.values_list("item__impl_code", "item__current_version__name"))
    materials = [
        {
            "material": m,
            "checked": m.code in chosen,
            "reused": reused.get(m.code, ""),
            "items": "、".join(items.get(code) or code for code in m.sources),
        }
        for m in version.materials.all()
    ]
    return render(
        request,
        "joint/portal/apply.html",
        {
            "scene": scene,
            "version": version,
            "stages": _stages(version),
            "form": form,
            "fields": form.visible(),
            "kind": form.kind_value,
            "materials": materials,
            "general_errors": list(general),
        },
        status=status,
    )


def _initial(user, kind: str) -> dict:
    own = Applicant.objects.filter(user=user).first()
    if kind == Applicant.Kind.ORG:
        if own is not None and own.kind == Applicant.Kind.ORG:
            return {"kind": kind, "name": own.name, "uscc": own.uscc, "phone": own.phone}
        return {"kind": kind, "contact": user.display_name, "phone": user.phone}
    if own is not None and own.kind == Applicant.Kind.PERSON:
        return {"kind": kind, "name": own.name, "id_number": own.id_number, "phone": own.phone}
    return {"kind": kind, "name": user.full_name, "phone": user.phone}


@applicant_required
@require_http_methods(["GET", "POST"])
def apply(request, code: str):
    scene = _published(code)
    version = scene.current_version
    if request.method == "GET":
        kind = request.GET.get("kind", Applicant.Kind.PERSON)
        form = ApplicantForm(kind=kind, initial=_initial(request.user, kind))
        form.fields["kind"].initial = form.kind_value
        return _apply_page(request, scene, form, [])
    form = ApplicantForm(request.POST, kind=request.POST.get("kind", ""))
    chosen_form = MaterialsForm(request.POST, version=version)
    chosen = request.POST.getlist("materials")
    if not form.is_valid() or not chosen_form.is_valid():
        return _apply_page(
            request,
            scene,
            form,
            chosen,
            general=[_("The submitted data is not valid.")],
            status=422,
        )
    try:
        joint = services.file(
            actor=request.user,
            scene=scene.code,
            channel="online",
            applicant=form.applicant_input(),
            materials=chosen_form.cleaned_data["materials"],
        )
    except ValidationFailed as error:
        shown = {bound.name for bound in form.visible()}
        general = []
        for key, field_messages in error.errors.items():
            name = key.split(".", 1)[1] if key.startswith("applicant.") else key
            if name in shown:
                for message in field_messages:
                    form.add_error(name, message)
            else:
                general.extend(field_messages)
        return _apply_page(
            request, scene, form, chosen, general=general or [str(error.message)], status=422
        )
    except (DomainError, Forbidden) as error:
        return _apply_page(request, scene, form, chosen, general=[str(error.message)], status=409)
    except NotFound:
        raise Http404 from None
    messages.success(
        request,
        _("Your joint application was submitted. Its number is %(number)s.")
        % {"number": joint.number},
    )
    return redirect("joint_portal:case", number=joint.number)


@applicant_required
def my_cases(request):
    mine = selectors.visible(request.user).filter(owner=request.user)
    after = str(request.GET.get("after", ""))[:64]
    after_id = decode_cursor(after)
    page = mine.filter(id__lt=after_id) if after_id is not None else mine
    rows = list(page.select_related("scene_version").order_by("-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    cursor = encode_cursor(rows[-1].pk) if more and rows else ""
    pager = paging.keyset_page(
        mine,
        after_id=after_id,
        rows=len(rows),
        next_query=urlencode({"after": cursor}) if cursor else None,
        first_query="" if after else None,
    )
    return render(
        request,
        "joint/portal/cases.html",
        {
            "rows": [
                {
                    "joint": joint,
                    "state": pages.state_label(joint.state),
                    "state_colour": pages.STATE_COLOURS.get(joint.state, "secondary"),
                }
                for joint in rows
            ],
            "pager": pager,
        },
    )


def _owned(user, number: str) -> JointCase:
    joint = (
        selectors.visible(user)
        .select_related("scene_version", "lead_department", "applicant")
        .filter(number=str(number or "")[:32], owner=user)
        .first()
    )
    if joint is None:
        raise Http404
    return joint


def _case_page(
    request, joint: JointCase, *, form=None, withdraw_form=None, problems=(), status=200
):
    notice = None
    if joint.state == "supplement_requested":
        latest = joint.events.filter(kind="request_supplement").order_by("-seq").first()
        materials = list(joint.scene_version.materials.filter(code__in=joint.missing))
        notice = {
            "seq": latest.seq if latest else None,
            "note": (latest.data or {}).get("note", "") if latest else "",
            "materials": materials,
            "url": reverse("joint:notice", args=(joint.number, latest.seq)) if latest else "",
            "form": form
            or SupplementForm(
                initial={"materials": list(joint.missing)},
                materials=materials,
            ),
        }
    return render(
        request,
        "joint/portal/case.html",
        {
            "joint": joint,
            "state": pages.state_label(joint.state),
            "state_colour": pages.STATE_COLOURS.get(joint.state, "secondary"),
            "clock": pages.clock_lines(joint),
            "children": pages.children(request.user, joint, staff_links=False),
            "materials": pages.materials(joint),
            "trail": pages.trail(
                joint, notice_url=lambda seq: reverse("joint:notice", args=(joint.number, seq))
            ),
            "notice": notice,
            "problems": list(problems),
            "composite": licence_context(joint),
            "withdraw_form": (withdraw_form or WithdrawForm())
            if "withdraw" in allowed(request.user, joint)
            else None,
        },
        status=status,
    )


@applicant_required
def case(request, number: str):
    return _case_page(request, _owned(request.user, number))


@applicant_required
@require_POST
def supplement(request, number: str):
    joint = _owned(request.user, number)
    materials = list(joint.scene_version.materials.filter(code__in=joint.missing))
    form = SupplementForm(request.POST, materials=materials)
    if not form.is_valid():
        return _case_page(
            request, joint, form=form, problems=[_("The submitted data is not valid.")], status=422
        )
    try:
        services.act(
            actor=request.user, number=joint.number, action="supplement", data=form.payload()
        )
    except ValidationFailed as error:
        return _case_page(
            request,
            joint,
            form=form,
            problems=[str(error.message), *form.put_errors(error)],
            status=422,
        )
    except (DomainError, Forbidden) as error:
        return _case_page(request, joint, form=form, problems=[str(error.message)], status=409)
    except NotFound:
        raise Http404 from None
    messages.success(request, _("The materials were handed in; the window will examine them."))
    return redirect("joint_portal:case", number=joint.number)


@applicant_required
@require_POST
def withdraw(request, number: str):
    """The applicant withdraws the whole joint application, after confirming it."""
    joint = _owned(request.user, number)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        return _case_page(
            request,
            joint,
            withdraw_form=form,
            problems=[_("The submitted data is not valid.")],
            status=422,
        )
    if not confirmed(request) and "withdraw" in allowed(request.user, joint):
        facts = [(_("Scene"), joint.scene_version.name)]
        if form.cleaned_data["reason"]:
            facts.append((_("Reason"), form.cleaned_data["reason"]))
        return confirmation_page(
            request,
            title=_("Withdraw the joint application"),
            subject=_("Joint case %(number)s") % {"number": joint.number},
            facts=facts,
            warning=LEGAL_ACTS["withdraw"],
            back_url=reverse("joint_portal:case", args=(joint.number,)),
            danger=True,
        )
    try:
        services.act(
            actor=request.user, number=joint.number, action="withdraw", data=form.payload()
        )
    except (DomainError, Forbidden) as error:
        return _case_page(
            request, joint, withdraw_form=form, problems=[str(error.message)], status=409
        )
    except ValidationFailed as error:
        return _case_page(
            request, joint, withdraw_form=form, problems=[str(error.message)], status=422
        )
    except NotFound:
        raise Http404 from None
    messages.success(request, _("Your joint application was withdrawn."))
    return redirect("joint_portal:case", number=joint.number)
