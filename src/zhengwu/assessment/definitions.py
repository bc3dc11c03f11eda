"""What each indicator means, in the users' words: its name, formula and the date its counts use.

Shown beside every number (the definitions table of the pages, the brief, the .xlsx) and written
out in docs/assessment.md. The keys are ``zhengwu.assessment.formulas.INDICATOR_KEYS``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from zhengwu.assessment.formulas import INDICATOR_KEYS


@dataclass(frozen=True)
class Definition:
    key: str
    label: object
    formula: object
    basis: object
    # How the value reads: "percent" (a ratio in percent), "count" (the numerator: a number of
    # things, never empty), "mean" (numerator ÷ denominator, one decimal).
    unit: str = "percent"


@dataclass(frozen=True)
class Section:
    """Indicators another app counts (through its provider) and explains: shown as a table of
    their own on the indicators page, and in the API's rows, for the groups listed."""

    key: str
    label: object
    definitions: tuple[Definition, ...]
    groups: tuple[str, ...] = ("department", "center")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.definitions)


DEFINITIONS: dict[str, Definition] = {
    d.key: d
    for d in (
        Definition(
            "completion_rate",
            _("Completion rate"),
            _("Cases accepted in the period and decided by its last day ÷ cases accepted in it"),
            _("Acceptance date in the period; decision date up to the period's end"),
        ),
        Definition(
            "on_time_rate",
            _("On-time completion rate"),
            _("(Completed early + on time) ÷ cases completed"),
            _("Decision date in the period"),
        ),
        Definition(
            "early_rate",
            _("Early completion rate"),
            _("Completed before the promised due date ÷ cases completed"),
            _("Decision date in the period"),
        ),
        Definition(
            "late_rate",
            _("Late completion rate"),
            _("Completed after the promised due date ÷ cases completed"),
            _("Decision date in the period"),
        ),
        Definition(
            "immediate_rate",
            _("On-the-spot completion rate"),
            _("Completed on the acceptance day ÷ cases completed"),
            _("Decision date in the period"),
        ),
        Definition(
            "online_rate",
            _("Online application rate"),
            _("Applications submitted online ÷ applications received"),
            _("Receipt date in the period"),
        ),
        Definition(
            "parallel_rate",
            _("Parallel approval use rate"),
            _(
                "(Applications accepted into parallel approval + cases of joint applications) ÷ "
                "(applications for items that allow parallel approval + cases of joint "
                "applications)"
            ),
            _(
                "Receipt date in the period; a case opened for an item of a joint application "
                "(一件事) is handled in parallel, whatever its item allows"
            ),
        ),
        Definition(
            "promised_speedup",
            _("Speed-up on the promised limit"),
            _("(Σ promised limit − Σ working days used) ÷ Σ promised limit"),
            _(
                "Decision date in the period; working days used = acceptance to decision, less "
                "special procedures"
            ),
        ),
        Definition(
            "statutory_speedup",
            _("Speed-up on the statutory limit"),
            _("(Σ statutory limit − Σ working days used) ÷ Σ statutory limit"),
            _(
                "Decision date in the period; working days used = acceptance to decision, less "
                "special procedures"
            ),
        ),
        Definition(
            "active_rating_rate",
            _("Active rating rate"),
            _("Rated completed cases ÷ completed cases"),
            _(
                "Decision date in the period; rated = has a rating counted in the statistics "
                "(a rating whose appeal was upheld does not count)"
            ),
        ),
        Definition(
            "good_rate",
            _("Good rating rate"),
            _("Ratings of 5 or 4 ÷ ratings"),
            _("Rating date in the period; ratings whose appeal was upheld are left out"),
        ),
        Definition(
            "satisfaction_rate",
            _("Satisfaction rate"),
            _("Ratings of 5, 4 or 3 ÷ ratings"),
            _("Rating date in the period; ratings whose appeal was upheld are left out"),
        ),
        Definition(
            "bad_rate",
            _("Bad rating rate"),
            _("Ratings of 2 or 1 ÷ ratings"),
            _("Rating date in the period; ratings whose appeal was upheld are left out"),
        ),
        Definition(
            "rectification_rate",
            _("Bad rating rectification rate"),
            _("Rectified bad ratings ÷ bad ratings (upheld appeals excluded)"),
            _(
                "Rating date of the bad rating in the period; rectified = the task was fed back "
                "or closed, whenever that happened"
            ),
        ),
        Definition(
            "callback_rate",
            _("Real-name bad rating callback rate"),
            _("Callbacks done ÷ bad ratings with a real name"),
            _(
                "Rating date of the bad rating in the period; called back = the first callback "
                "is recorded, whenever that happened"
            ),
        ),
        Definition(
            "joint_completion_rate",
            _("Joint application completion rate"),
            _(
                "Joint applications received in the period and decided by its last day ÷ joint "
                "applications received in it"
            ),
            _(
                "Receipt date in the period, under the lead department; decided = every item "
                "granted, or stopped by a denial"
            ),
        ),
        Definition(
            "joint_on_time_rate",
            _("Joint application on-time rate"),
            _("(Decided early + on time) ÷ joint applications decided, on the joint clock"),
            _("Decision date in the period, under the lead department"),
        ),
        Definition(
            "joint_time_ratio",
            _("Joint time against serial time"),
            _(
                "Σ working days used ÷ Σ serial days (the sum of the statutory limits of their "
                "items)"
            ),
            _(
                "Joint applications with every item granted, decision date in the period; "
                "working days used = acceptance to decision, less the days a child was in a "
                "special procedure"
            ),
        ),
        Definition(
            "composite_licence_share",
            _("Share of new enterprises with a composite licence"),
            _(
                "New enterprises holding a composite licence (一业一证) ÷ new enterprises "
                "registered in the period"
            ),
            _(
                "New enterprise = holder of a business licence issued in the period (设立登记); "
                "holding = a composite licence issued by the period's last day; under the "
                "department that registered it"
            ),
        ),
    )
}

