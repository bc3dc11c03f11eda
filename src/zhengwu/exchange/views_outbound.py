"""Pages of the outbound exchange (docs/exchange.md). Thin: they parse, call a selector or a
service and show the result with the services' own messages.

- ``outbox``: the outbox by status and receiver, with its counts (supervisors and admins; admins
  may queue the failed records again);
- ``dead_letters``: the records refused as invalid, with the receiver's reason (supervisors and
  admins; admins may send one again once it was put right);
- ``transfers``: the hotline tickets handed over to other platforms, the unacknowledged ones
  first and the overdue ones marked, with the form to hand one over (the hotline desk).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengwu.core import clock
from zhengwu.core.confirm import confirmation_page, confirmed
from zhengwu.core.errors import DomainError, NotFound, ValidationFailed
from zhengwu.core.roles import Role, has_role
from zhengwu.core.views import guarded
from zhengwu.exchange import outbox, transfers
from zhengwu.exchange.models.outbound import OutboxRecord, Transfer, TransferPlatform

PAGE_SIZE = 50
KIND_LABELS = {
    "rating": gettext_lazy("Rating"),
    "rectification": gettext_lazy("Rectification step"),
    "completion": gettext_lazy("Completed case"),
    "ticket.transfer": gettext_lazy("Ticket handed over"),
    "case.submit": gettext_lazy("Case received"),
    "case.request_supplement": gettext_lazy("Supplement notice"),
    "case.supplement": gettext_lazy("Materials supplemented"),
    "case.supplement_part": gettext_lazy("Materials partly supplemented"),
    "case.accept": gettext_lazy("Case accepted"),
    "case.deem_accept": gettext_lazy("Case deemed accepted"),
    "case.refuse": gettext_lazy("Case not accepted"),
    "case.suspend": gettext_lazy("Case suspended"),
    "case.resume": gettext_lazy("Case resumed"),
    "case.extend": gettext_lazy("Time limit extended"),
    "case.decide_grant": gettext_lazy("Granted"),
    "case.decide_deny": gettext_lazy("Denied"),
    "case.deliver": gettext_lazy("Decision delivered"),
    "case.withdraw": gettext_lazy("Case withdrawn"),
    "joint.submit": gettext_lazy("Joint case received"),
    "joint.request_supplement": gettext_lazy("Joint case supplement notice"),
    "joint.supplement": gettext_lazy("Joint case supplemented"),
    "joint.accept": gettext_lazy("Joint case accepted"),
    "joint.deem_accept": gettext_lazy("Joint case deemed accepted"),
    "joint.refuse": gettext_lazy("Joint case not accepted"),
    "joint.open_stage": gettext_lazy("Joint case stage opened"),
    "joint.extend": gettext_lazy("Joint case extended"),
    "joint.complete": gettext_lazy("Joint case completed"),
    "joint.stop": gettext_lazy("Joint case stopped"),
    "joint.deliver": gettext_lazy("Joint case delivered"),
    "joint.withdraw": gettext_lazy("Joint case withdrawn"),
}
PROVINCE_LABEL = gettext_lazy("Provincial platform")


def _may_watch(user) -> bool:
    return has_role(user, Role.SUPERVISOR) or has_role(user, Role.ADMIN)


watch_page = guarded(_may_watch)
desk_page = guarded(transfers.may_transfer)


def _receivers() -> dict[str, str]:
    names = {"province": str(PROVINCE_LABEL)}
    names.update(TransferPlatform.objects.values_list("code", "name"))
    return names


def _rows(page, names: dict[str, str]):
    for row in page:
        row.kind_label = KIND_LABELS.get(row.kind, row.kind)
        row.receiver_name = names.get(row.receiver, row.receiver)
    return page


@watch_page
def outbox_page(request):
    if request.method == "POST" and request.POST.get("action") == "retry":
        if not has_role(request.user, Role.ADMIN):
            messages.error(request, _("Only an administrator may queue records again."))
        else:
            count = outbox.retry_failed()
            messages.success(request, _("%(n)s failed records are queued again.") % {"n": count})
        return redirect("exchange:outbox")
    names = _receivers()
    status = request.GET.get("status", "")
    receiver = request.GET.get("receiver", "").replace("\x00", "")
    queryset = OutboxRecord.objects.order_by("-id").only(
        "id",
        "receiver",
        "key",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "delivered_at",
    )
    if status in OutboxRecord.Status.values:
        queryset = queryset.filter(status=status)
    if receiver in names:
        queryset = queryset.filter(receiver=receiver)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = outbox.status_counts(receiver if receiver in names else None)
    return render(
        request,
        "exchange/outbox.html",
        {
            "page": _rows(page, names),
            "total": page.paginator.count,
            "counts": [
                (value, label, counts[value]) for value, label in OutboxRecord.Status.choices
            ],
            "status": status,
            "receiver": receiver,
            "receivers": sorted(names.items()),
            "endpoint": outbox.receiver_url("province"),
            "is_admin": has_role(request.user, Role.ADMIN),
        },
    )


@watch_page
def dead_letters(request):
    if request.method == "POST":
        if not has_role(request.user, Role.ADMIN):
            messages.error(request, _("Only an administrator may send a record again."))
            return redirect("exchange:dead_letters")
        record_id = request.POST.get("record", "")
        record = OutboxRecord.objects.filter(
            pk=int(record_id) if record_id.isdigit() else 0, status=OutboxRecord.Status.REFUSED
        ).first()
        if record is None:
            messages.error(request, _("This record is no longer among the dead letters."))
            return redirect("exchange:dead_letters")
        if not confirmed(request):
            return confirmation_page(
                request,
                title=_("Send a refused record again"),
                subject=record.key,
                facts=[
                    (_("Kind"), KIND_LABELS.get(record.kind, record.kind)),
                    (_("Reason given"), record.last_error),
                ],
                warning=_(
                    "Send it again only once the receiver or the data was put right: the same "
                    "record under the same key goes out as it is."
                ),
                back_url=request.path,
            )
        outbox.requeue(record.pk)
        messages.success(request, _("The record is queued again."))
        return redirect("exchange:dead_letters")
    names = _receivers()
    queryset = outbox.dead_letters()
    kind = request.GET.get("kind", "")
    if kind in KIND_LABELS:
        queryset = queryset.filter(kind=kind)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "exchange/dead_letters.html",
        {
            "page": _rows(page, names),
            "total": page.paginator.count,
            "kind": kind,
            "kinds": sorted((str(v), k) for k, v in KIND_LABELS.items()),
            "is_admin": has_role(request.user, Role.ADMIN),
        },
    )


@desk_page
def transfer_list(request):
    errors: dict = {}
    conflict = ""
    typed = {}
    status = 200
    if request.method == "POST":
        typed = {k: request.POST.get(k, "") for k in ("ticket", "platform", "reason")}
        try:
            made = transfers.transfer_ticket(
                actor=request.user,
                number=typed["ticket"],
                platform=typed["platform"],
                reason=typed["reason"],
            )
        except ValidationFailed as error:
            errors, status = error.errors, 422
        except DomainError as error:
            conflict, status = str(error.message), 409
        except NotFound:
            errors, status = {"ticket": [_("There is no ticket with this number.")]}, 422
        else:
            messages.success(
                request,
                _("Ticket %(ticket)s was handed over to %(platform)s.")
                % {"ticket": made.ticket.number, "platform": made.platform.name},
            )
            return redirect("exchange:transfers")
    show = request.GET.get("show", "open")
    queryset = Transfer.objects.select_related("platform", "ticket", "transferred_by")
    if show == "open":
        queryset = queryset.filter(acknowledged_at__isnull=True).order_by("ack_due_at", "id")
    else:
        show = "all"
        queryset = queryset.order_by("-id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    now = clock.now()
    for row in page:
        row.overdue = row.acknowledged_at is None and row.ack_due_at <= now
    return render(
        request,
        "exchange/transfers.html",
        {
            "page": page,
            "total": page.paginator.count,
            "show": show,
            "platforms": TransferPlatform.objects.filter(active=True),
            "errors": errors,
            "conflict": conflict,
            "typed": typed,
        },
        status=status,
    )
