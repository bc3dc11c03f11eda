"""The annual report's tables 三 and 四 (政府信息公开条例 art. 50, format 国办公开办函〔2021〕30号).
Pure: no Django. The applicant types, results, reasons and appeals are those of
``zhengwu.disclosure.rules`` (the keys stored on the request).

Table 三 (收到和处理政府信息公开申请情况) counts requests by applicant type (the columns) and by
what happened to them (the rows); table 四 (政府信息公开行政复议、行政诉讼情况) counts the
reconsiderations and lawsuits about disclosure by their result. The keys of rows and columns are
the API contract (docs/disclosure.md lists them with the format's Chinese labels).

Counting, for the calendar year Y (dates are local dates, Asia/Shanghai):

- 一 ``received``: requests received in Y (the receipt date of art. 31);
- 二 ``carried_over``: requests received before Y and not completed before Y (still open when Y
  began);
- 三 the results: requests completed in Y, one row each by their result and reason ((一)…(六)),
  ``results_total`` (七) their sum;
- 四 ``carried_forward``: requests received by the end of Y and not completed by then.

So the format's check 一 + 二 = 三(七) + 四 holds for every column: each request open at some time
in Y is either completed in Y or still open at its end. ``carried_forward`` of Y is
``carried_over`` of Y + 1. ``table_three`` checks the balance of the table it builds and raises
``Unbalanced`` when it fails (counts from inconsistent data: a completion without a result,
a completion before the receipt).

Table 四, for Y: a proceeding decided in Y counts under its result (维持, 纠正, 其他); one filed by
the end of Y and not decided by then counts as 尚未审结 (so a case still pending at the end of two
years is 尚未审结 in both). 总计 is the sum of the four.

The counts can come from records (``Request``, ``Proceeding``: tests, the benchmark's check) or
from grouped counts a database gave (``Counts``): both go through ``table_three``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from zhengwu.disclosure import rules

__all__ = [
    "APPLICANT_COLUMNS",
    "APPLICANT_TYPES",
    "COLUMNS",
    "LITIGATION_RESULTS",
    "PROCEEDING_KINDS",
    "REASONS",
    "RESULTS",
    "RESULT_ROWS",
    "ROWS",
    "TABLE_FOUR_COLUMNS",
    "Balance",
    "Counts",
    "Proceeding",
    "Request",
    "TableFour",
    "TableThree",
    "Unbalanced",
    "count_proceedings",
    "count_requests",
    "result_row",
    "table_four",
    "table_three",
    "year_bounds",
]

# Columns of table 三: the applicant types (``rules.ApplicantType``), then the total.
# 法人或其他组织 is the heading of the five organisation columns, not a column of its own.
APPLICANT_TYPES = tuple(t.value for t in rules.ApplicantType)
# person 自然人; business 商业企业; research 科研机构; public_interest 社会公益组织;
# legal_service 法律服务机构; other 其他
APPLICANT_COLUMNS = APPLICANT_TYPES
ORGANIZATION_TYPES = APPLICANT_TYPES[1:]
COLUMNS = (*APPLICANT_TYPES, "total")

# The results (三 (一)–(六), ``rules.Result``) and the names of their numbered reasons, in the
# format's order: reason n of a result is the n-th name.
RESULTS = tuple(r.value for r in rules.Result)
REASONS: dict[str, tuple[str, ...]] = {
    "disclosed": (),  # (一) 予以公开
    "partial": (),  # (二) 部分公开
    "withheld": (  # (三) 不予公开
        "state_secret",  # 1 属于国家秘密
        "prohibited_by_law",  # 2 其他法律行政法规禁止公开
        "security_stability",  # 3 危及"三安全一稳定"
        "third_party_rights",  # 4 保护第三方合法权益
        "internal_affairs",  # 5 属于三类内部事务信息
        "process_information",  # 6 属于四类过程性信息
        "enforcement_file",  # 7 属于行政执法案卷
        "administrative_query",  # 8 属于行政查询事项
    ),
    "unavailable": (  # (四) 无法提供
        "not_held",  # 1 本机关不掌握相关政府信息
        "needs_creation",  # 2 没有现成信息需要另行制作
        "still_unclear",  # 3 补正后申请内容仍不明确
    ),
    "not_handled": (  # (五) 不予处理
        "petition",  # 1 信访举报投诉类申请
        "repeated",  # 2 重复申请
        "publication",  # 3 要求提供公开出版物
        "excessive",  # 4 无正当理由大量反复申请
        "confirmation",  # 5 要求行政机关确认或重新出具已获取信息
    ),
    "other": (  # (六) 其他处理
        "no_supplement",  # 1 逾期不补正、不再处理
        "fee_unpaid",  # 2 逾期未缴纳费用、不再处理
        "other",  # 3 其他
    ),
}
assert tuple(REASONS) == RESULTS
assert all(
    rules.RESULTS[rules.Result(r)] == tuple(range(1, len(n) + 1)) for r, n in REASONS.items()
)


def result_row(result: str, reason: int | None = None) -> str:
    """The row key of a result and its reason number: ``disclosed``, ``withheld_state_secret``
    (``withheld`` and 1)...

    Raises ``ValueError`` for an unknown result, a reason the result does not take, or a missing
    reason where the format has one row per reason."""
    if result not in REASONS:
        raise ValueError(f"unknown result {result!r}")
    names = REASONS[result]
    if not names:
        if reason:
            raise ValueError(f"the result {result!r} takes no reason")
        return result
    if isinstance(reason, bool) or not isinstance(reason, int) or not 1 <= reason <= len(names):
        raise ValueError(f"the result {result!r} has no reason {reason!r}")
    return f"{result}_{names[reason - 1]}"


RESULT_ROWS = tuple(
    result_row(result, reason)
    for result in RESULTS
    for reason in (range(1, len(REASONS[result]) + 1) if REASONS[result] else (None,))
)
# Rows of table 三, in the format's order.
ROWS = ("received", "carried_over", *RESULT_ROWS, "results_total", "carried_forward")

# Table 四: three proceedings (``rules.Appeal``) × (four results and the total).
PROCEEDING_KINDS = tuple(a.value for a in rules.Appeal)
# reconsideration 行政复议; lawsuit_direct 行政诉讼 未经复议直接起诉;
# lawsuit_after_reconsideration 行政诉讼 复议后起诉
LITIGATION_RESULTS = tuple(r.value for r in rules.AppealResult)
# upheld 结果维持; corrected 结果纠正; other 其他结果; pending 尚未审结
TABLE_FOUR_COLUMNS = (*LITIGATION_RESULTS, "total")


class Unbalanced(ValueError):
    """The table does not satisfy 一 + 二 = 三(七) + 四 (or a total is not the sum of its parts)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@dataclass(frozen=True, slots=True)
