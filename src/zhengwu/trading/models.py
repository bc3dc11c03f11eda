"""The supervisor's record of public-resource deals (DOMAIN.md §12): deals and their trail, lots,
bids with their files' evidence, and the flags the detector raises for review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengwu.cases.models import private_file_storage
from zhengwu.core.models import ChainedEvent
from zhengwu.trading.rules import State


class DealType(models.TextChoices):
    CONSTRUCTION = "construction", _("Construction works")
    PROCUREMENT = "procurement", _("Government procurement")
    LAND = "land", _("Land use rights")
    STATE_ASSETS = "state_assets", _("State-owned property rights")
    WATER = "water", _("Water conservancy")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Other")


class AwardMethod(models.TextChoices):
    LOWEST_PRICE = "lowest_price", _("Lowest price")
    SCORING = "scoring", _("Comprehensive scoring")


class DealState(models.TextChoices):
    ANNOUNCED = State.ANNOUNCED.value, _("Announced")
    OPENED = State.OPENED.value, _("Bids opened")
    EVALUATED = State.EVALUATED.value, _("Evaluated")
    AWARDED = State.AWARDED.value, _("Awarded")
    CANCELLED = State.CANCELLED.value, _("Cancelled")


class Deal(models.Model):
    """A trading project (交易项目). Every step is an event on its hash-chained trail."""

    code = models.CharField(_("deal code"), max_length=32, unique=True)
    type = models.CharField(_("deal type"), max_length=16, choices=DealType.choices)
    name = models.CharField(_("deal name"), max_length=200)
    tenderer = models.CharField(_("tenderer"), max_length=200)
    tenderer_uscc = models.CharField(_("tenderer's credit code"), max_length=18, blank=True)
    agent = models.CharField(_("tendering agent"), max_length=200, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deals",
        verbose_name=_("supervising department"),
    )
    ceiling_price = models.DecimalField(
        _("ceiling price"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    award_method = models.CharField(_("award method"), max_length=16, choices=AwardMethod.choices)
    state = models.CharField(
        pgettext_lazy("deal", "state"), max_length=16, choices=DealState.choices
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("award notified at"), null=True, blank=True)
    complaint_until = models.DateField(_("complaint period ends"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded at"))
    version = models.PositiveIntegerField(_("version"), default=1)
    event_count = models.PositiveIntegerField(_("events"), default=0)
    head_hash = models.CharField(_("head hash"), max_length=64, blank=True)
    # OCDS (trading/ocds.py, trading/imports.py): the ocid a deal imported from OCDS came with;
    # blank for the deals recorded here (their ocid is the publisher's prefix and the code).
    ocid = models.CharField(_("OCDS ocid"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("deal")
        verbose_name_plural = _("deals")
        indexes = [models.Index(fields=["state", "type"], name="trading_deal_state_type")]
        constraints = [
            models.UniqueConstraint(
                fields=["ocid"], condition=~models.Q(ocid=""), name="trading_deal_ocid_once"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def number(self) -> str:
        return self.code


class DealEvent(ChainedEvent):
    append_only_message = "deal events are append-only"
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, related_name="events", verbose_name=_("deal")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )

    class Meta:
        verbose_name = _("deal event")
        verbose_name_plural = _("deal events")
        constraints = [
            models.UniqueConstraint(fields=["deal", "seq"], name="trading_event_deal_seq"),
        ]


class Lot(models.Model):
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, related_name="lots", verbose_name=_("deal")
    )
    code = models.CharField(_("lot code"), max_length=32)
    name = models.CharField(_("lot name"), max_length=200)
    tender_text = models.TextField(_("tender document text"), blank=True)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["deal", "code"], name="trading_lot_deal_code"),
        ]

    def __str__(self):
        return f"{self.deal.code}/{self.code}"


class BidStatus(models.TextChoices):
    PENDING = "pending", _("Not yet evaluated")
    VALID = "valid", _("Valid")
    DISQUALIFIED = "disqualified", _("Disqualified")


def _bid_file_path(instance, filename: str) -> str:
    return f"trading/{instance.file_sha256[:2]}/{instance.file_sha256}"


class Bid(models.Model):
    """One bidder's bid for one lot, with the evidence art. 40 compares. The technical bid's file
    is kept in the private storage (outside the web root), its text extracted for comparison."""

    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, related_name="bids", verbose_name=_("lot")
    )
    bidder_uscc = models.CharField(_("bidder's credit code"), max_length=18)
    bidder_name = models.CharField(_("bidder"), max_length=200)
    price = models.DecimalField(_("bid price"), max_digits=16, decimal_places=2)
    deposit_account = models.CharField(_("deposit paid from account"), max_length=64, blank=True)
    project_manager = models.CharField(_("project manager"), max_length=64, blank=True)
    team = models.JSONField(_("team members"), default=list, blank=True)
    author = models.CharField(_("file author"), max_length=200, blank=True)
    company = models.CharField(_("file company"), max_length=200, blank=True)
    machine_code = models.CharField(_("creating machine's code"), max_length=128, blank=True)
    ip = models.GenericIPAddressField(_("upload IP address"), null=True, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"))
    file = models.FileField(
        _("technical bid file"),
        storage=private_file_storage,
        upload_to=_bid_file_path,
        max_length=200,
        blank=True,
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("file hash"), max_length=64, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    text = models.TextField(_("technical bid text"), blank=True)
    status = models.CharField(
        pgettext_lazy("bid", "status"),
        max_length=16,
        choices=BidStatus.choices,
        default=BidStatus.PENDING,
    )
    disqualification_reason = models.CharField(
        _("reason for disqualification"), max_length=500, blank=True
    )
    awarded = models.BooleanField(_("awarded"), default=False)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.UniqueConstraint(fields=["lot", "bidder_uscc"], name="trading_bid_lot_bidder"),
        ]

    def __str__(self):
        return f"{self.lot} {self.bidder_name}"

    @property
    def personnel(self) -> tuple[str, ...]:
        return tuple(p for p in [self.project_manager, *self.team] if p)


class FlagKind(models.TextChoices):
    SAME_AUTHOR = "same_author", _("Same author or company in the files")
    SAME_MACHINE = "same_machine", _("Same machine")
    SAME_IP = "same_ip", _("Same upload address")
    SAME_DEPOSIT_ACCOUNT = "same_deposit_account", _("Deposits from the same account")
    SAME_PERSONNEL = "same_personnel", _("Same project manager or team member")
    SIMILAR_DOCUMENTS = "similar_documents", _("Technical bids abnormally alike")
    REGULAR_PRICES = "regular_prices", _("Prices in a regular pattern")
    MIXED_DOCUMENTS = "mixed_documents", _("Bids mixed up")
    R024 = "R024", _("Winning price close to the second")
    R025 = "R025", _("A frequent bidder that seldom wins")
    R035 = "R035", _("All bids but the winner's disqualified")
    R036 = "R036", _("Lowest bid disqualified")
    R038 = "R038", _("Many bids disqualified")
    EXPERT_DEVIATION = "expert_deviation", _("Expert's scores deviate")


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Flag(models.Model):
    """A signal raised on a deal for a supervisor to review. Never deleted: a review confirms or
    dismisses it with a note, and the step goes on the deal's trail."""

    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, related_name="flags", verbose_name=_("deal")
    )
    lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flags",
        verbose_name=_("lot"),
    )
    kind = models.CharField(_("signal"), max_length=24, choices=FlagKind.choices)
    bids = models.ManyToManyField(Bid, related_name="flags", blank=True, verbose_name=_("bids"))
    evidence = models.JSONField(_("evidence"), default=dict)
    score = models.FloatField(_("score"))
    # What the flag is about (kind, lot, bids, pattern): the detector run twice raises it once.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    raised_at = models.DateTimeField(_("raised at"))
    status = models.CharField(
        pgettext_lazy("flag", "status"),
        max_length=16,
        choices=FlagStatus.choices,
        default=FlagStatus.OPEN,
    )
    note = models.TextField(_("review note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(fields=["deal", "fingerprint"], name="trading_flag_once"),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="trading_flag_status_kind")]

    def __str__(self):
        return f"{self.deal.code} {self.kind}"

    def delete(self, *args, **kwargs):
        raise TypeError("flags are never deleted: review them")


# The evaluation committee, the on-site log and the credit records (their own module).
from zhengwu.trading.oversight_models import (  # noqa: E402, F401
    Committee,
    CreditKind,
    CreditRecord,
    CreditSubject,
    Expert,
    ExpertEmployment,
    ExpertRelation,
    OnsiteEntry,
    OnsitePhase,
    Score,
    Seat,
    SeatKind,
)
