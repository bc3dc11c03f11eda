"""The evaluation and the oversight of a deal as records (DOMAIN.md §12): the expert pool, the
committee drawn for a deal (招标投标法 art. 37) with its sealed draw and its seats (remote seats
of 异地评标 among them), each expert's scores per bid and criterion, the on-site supervision log
of the opening and the evaluation, and the yearly credit records of bidders and experts.

Imported by ``trading.models``; the rules are in ``trading.experts`` (pure), the writes in
``trading.committee``, ``trading.onsite`` and ``trading.credit``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Expert(models.Model):
    """An expert of the pool (评标专家库)."""

    name = models.CharField(_("expert's name"), max_length=64)
    fields = models.JSONField(_("fields of expertise"), default=list)
    employer = models.CharField(_("present employer"), max_length=200, blank=True)
    city = models.CharField(_("city of the pool"), max_length=64, blank=True)
    active = models.BooleanField(_("in the pool"), default=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self):
        return self.name


class ExpertEmployment(models.Model):
    """Where an expert worked: a bidder among these within three years means recusal."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="employments", verbose_name=_("expert")
    )
    employer_uscc = models.CharField(_("employer's credit code"), max_length=18, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200)
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("employment")
        verbose_name_plural = _("employments")

    def __str__(self):
        return f"{self.expert_id} {self.employer_name}"


class ExpertRelation(models.Model):
    """A tie the pool lists between an expert and a bidder (a relative among its principals, a
    business tie): the expert withdraws from the bidder's deals."""

    expert = models.ForeignKey(
        Expert, on_delete=models.CASCADE, related_name="relations", verbose_name=_("expert")
    )
    bidder_uscc = models.CharField(_("bidder's credit code"), max_length=18)
    bidder_name = models.CharField(_("bidder"), max_length=200, blank=True)
    description = models.CharField(_("relation"), max_length=200)

    class Meta:
        verbose_name = _("relation with a bidder")
        verbose_name_plural = _("relations with bidders")

    def __str__(self):
        return f"{self.expert_id} {self.bidder_name or self.bidder_uscc}"


class Committee(models.Model):
    """The evaluation committee of a deal: the sealed draw (the seed kept until the evaluation is
    recorded, its sha256 published at the draw) and its record."""

    deal = models.OneToOneField(
        "trading.Deal", on_delete=models.PROTECT, related_name="committee", verbose_name=_("deal")
    )
    members = models.PositiveSmallIntegerField(_("members"))
    representatives = models.PositiveSmallIntegerField(_("tenderer's representatives"))
    host_city = models.CharField(_("city of the evaluation"), max_length=64, blank=True)
    host_room = models.CharField(_("evaluation room"), max_length=200, blank=True)
    seed = models.CharField(_("draw seed"), max_length=128)
    seal = models.CharField(_("seal of the draw"), max_length=64)
    record = models.JSONField(_("draw record"), default=dict)
    record_hash = models.CharField(_("hash of the draw record"), max_length=64)
    drawn_at = models.DateTimeField(_("drawn at"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    scores_visible_at = models.DateTimeField(
        _("scores shown to the committee at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("evaluation committee")
        verbose_name_plural = _("evaluation committees")

    def __str__(self):
        return f"{self.deal_id}"


class SeatKind(models.TextChoices):
    EXPERT = "expert", _("Expert drawn from the pool")
    REPRESENTATIVE = "representative", _("Tenderer's representative")


class Seat(models.Model):
    """A member of a committee; an expert sitting in another city's room is a remote seat."""

    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="seats", verbose_name=_("committee")
    )
    kind = models.CharField(_("seat"), max_length=16, choices=SeatKind.choices)
    expert = models.ForeignKey(
        Expert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="seats",
        verbose_name=_("expert"),
    )
    name = models.CharField(_("member's name"), max_length=64)
    field = models.CharField(_("field drawn for"), max_length=64, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    room = models.CharField(_("room"), max_length=200, blank=True)
    remote = models.BooleanField(_("remote seat"), default=False)

    class Meta:
        verbose_name = _("committee seat")
        verbose_name_plural = _("committee seats")

    def __str__(self):
        return self.name


class Score(models.Model):
    """One member's points for one bid on one criterion."""

    seat = models.ForeignKey(
        Seat, on_delete=models.PROTECT, related_name="scores", verbose_name=_("member")
    )
    bid = models.ForeignKey(
        "trading.Bid", on_delete=models.PROTECT, related_name="scores", verbose_name=_("bid")
    )
    criterion = models.CharField(_("criterion"), max_length=64)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    submitted_at = models.DateTimeField(_("submitted at"))
    changed = models.BooleanField(_("changed after first submission"), default=False)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["seat", "bid", "criterion"], name="trading_score_once"),
        ]

    def __str__(self):
        return f"{self.seat_id} {self.bid_id} {self.criterion}"


class OnsitePhase(models.TextChoices):
    OPENING = "opening", _("Bid opening")
    EVALUATION = "evaluation", _("Evaluation")


class OnsiteEntry(models.Model):
    """One line of the on-site supervision log (现场监督记录): who saw what, when; each entry is
    also a step on the deal's trail."""

    deal = models.ForeignKey(
        "trading.Deal",
        on_delete=models.PROTECT,
        related_name="onsite_entries",
        verbose_name=_("deal"),
    )
    phase = models.CharField(_("phase"), max_length=16, choices=OnsitePhase.choices)
    observed_at = models.DateTimeField(_("observed at"))
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("observer"),
    )
    observer_name = models.CharField(_("observer"), max_length=150)
    seen = models.TextField(_("what was seen"))
    irregular = models.BooleanField(_("irregularity"), default=False)
    event_seq = models.PositiveIntegerField(_("trail step"))

    class Meta:
        verbose_name = _("on-site supervision entry")
        verbose_name_plural = _("on-site supervision log")

    def __str__(self):
        return f"{self.deal_id} {self.phase} {self.observed_at:%Y-%m-%d %H:%M}"


class CreditSubject(models.TextChoices):
    BIDDER = "bidder", _("Bidder")
    EXPERT = "expert", _("Expert")


class CreditKind(models.TextChoices):
    DISQUALIFICATION = "disqualification", _("Bid disqualified")
    COLLUSION = "collusion", _("Collusion found")
    COMPLAINT = "complaint", _("Complaint")
    SCORING = "scoring", _("Irregular scoring found")


class CreditRecord(models.Model):
    """A mark on a bidder's or an expert's yearly credit record, with where it comes from."""

    subject = models.CharField(_("subject"), max_length=8, choices=CreditSubject.choices)
    bidder_uscc = models.CharField(_("bidder's credit code"), max_length=18, blank=True)
    bidder_name = models.CharField(_("bidder"), max_length=200, blank=True)
    expert = models.ForeignKey(
        Expert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("expert"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=CreditKind.choices)
    deal = models.ForeignKey(
        "trading.Deal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("deal"),
    )
    flag = models.ForeignKey(
        "trading.Flag",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_records",
        verbose_name=_("flag"),
    )
    occurred_on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    substantiated = models.BooleanField(_("substantiated"), default=True)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        indexes = [
            models.Index(fields=["bidder_uscc", "year"], name="trading_credit_bidder"),
            models.Index(fields=["expert", "year"], name="trading_credit_expert"),
        ]

    def __str__(self):
        return f"{self.subject} {self.kind} {self.year}"

    def delete(self, *args, **kwargs):
        raise TypeError("credit records are never deleted")