class Request:
    """What the report needs of a request. ``result`` (and ``reason``) are set exactly when
    ``completed_on`` is."""

    received_on: dt.date
    applicant_type: str
    completed_on: dt.date | None = None
    result: str | None = None
    reason: int | None = None


@dataclass(frozen=True, slots=True)
class Proceeding:
    """A reconsideration or lawsuit about a disclosure: ``result`` is ``pending`` until it is
    decided on ``decided_on``."""

    kind: str
    filed_on: dt.date
    result: str = "pending"
    decided_on: dt.date | None = None


@dataclass
class Counts:
    """Grouped counts for one year, the shape a database answers in a few GROUP BY queries:
    per applicant type for 一, 二 and 四; per (applicant type, result row) for 三."""

    received: Mapping[str, int] = field(default_factory=dict)
    carried_over: Mapping[str, int] = field(default_factory=dict)
    results: Mapping[tuple[str, str], int] = field(default_factory=dict)
    carried_forward: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Balance:
    """一 + 二 (``incoming``) and 三(七) + 四 (``outgoing``) for one column."""

    incoming: int
    outgoing: int

    @property
    def balanced(self) -> bool:
        return self.incoming == self.outgoing

    def as_dict(self) -> dict:
        return {"incoming": self.incoming, "outgoing": self.outgoing, "balanced": self.balanced}


@dataclass(frozen=True)
class TableThree:
    year: int
    rows: dict[str, dict[str, int]]

    def cell(self, row: str, column: str = "total") -> int:
        return self.rows[row][column]

    @property
    def balance(self) -> dict[str, Balance]:
        return {
            c: Balance(
                self.rows["received"][c] + self.rows["carried_over"][c],
                self.rows["results_total"][c] + self.rows["carried_forward"][c],
            )
            for c in COLUMNS
        }

    @property
    def balanced(self) -> bool:
        return all(b.balanced for b in self.balance.values())

    def as_dict(self) -> dict:
        return {
            "rows": {r: dict(cols) for r, cols in self.rows.items()},
            "balance": {c: b.as_dict() for c, b in self.balance.items()},
            "balanced": self.balanced,
        }


