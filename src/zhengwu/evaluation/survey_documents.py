"""The 评议报告 of an evaluation, in the order of seed 001's report: the units evaluated, the
method, the respondents, the scores and bands, the problems found; with the platform's own
indicators beside the scores. The sentences and tables are built once for the page, the .docx and
the .xlsx."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zhengwu.assessment.selectors import center_name
from zhengwu.core import clock
from zhengwu.core.display import cn_date
from zhengwu.evaluation import report_files
from zhengwu.evaluation.report_files import Part, Table
from zhengwu.evaluation.survey_presenters import rate_text, score_text
from zhengwu.evaluation.survey_selectors import Results, band_label

LIST_SEPARATOR = "、"


def _respondents(results: Results) -> str:
    return "和".join(f"{g.invited}名{g.name}" for g in results.groups)


def report_text(results: Results) -> dict[str, object]:
    evaluation = results.evaluation
    units = [row.unit for row in sorted(results.units, key=lambda r: r.unit.position)]
    by_band: dict[str, list[str]] = {}
    for row in results.units:
        if row.band:
            by_band.setdefault(row.band, []).append(row.name)
    outcome = "；".join(
        _("%(names)s, %(count)s units: %(band)s")
        % {"names": LIST_SEPARATOR.join(names), "count": len(names), "band": band_label(band)}
        for band in ("excellent", "good", "fair", "poor")
        if (names := by_band.get(band))
    )
    return {
        "units": _(
            "From %(start)s to %(end)s the work of %(count)s units was evaluated: %(names)s."
        )
        % {
            "start": cn_date(evaluation.start),
            "end": cn_date(evaluation.end),
            "count": len(units),
            "names": LIST_SEPARATOR.join(u.name for u in units),
        },
        "method": evaluation.method
        or _(
            "Anonymous questionnaires by one-time links; each group's score is the mean of its "
            "respondents' scores, and a unit's score the weighted mean of its groups' scores."
        ),
        "respondents": _(
            "%(respondents)s were invited to fill in the questionnaire anonymously; "
            "%(answered)s answered (response rate %(rate)s)."
        )
        % {
            "respondents": _respondents(results),
            "answered": results.responses,
            "rate": rate_text(results.rate),
        },
        "outcome": (_("Overall result: %(outcome)s.") % {"outcome": outcome})
        if outcome
        else _("No answers yet."),
        "thresholds": _(
            "Bands: 优秀 from %(excellent)s, 良好 from %(good)s, 一般 from %(fair)s, 较差 below."
        )
        % {k: score_text(v) for k, v in results.thresholds.items()},
        "findings": [p.strip() for p in (evaluation.findings or "").splitlines() if p.strip()],
    }


def report_tables(results: Results) -> list[Table]:
    groups = [g.name for g in results.groups]
    scores = Table(
        "scores",
        _("Scores, bands and ranking"),
        [_("Rank"), _("Unit"), _("Score"), _("Band"), *[f"{g}（{_('score')}）" for g in groups]],
        [
            [
                row.result.rank or "—",
                row.name,
                score_text(row.result.score),
                row.band_label,
                *[score_text(row.result.groups[g].score) for g in groups],
            ]
            for row in results.units
        ],
    )
    respondents = Table(
        "respondents",
        _("Respondents"),
        [_("Group"), _("Weight"), _("Invited"), _("Answered"), _("Response rate")],
        [
            [g.name, score_text(g.weight), g.invited, g.responses, rate_text(g.rate)]
            for g in results.groups
        ],
    )
    scored = [q for q in results.questions if q.kind != "text"]
    questions = Table(
        "questions",
        _("Scores per question"),
        [_("Unit"), *[f"{q.code} {q.text}" for q in scored]],
        [
            [row.name, *[score_text(row.result.questions.get(q.code)) for q in scored]]
            for row in results.units
        ],
    )
    labels = results.evidence_labels
    evidence = Table(
        "evidence",
        _("The platform's own figures for the same period"),
        [_("Unit"), *[str(label) for _key, label, _formula in labels]],
        [
            [
                row.name,
                *[
                    rate_text(row.evidence[key].value) if key in row.evidence else "—"
                    for key, _label, _formula in labels
                ],
            ]
            for row in results.units
        ],
    )
    themes = Table(
        "themes",
        _("Opinions by theme"),
        [_("Theme"), _("Opinions"), _("Examples")],
        [[theme, len(texts), "；".join(texts[:3])] for theme, texts in results.themes],
    )
    return [scores, respondents, questions, evidence, themes]


def report_docx(results: Results) -> bytes:
    text = report_text(results)
    tables = {t.key: t for t in report_tables(results)}
    parts = [
        Part(_("1. Units evaluated"), [text["units"]]),
        Part(_("2. Method"), [text["method"], text["thresholds"]]),
        Part(_("3. Respondents"), [text["respondents"]], [tables["respondents"]]),
        Part(
            _("4. Results"),
            [text["outcome"]],
            [tables["scores"], tables["questions"], tables["evidence"]],
        ),
        Part(_("5. Problems found"), list(text["findings"]), [tables["themes"]]),
    ]
    return report_files.docx(
        issuer=center_name(),
        title=_("Report on the evaluation: %(name)s") % {"name": results.evaluation.name},
        subtitle=f"{cn_date(results.evaluation.start)}—{cn_date(results.evaluation.end)}",
        parts=parts,
        date_cn=cn_date(clock.today()),
    )


def report_xlsx(results: Results) -> bytes:
    return report_files.workbook(report_tables(results))
