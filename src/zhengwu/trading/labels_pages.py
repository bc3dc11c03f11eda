"""The words of the trading pages: each flag kind's legal source and definition, the evidence's
fields, the trail's steps. Kept apart from the models so the pages never show a raw code."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zhengwu.trading.models import FlagKind

# kind → (legal source, what raises it)
FLAG_DEFINITIONS = {
    FlagKind.SAME_AUTHOR: (
        _("Implementing Regulations art. 40 (1)"),
        _("Two bidders' files name the same author or company, or one file names another bidder."),
    ),
    FlagKind.SAME_MACHINE: (
        _("Implementing Regulations art. 40 (1)"),
        _("The files were made on a machine with the same code."),
    ),
    FlagKind.SAME_IP: (
        _("Implementing Regulations art. 40 (1), (2)"),
        _("The bids were uploaded from the same IP address."),
    ),
    FlagKind.SAME_DEPOSIT_ACCOUNT: (
        _("Implementing Regulations art. 40 (6)"),
        _("The bid deposits were paid from the same account."),
    ),
    FlagKind.SAME_PERSONNEL: (
        _("Implementing Regulations art. 40 (3)"),
        _("The same person is named as project manager or team member."),
    ),
    FlagKind.SIMILAR_DOCUMENTS: (
        _("Implementing Regulations art. 40 (4)"),
        _(
            "The technical bids share text beyond the tender document's template (Jaccard "
            "similarity of 5-character shingles 0.3 or more), or the same unusual errors."
        ),
    ),
    FlagKind.REGULAR_PRICES: (
        _("Implementing Regulations art. 40 (4)"),
        _("Three or more prices with equal steps, equal ratios, or all within 0.1 %."),
    ),
    FlagKind.MIXED_DOCUMENTS: (
        _("Implementing Regulations art. 40 (5)"),
        _("One bidder's name or credit code appears inside another bidder's file."),
    ),
    FlagKind.R024: (
        _("Open Contracting Cardinal R024"),
        _("The winner's margin over the second-lowest valid bid is a low outlier."),
    ),
    FlagKind.R025: (
        _("Open Contracting Cardinal R025"),
        _("A frequent bidder's share of wins is a low outlier."),
    ),
    FlagKind.R035: (
        _("Open Contracting Cardinal R035"),
        _("Every bid but the winner's was disqualified."),
    ),
    FlagKind.R036: (
        _("Open Contracting Cardinal R036"),
        _("The lowest bid was disqualified in a lowest-price award."),
    ),
    FlagKind.R038: (
        _("Open Contracting Cardinal R038"),
        _("The share of disqualified bids is a high outlier."),
    ),
    FlagKind.EXPERT_DEVIATION: (
        _("Tendering Law art. 37, 44"),
        _(
            "An expert's total more than 20 % from the committee's median, scores given or "
            "changed after the others' were shown, or one bidder favoured in 3 evaluations or more."
        ),
    ),
}

EVIDENCE_LABELS = {
    "author": _("File author"),
    "company": _("File company"),
    "machine_code": _("Creating machine's code"),
    "ip": _("Upload IP address"),
    "deposit_account": _("Deposit account"),
    "personnel": _("Persons named"),
    "basis": _("Found by"),
    "jaccard": _("Jaccard similarity"),
    "containment": _("Share of the smaller bid's text"),
    "shared_shingles": _("Shared 5-character shingles"),
    "errors": _("Identical unusual errors"),
    "file_of": _("In the file of"),
    "names": _("Names the bidder"),
    "hits": _("Found in the file"),
    "pattern": _("Pattern"),
    "prices": _("Prices"),
    "ceiling": _("Ceiling price"),
    "ratios_to_ceiling": _("Ratios to the ceiling price"),
    "step": _("Step between prices"),
    "step_of_ceiling": _("Step as a share of the ceiling"),
    "ratio": _("Ratio between prices"),
    "spread": _("Spread of the prices"),
    "member": _("Committee member"),
    "bidder_name": _("Bidder"),
    "points": _("Member's total"),
    "median": _("Committee's median"),
    "deviation": _("Deviation from the median"),
    "threshold": _("Threshold"),
    "evaluations": _("Deals where the bidder was favoured"),
    "scored": _("Deals where the expert scored the bidder"),
    "margin": _("Margin over the median"),
    "submitted_at": _("Scores last sent at"),
    "visible_at": _("Scores shown to the committee at"),
}
# Kept for the record, not shown as lines: internal ids and what the page shows otherwise.
EVIDENCE_HIDDEN = frozenset(
    {"passages", "shingle_chars", "seat", "expert", "bid", "bidder", "evaluation", "offsets"}
)

PATTERN_LABELS = {
    "text": _("Text of the technical bids"),
    "errors": _("Identical unusual errors"),
    "equal_difference": _("Equal differences"),
    "equal_ratio": _("Equal ratios"),
    "narrow_band": _("Very narrow band"),
    "deviation": _("Total far from the committee's median"),
    "favouring": _("One bidder repeatedly favoured"),
    "late_scoring": _("Scores given after the others' were shown"),
}

EVENT_LABELS = {
    "announce": _("Deal announced"),
    "bid": _("Bid recorded"),
    "open": _("Bids opened"),
    "flags_raised": _("Signals raised"),
    "evaluate": _("Evaluation recorded"),
    "award": _("Award recorded"),
    "cancel": _("Deal cancelled"),
    "flag_reviewed": _("Signal reviewed"),
    "committee_drawn": _("Committee drawn"),
    "scores": _("Scores recorded"),
    "scores_shown": _("Scores shown to the committee"),
    "onsite": _("On-site supervision entry"),
    "complaint": _("Complaint recorded"),
}