@dataclass(frozen=True)
class TableFour:
    year: int
    rows: dict[str, dict[str, int]]

    def as_dict(self) -> dict:
        return {"rows": {k: dict(v) for k, v in self.rows.items()}}


def _check_type(applicant_type: str) -> None:
    if applicant_type not in APPLICANT_TYPES:
        raise ValueError(f"unknown applicant type {applicant_type!r}")


def count_requests(requests: Iterable[Request], year: int) -> Counts:
    """Group the requests that concern ``year`` the way the report counts them."""
    start, end = year_bounds(year)
    received: Counter = Counter()
    carried_over: Counter = Counter()
    results: Counter = Counter()
    carried_forward: Counter = Counter()
    for r in requests:
        _check_type(r.applicant_type)
        if (r.completed_on is None) != (r.result is None):
            raise ValueError("a request has a result exactly when it is completed")
        if r.completed_on is not None and r.completed_on < r.received_on:
            raise ValueError("a request cannot be completed before it is received")
        if r.received_on > end or (r.completed_on is not None and r.completed_on < start):
            continue
        if r.received_on >= start:
            received[r.applicant_type] += 1
        else:
            carried_over[r.applicant_type] += 1
        if r.completed_on is not None and r.completed_on <= end:
            results[r.applicant_type, result_row(r.result, r.reason)] += 1
        else:
            carried_forward[r.applicant_type] += 1
    return Counts(received, carried_over, results, carried_forward)


def table_three(year: int, source: Counts | Iterable[Request]) -> TableThree:
    """Table 三 for ``year``, from records or grouped counts; raises ``Unbalanced`` unless
    一 + 二 = 三(七) + 四 in every column."""
    counts = source if isinstance(source, Counts) else count_requests(source, year)
    rows = {row: dict.fromkeys(COLUMNS, 0) for row in ROWS}
    for key in ("received", "carried_over", "carried_forward"):
        for applicant_type, n in getattr(counts, key).items():
            _check_type(applicant_type)
            rows[key][applicant_type] += n
    for (applicant_type, row), n in counts.results.items():
        _check_type(applicant_type)
        if row not in RESULT_ROWS:
            raise ValueError(f"unknown result row {row!r}")
        rows[row][applicant_type] += n
        rows["results_total"][applicant_type] += n
    for cols in rows.values():
        cols["total"] = sum(cols[t] for t in APPLICANT_TYPES)
    table = TableThree(year, rows)
    problems = [
        f"{column}: {b.incoming} received and carried over, {b.outgoing} completed and carried "
        "forward"
        for column, b in table.balance.items()
        if not b.balanced
    ]
    if problems:
        raise Unbalanced(problems)
    return table


def count_proceedings(proceedings: Iterable[Proceeding], year: int) -> dict[tuple[str, str], int]:
    """``{(kind, result): n}`` for ``year`` (decided in it, or pending at its end)."""
    _start, end = year_bounds(year)
    counts: Counter = Counter()
    for p in proceedings:
        if p.kind not in PROCEEDING_KINDS:
            raise ValueError(f"unknown proceeding {p.kind!r}")
        if p.result not in LITIGATION_RESULTS:
            raise ValueError(f"unknown result {p.result!r}")
        if (p.result == "pending") != (p.decided_on is None):
            raise ValueError("a proceeding has a decision date exactly when it is decided")
        if p.decided_on is not None and p.decided_on < p.filed_on:
            raise ValueError("a proceeding cannot be decided before it is filed")
        if p.filed_on > end:
            continue
        if p.decided_on is not None and p.decided_on.year == year:
            counts[p.kind, p.result] += 1
        elif p.decided_on is None or p.decided_on > end:
            counts[p.kind, "pending"] += 1
    return dict(counts)


def table_four(
    year: int, source: Mapping[tuple[str, str], int] | Iterable[Proceeding]
) -> TableFour:
    """Table 四 for ``year`` from proceedings or ``{(kind, result): n}`` counts."""
    counts = source if isinstance(source, Mapping) else count_proceedings(source, year)
    rows = {kind: dict.fromkeys(TABLE_FOUR_COLUMNS, 0) for kind in PROCEEDING_KINDS}
    for (kind, result), n in counts.items():
        if kind not in rows or result not in LITIGATION_RESULTS:
            raise ValueError(f"unknown cell {kind!r}, {result!r}")
        rows[kind][result] += n
    for cols in rows.values():
        cols["total"] = sum(cols[r] for r in LITIGATION_RESULTS)
    return TableFour(year, rows)