assert tuple(DEFINITIONS) == INDICATOR_KEYS

GROUP_LABELS = {
    "department": _("Department"),
    "window": _("Window"),
    "staff": _("Staff member"),
    "item": _("Service item"),
    "center": _("Service center"),
    # The centers rolled up to a level of the province's regions (accounts.regions).
    "city": _("City"),
    "county": _("County or district"),
    "township": _("Township or street"),
}


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add (or replace) a section of indicators; its keys must not be those of another."""
    taken = set(DEFINITIONS) | {
        k for other in _SECTIONS.values() if other.key != section.key for k in other.keys
    }
    clash = taken & set(section.keys)
    if clash:
        raise ValueError(f"indicator keys already taken: {sorted(clash)}")
    _SECTIONS[section.key] = section


def unregister_section(key: str) -> None:
    _SECTIONS.pop(key, None)


def sections(group: str | None = None) -> list[Section]:
    """The registered sections (those that count ``group``, when given). The region levels
    are centers added up: the sections that count centers count them too."""
    if group in ("city", "county", "township"):
        group = "center"
    return [s for s in _SECTIONS.values() if group is None or group in s.groups]


def keys_for(group: str | None = None) -> tuple[str, ...]:
    """Every indicator key: the built-in ones, then the sections' (those for ``group``)."""
    return INDICATOR_KEYS + tuple(k for s in sections(group) for k in s.keys)


def definition(key: str) -> Definition:
    if key in DEFINITIONS:
        return DEFINITIONS[key]
    for section in _SECTIONS.values():
        for d in section.definitions:
            if d.key == key:
                return d
    raise KeyError(key)


def definitions(group: str | None = None) -> list[Definition]:
    return [definition(k) for k in keys_for(group)]


def label(key: str):
    return definition(key).label


# Home page entries (zhengwu.core.navigation): (role names, url name, label, description).
NAVIGATION = (
    (
        ("department_head", "reviewer"),
        "assessment:indicators",
        _("Department indicators"),
        _("Your department's completion, on-time and online rates, with their definitions."),
    ),
    (
        ("supervisor", "leader", "admin"),
        "assessment:dashboard",
        _("Leader dashboard"),
        _("Cases by month, rates by department, open cases by level, irregularities."),
    ),
    (
        ("supervisor", "leader", "admin"),
        "assessment:brief_index",
        _("Monthly brief"),
        _("Departments and windows ranked; download the brief as Word and Excel."),
    ),
    (
        ("supervisor", "leader", "admin"),
        "assessment:indicators",
        _("Indicators"),
        _("Every indicator for any period, by department, window, staff or item."),
    ),
)
