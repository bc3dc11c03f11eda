"""The rectification ledger as files: the 台账 (.xlsx, one row per measure, through the assessment
workbook writer) and the published report (.docx, ``core.documents``), in the words of the
published reports (seed 002): "梳理出3个方面、5个大项、16条具体问题，制定整改措施44条 …
已整改完成16个".
Both over what the caller sees (a unit: its own measures)."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from zhengwu.assessment.documents import Table, workbook
from zhengwu.assessment.selectors import center_name
from zhengwu.core import clock
from zhengwu.core.display import cn_date, person_name
from zhengwu.core.documents import OfficialDocument
from zhengwu.evaluation import rectification_rules as rules
from zhengwu.evaluation import rectification_selectors as selectors
from zhengwu.evaluation.models.rectification import DisciplineKind, Rectification


def _headers() -> list[str]:
    return [
        _("Finding area"),
        _("Finding item"),
        _("No."),
        _("Specific problem"),
        _("Measure"),
        _("Kind"),
        _("Responsible unit"),
        _("Responsible leader"),
        _("Responsible person"),
        _("Deadline"),
        _("State"),
        _("Overdue"),
        _("Verified on"),
    ]


def ledger_table(ledger: Rectification, user) -> Table:
    today = clock.today()
    rows = []
    number = 0
    for area in selectors.tree(ledger, user):
        for item in area["items"]:
            for entry in item["problems"]:
                number += 1
                problem = entry["problem"]
                measures = entry["measures"] or [None]
                for measure in measures:
                    if measure is None:
                        rows.append(
                            [area["area"].title, item["item"].title, number, problem.text]
                            + [""] * 9
                        )
                        continue
                    overdue = rules.is_overdue(measure.state, measure.deadline, today)
                    rows.append(
                        [
                            area["area"].title,
                            item["item"].title,
                            number,
                            problem.text,
                            measure.text,
                            measure.get_kind_display(),
                            measure.unit.name,
                            person_name(measure.leader),
                            person_name(measure.person),
                            cn_date(measure.deadline),
                            measure.get_state_display(),
                            _("Yes") if overdue else "",
                            cn_date(measure.verified_on),
                        ]
                    )
    return Table(key="ledger", title=_("Rectification ledger"), headers=_headers(), rows=rows)


def ledger_xlsx(ledger: Rectification, user) -> bytes:
    return workbook([ledger_table(ledger, user)])


def summary(counts: rules.Counts) -> str:
    """梳理出N个方面、N个大项、N条具体问题，制定整改措施N条."""
    return _(
        "%(areas)d areas, %(items)d items and %(problems)d specific problems were identified, "
        "and %(measures)d rectification measures were set"
    ) % {
        "areas": counts.areas,
        "items": counts.items,
        "problems": counts.problems,
        "measures": counts.measures,
    }


def done_sentence(counts: rules.Counts) -> str:
    """已整改完成N个 (with the measures and the overdue ones)."""
    text = _(
        "%(done)d problems have been rectified (rectified includes those rectified at once and "
        "long-term tasks that achieved results at their stage and are kept up); %(measures)d of "
        "%(total)d measures are verified"
    ) % {"done": counts.problems_done, "measures": counts.measures_done, "total": counts.measures}
    if counts.overdue:
        text += _(", %(overdue)d are overdue") % {"overdue": counts.overdue}
    return text + _(".")


def report(ledger: Rectification, user) -> OfficialDocument:
    today = clock.today()
    counts = selectors.counts(ledger, user, today=today)
    discipline = dict(_discipline(ledger))
    paragraphs = [
        _(
            "On %(date)s, %(source)s: %(title)s. To rectify what it found, %(summary)s, each with "
            "its responsible unit, leader, person and deadline, and a rectification ledger was "
            "kept."
        )
        % {
            "date": cn_date(ledger.source_date),
            "source": ledger.get_kind_display(),
            "title": ledger.title,
            "summary": summary(counts),
        },
        _("As of %(date)s, %(done)s") % {"date": cn_date(today), "done": done_sentence(counts)},
    ]
    taken = [
        _("%(kind)s %(count)d person-times") % {"kind": label, "count": discipline[kind]}
        for kind, label in DisciplineKind.choices
        if discipline.get(kind)
    ]
    if taken:
        paragraphs.append(
            _("Accountability: %(list)s.") % {"list": _(", ").join(str(t) for t in taken)}
        )
    items = []
    for area in selectors.tree(ledger, user):
        for item in area["items"]:
            for entry in item["problems"]:
                measures = entry["measures"]
                done = bool(measures) and all(rules.is_done(m.state) for m in measures)
                items.append(
                    _("On %(problem)s — rectification: %(measures)s (%(state)s)")
                    % {
                        "problem": entry["problem"].text,
                        "measures": _("; ").join(m.text for m in measures) or "—",
                        "state": _("rectified") if done else _("in progress"),
                    }
                )
    return OfficialDocument(
        issuer=center_name(),
        title=_("Report on the rectification of: %(title)s") % {"title": ledger.title},
        reference_label=_("Ledger number: %(number)s") % {"number": ledger.number},
        facts=[
            (_("Source"), ledger.get_kind_display()),
            (_("Finding areas"), str(counts.areas)),
            (_("Finding items"), str(counts.items)),
            (_("Specific problems"), str(counts.problems)),
            (_("Rectification measures"), str(counts.measures)),
            (_("Problems rectified"), str(counts.problems_done)),
            (_("Measures verified"), str(counts.measures_done)),
            (_("Measures overdue"), str(counts.overdue)),
        ],
        paragraphs=paragraphs,
        items=items,
        date_cn=cn_date(today),
        filename=f"整改情况通报-{ledger.number}.docx",
        ascii_filename=f"rectification-{ledger.number}.docx",
    )


def _discipline(ledger: Rectification) -> list[tuple[str, int]]:
    return list(
        ledger.discipline.order_by().values("kind").annotate(n=Count("pk")).values_list("kind", "n")
    )
