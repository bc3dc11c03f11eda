"""Deals brought in from files (docs/trading.md "Import"): the trading center's template (.csv or
.xlsx, one row per bid) and OCDS release packages (JSON lines). Both are read into the same
``DealInput`` and written by ``import_deals`` through the services (announce, bids, opening,
evaluation, award, each step dated when it happened), all or nothing: one problem anywhere and
nothing is kept, every problem reported by row (or line) and column (or field) in Chinese.

The template's headers and choices are Chinese on purpose: it is the file format the trading
center fills in (``COLUMNS``; the blank template is ``template_xlsx``/``template_csv``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.core import clock
from zhengwu.core.errors import DomainError, Forbidden, ValidationFailed
from zhengwu.core.roles import Role, role_names
from zhengwu.trading import ocds, services
from zhengwu.trading.models import AwardMethod, Deal, DealType

MAX_ROWS = 20000
MAX_BYTES = 20 * 2**20
STEP_HOUR = 9  # a date without a time: 09:00 Beijing time

# (key, header): one row per bid; the deal's and the lot's columns are read from their first row.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("ref", "项目序号"),
    ("name", "项目名称"),
    ("type", "项目类型"),
    ("tenderer", "招标人"),
    ("agent", "招标代理机构"),
    ("ceiling_price", "最高投标限价（元）"),
    ("award_method", "评标办法"),
    ("announced_on", "公告日期"),
    ("opened_on", "开标日期"),
    ("evaluated_on", "评标结束日期"),
    ("awarded_on", "中标通知日期"),
    ("lot", "标段编号"),
    ("lot_name", "标段名称"),
    ("bidder_uscc", "投标人统一社会信用代码"),
    ("bidder_name", "投标人名称"),
    ("price", "投标报价（元）"),
    ("deposit_account", "保证金缴纳账户"),
    ("project_manager", "项目经理"),
    ("team", "项目团队成员"),
    ("author", "投标文件作者"),
    ("company", "投标文件单位"),
    ("machine_code", "制作机器码"),
    ("ip", "上传IP地址"),
    ("status", "投标是否有效"),
    ("reason", "否决原因"),
    ("won", "是否中标"),
)
HEADER = dict(COLUMNS)
REQUIRED = ("ref", "name", "type", "tenderer", "award_method", "announced_on", "lot")
TYPE_NAMES = {
    "工程建设": "construction",
    "政府采购": "procurement",
    "土地使用权": "land",
    "国有产权": "state_assets",
    "水利": "water",
    "交通": "transport",
    "其他": "other",
}
METHOD_NAMES = {
    "经评审的最低投标价法": "lowest_price",
    "最低投标价法": "lowest_price",
    "最低价": "lowest_price",
    "综合评估法": "scoring",
    "综合评分法": "scoring",
}
STATUS_NAMES = {"有效": "valid", "无效": "disqualified", "否决": "disqualified"}
YES, NO = ("是", "中标", "1", "y", "yes", "true"), ("否", "", "0", "n", "no", "false")
EXAMPLE = {
    "ref": "1",
    "name": "城东污水管网改造工程",
    "type": "工程建设",
    "tenderer": "某区住房和城乡建设局",
    "agent": "某招标代理有限公司",
    "ceiling_price": "4800000",
    "award_method": "经评审的最低投标价法",
    "announced_on": "2026-03-02",
    "opened_on": "2026-03-23",
    "evaluated_on": "2026-03-24",
    "awarded_on": "2026-03-30",
    "lot": "01",
    "lot_name": "一标段",
    "bidder_uscc": "91110105MA00000012",
    "bidder_name": "北京宏达建设工程有限公司",
    "price": "4512300",
    "deposit_account": "6222020000001000",
    "project_manager": "赵一",
    "team": "钱二，孙三",
    "author": "",
    "company": "",
    "machine_code": "",
    "ip": "",
    "status": "有效",
    "reason": "",
    "won": "是",
}


@dataclass
class Problem:
    row: int | None  # the row of the sheet (the header is row 1) or the line of the JSON lines
    column: str  # the header, or the OCDS field
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


class ImportRejected(Exception):
    """Nothing was imported: the problems, each with its row and column."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


@dataclass
class BidInput:
    row: int | None
    data: dict  # record_bid's fields
    status: str = ""  # "valid", "disqualified" or "" (not evaluated)
    reason: str = ""
    won: bool = False
    columns: Mapping[str, str] = field(default_factory=lambda: HEADER)


@dataclass
class DealInput:
    row: int | None
    data: dict  # announce_deal's fields, with "lots"
    announced_at: dt.datetime
    opened_at: dt.datetime | None = None
    evaluated_at: dt.datetime | None = None
    awarded_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""
    ocid: str = ""
    bids: list[BidInput] = field(default_factory=list)
    columns: Mapping[str, str] = field(default_factory=lambda: HEADER)


@dataclass
class Imported:
    deals: list[Deal]
    skipped: list[str] = field(default_factory=list)  # ocids imported before


# ---------------------------------------------------------------- writing


def import_deals(*, actor, deals: list[DealInput], skipped: Iterable[str] = ()) -> Imported:
    """Write ``deals`` through the services, all or nothing (``ImportRejected``)."""
    if Role.TRADING_OFFICER.value not in role_names(actor):
        raise Forbidden()
    problems: list[Problem] = []
    created: list[Deal] = []
    try:
        with transaction.atomic():
            for entry in deals:
                try:
                    with transaction.atomic():
                        created.append(_write(actor, entry))
                except ImportRejected as rejected:
                    problems.extend(rejected.problems)
            if problems:
                raise ImportRejected(problems)
    except ImportRejected:
        raise ImportRejected(problems) from None
    return Imported(created, list(skipped))


def _fail(row, column: str, error: Exception) -> ImportRejected:
    if isinstance(error, ValidationFailed):
        return ImportRejected(
            [
                Problem(row, column, str(message))
                for messages in error.errors.values()
                for message in messages
            ]
        )
    return ImportRejected([Problem(row, column, str(getattr(error, "message", error)))])


def _column(columns: Mapping[str, str], error: Exception, default: str) -> str:
    if isinstance(error, ValidationFailed) and len(error.errors) == 1:
        key = next(iter(error.errors)).split(".")[-1]
        key = {"code": "lot", "winners": "won", "disqualified": "status"}.get(key, key)
        return columns.get(key, default)
    return default


def _write(actor, entry: DealInput) -> Deal:
    cols = entry.columns
    try:
        deal = services.announce_deal(actor=actor, data=entry.data, occurred_at=entry.announced_at)
    except (ValidationFailed, DomainError) as error:
        problems = []
        if isinstance(error, ValidationFailed):
            for key, messages in error.errors.items():
                name = key.split(".")[-1]
                name = {"code": "lot", "lots": "lot"}.get(name, name)
                problems += [Problem(entry.row, cols.get(name, name), str(m)) for m in messages]
        else:
            problems.append(Problem(entry.row, cols["name"], str(error.message)))
        raise ImportRejected(problems) from None
    if entry.ocid:
        deal.ocid = entry.ocid
        deal.save(update_fields=["ocid"])
    bid_problems: list[Problem] = []
    for bid in entry.bids:
        try:
            with transaction.atomic():
                services.record_bid(
                    actor=actor, code=deal.code, data=bid.data, occurred_at=entry.announced_at
                )
        except ValidationFailed as error:
            for key, messages in error.errors.items():
                column = bid.columns.get(key, key)
                bid_problems += [Problem(bid.row, column, str(m)) for m in messages]
        except DomainError as error:
            bid_problems.append(Problem(bid.row, bid.columns["bidder_uscc"], str(error.message)))
    if bid_problems:
        raise ImportRejected(bid_problems)
    steps = []
    if entry.opened_at:
        steps.append(("open", {}, entry.opened_at, "opened_on"))
    if entry.evaluated_at:
        disqualified = [
            {"lot": b.data["lot"], "bidder_uscc": b.data["bidder_uscc"], "reason": b.reason}
            for b in entry.bids
            if b.status == "disqualified"
        ]
        steps.append(("evaluate", {"disqualified": disqualified}, entry.evaluated_at, "status"))
    if entry.awarded_at:
        winners = {b.data["lot"]: b.data["bidder_uscc"] for b in entry.bids if b.won}
        steps.append(("award", {"winners": winners}, entry.awarded_at, "won"))
    if entry.cancelled_at:
        steps.append(("cancel", {"reason": entry.cancel_reason}, entry.cancelled_at, "name"))
    for action, data, moment, key in steps:
        try:
            services.act(actor=actor, code=deal.code, action=action, data=data, occurred_at=moment)
        except (ValidationFailed, DomainError) as error:
            raise _fail(entry.row, _column(cols, error, cols.get(key, key)), error) from None
    deal.refresh_from_db()
    return deal


# ---------------------------------------------------------------- the template


def template_rows() -> list[list[str]]:
    return [[header for _key, header in COLUMNS], [EXAMPLE[key] for key, _h in COLUMNS]]


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "交易项目"
    for row in template_rows():
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(cell.value) * 2 + 2)
    sheet.freeze_panes = "A2"
    notes = book.create_sheet("填写说明")
    for line in TEMPLATE_NOTES:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_csv() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(template_rows())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


TEMPLATE_NOTES = (
    "每行一个投标；同一项目的各行“项目序号”相同，项目和标段的信息取其第一行；尚无投标的项目只填项目和标段列。",
    "项目类型：" + "、".join(TYPE_NAMES) + "。",
    "评标办法：经评审的最低投标价法、综合评估法。",
    "日期写作 2026-03-02 或 2026-03-02 09:30；"
    "开标、评标结束、中标通知日期依次填写，未到的步骤留空。",
    "投标是否有效：有效、无效（填写否决原因）；是否中标：是、否。每个标段一个中标人。",
    "项目团队成员用逗号分隔。任何一行有误，整个文件都不导入，并逐行逐列列出问题。",
)


# ---------------------------------------------------------------- reading the template


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\x00", "").strip()


def _moment(text: str) -> dt.datetime | None:
    """``2026-03-02`` or ``2026-03-02 09:30`` (also with ``/``) as Beijing time; None if not."""
    text = text.replace("/", "-").replace("T", " ").strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            parsed = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        if pattern == "%Y-%m-%d":
            parsed = parsed.replace(hour=STEP_HOUR)
        return parsed.replace(tzinfo=clock.LOCAL_TZ)
    return None


def read_table(name: str, content: bytes) -> list[list[str]]:
    """The rows of a .csv (UTF-8, else GB18030) or .xlsx file (its first sheet), as text."""
    lower = (name or "").lower()
    if len(content) > MAX_BYTES:
        raise ImportRejected([Problem(None, "", _("The file is larger than 20 MB."))])
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:
            raise ImportRejected(
                [Problem(None, "", _("The workbook cannot be read; save it as .xlsx again."))]
            ) from None
        sheet = book.worksheets[0]
        rows = [[_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    if lower.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("gb18030", errors="replace")
        return [[_text(v) for v in row] for row in csv.reader(io.StringIO(text))]
    raise ImportRejected([Problem(None, "", _("Upload the template as .xlsx or .csv."))])


def parse_table(rows: list[list[str]]) -> list[DealInput]:
    """The template's rows as deals; ``ImportRejected`` with every problem found while reading
    (the services check the rest when writing)."""
    if not rows:
        raise ImportRejected([Problem(None, "", _("The file is empty."))])
    header = [h.strip() for h in rows[0]]
    by_header = {h: i for i, h in enumerate(header) if h}
    missing = [h for key, h in COLUMNS if key in REQUIRED and h not in by_header]
    if missing:
        raise ImportRejected(
            [Problem(1, h, _("This column is missing from the header row.")) for h in missing]
        )
    if len(rows) - 1 > MAX_ROWS:
        raise ImportRejected([Problem(None, "", _("At most 20,000 rows at a time."))])
    problems: list[Problem] = []
    deals: dict[str, DealInput] = {}
    order: list[str] = []
    for number, raw in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in raw):
            continue
        row = {
            key: (raw[by_header[h]] if h in by_header and by_header[h] < len(raw) else "")
            for key, h in COLUMNS
        }
        ref = row["ref"]
        if not ref:
            problems.append(Problem(number, HEADER["ref"], _("This field is required.")))
            continue
        entry = deals.get(ref)
        if entry is None:
            entry = _deal_from_row(number, row, problems)
            if entry is None:
                deals[ref] = None  # reported once
                continue
            deals[ref] = entry
            order.append(ref)
        if entry is None:
            continue
        lots = entry.data["lots"]
        if row["lot"] and row["lot"] not in {lot["code"] for lot in lots}:
            lots.append({"code": row["lot"], "name": row["lot_name"] or row["lot"]})
        if not row["lot"]:
            problems.append(Problem(number, HEADER["lot"], _("This field is required.")))
        if row["bidder_uscc"] or row["bidder_name"] or row["price"]:
            bid = _bid_from_row(number, row, problems)
            entry.bids.append(bid)
            _check_steps(number, row, entry, bid, problems)
    if problems:
        raise ImportRejected(problems)
    return [deals[ref] for ref in order]


def _deal_from_row(number: int, row: dict, problems: list[Problem]) -> DealInput | None:
    found: list[Problem] = []
    kind = TYPE_NAMES.get(row["type"], row["type"] if row["type"] in DealType.values else "")
    if not kind:
        found.append(Problem(number, HEADER["type"], _("Write one of the deal types.")))
    method = METHOD_NAMES.get(row["award_method"])
    if method is None and row["award_method"] in AwardMethod.values:
        method = row["award_method"]
    if method is None:
        found.append(
            Problem(number, HEADER["award_method"], _("Write 经评审的最低投标价法 or 综合评估法."))
        )
    moments = {}
    for key in ("announced_on", "opened_on", "evaluated_on", "awarded_on"):
        if not row[key]:
            moments[key] = None
            continue
        moment = _moment(row[key])
        if moment is None:
            found.append(Problem(number, HEADER[key], _("Write a date as 2026-03-02.")))
        elif moment > clock.now():
            found.append(Problem(number, HEADER[key], _("The date is in the future.")))
        moments[key] = moment
    if row["announced_on"] == "":
        found.append(Problem(number, HEADER["announced_on"], _("This field is required.")))
    chain = [k for k in ("announced_on", "opened_on", "evaluated_on", "awarded_on") if row[k]]
    for before, after in itertools.pairwise(chain):
        if moments.get(before) and moments.get(after) and moments[after] < moments[before]:
            found.append(
                Problem(
                    number,
                    HEADER[after],
                    _("The date is before %(column)s.") % {"column": HEADER[before]},
                )
            )
    for later, earlier in (("awarded_on", "evaluated_on"), ("evaluated_on", "opened_on")):
        if row[later] and not row[earlier]:
            found.append(Problem(number, HEADER[earlier], _("This step's date is missing.")))
    problems.extend(found)
    if found:
        return None
    return DealInput(
        row=number,
        data={
            "type": kind,
            "name": row["name"],
            "tenderer": row["tenderer"],
            "agent": row["agent"],
            "ceiling_price": row["ceiling_price"] or None,
            "award_method": method,
            "lots": [],
        },
        announced_at=moments["announced_on"],
        opened_at=moments["opened_on"],
        evaluated_at=moments["evaluated_on"],
        awarded_at=moments["awarded_on"],
    )


def _bid_from_row(number: int, row: dict, problems: list[Problem]) -> BidInput:
    status = ""
    if row["status"]:
        status = STATUS_NAMES.get(row["status"], "")
        if not status:
            problems.append(Problem(number, HEADER["status"], _("Write 有效 or 无效.")))
    won = row["won"].lower()
    if won not in YES and won not in NO:
        problems.append(Problem(number, HEADER["won"], _("Write 是 or 否.")))
    if status == "disqualified" and not row["reason"]:
        problems.append(
            Problem(number, HEADER["reason"], _("Give the reason the bid was disqualified."))
        )
    price = row["price"].replace(",", "").replace("，", "")
    try:
        Decimal(price)
    except InvalidOperation:
        pass  # the service reports it
    keys = (
        "lot",
        "bidder_uscc",
        "bidder_name",
        "deposit_account",
        "project_manager",
        "team",
        "author",
        "company",
        "machine_code",
        "ip",
    )
    return BidInput(
        row=number,
        data={**{k: row[k] for k in keys}, "price": price},
        status=status,
        reason=row["reason"],
        won=won in YES and won != "",
    )


def _check_steps(number, row, entry: DealInput, bid: BidInput, problems) -> None:
    if bid.status and not entry.evaluated_at:
        problems.append(
            Problem(
                number, HEADER["evaluated_on"], _("Bids are valid or not after the evaluation.")
            )
        )
    if bid.won and not entry.awarded_at:
        problems.append(
            Problem(number, HEADER["awarded_on"], _("A winner needs the date of the award notice."))
        )


def read_template(*, name: str, content: bytes) -> list[DealInput]:
    return parse_table(read_table(name, content))


# ---------------------------------------------------------------- reading OCDS


def read_ocds(content: bytes) -> tuple[list[DealInput], list[str]]:
    """JSON lines, each a release package or a release; the releases of one ocid compiled by
    ocdsmerge and read as one deal. Returns the deals and the ocids imported before (skipped)."""
    problems: list[Problem] = []
    by_ocid: dict[str, list[dict]] = {}
    first_line: dict[str, int] = {}
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(None, "", _("The file is not UTF-8 text."))]) from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except ValueError:
            problems.append(Problem(number, "", _("This line is not JSON.")))
            continue
        items = item.get("releases") if isinstance(item, dict) and "releases" in item else [item]
        if not isinstance(items, list):
            problems.append(Problem(number, "releases", _("The releases must be a list.")))
            continue
        for release in items:
            if not isinstance(release, dict) or not isinstance(release.get("ocid"), str):
                problems.append(Problem(number, "ocid", _("A release without an ocid.")))
                continue
            if not isinstance(release.get("date"), str) or not release.get("id"):
                problems.append(Problem(number, "date", _("A release without its id or date.")))
                continue
            by_ocid.setdefault(release["ocid"], []).append(release)
            first_line.setdefault(release["ocid"], number)
    if problems:
        raise ImportRejected(problems)
    known = set(Deal.objects.filter(ocid__in=list(by_ocid)).values_list("ocid", flat=True))
    known |= {
        ocds.ocid_of(d)
        for d in Deal.objects.filter(code__in=[o.rsplit("-", 1)[-1] for o in by_ocid])
    }
    deals: list[DealInput] = []
    skipped: list[str] = []
    for ocid, releases in by_ocid.items():
        if ocid in known:
            skipped.append(ocid)
            continue
        try:
            compiled = ocds.merger().create_compiled_release(releases)
        except Exception as error:
            problems.append(Problem(first_line[ocid], "ocid", str(error)))
            continue
        entry = _deal_from_release(first_line[ocid], ocid, compiled, problems)
        if entry is not None:
            deals.append(entry)
    if problems:
        raise ImportRejected(problems)
    return deals, skipped


OCDS_COLUMNS = {
    "type": "tender.mainProcurementCategory",
    "name": "tender.title",
    "tenderer": "buyer.name",
    "agent": "tender.procuringEntity.name",
    "ceiling_price": "tender.value.amount",
    "award_method": "tender.awardCriteria",
    "lot": "tender.lots.id",
    "lot_name": "tender.lots.title",
    "bidder_uscc": "bids.details.tenderers.id",
    "bidder_name": "bids.details.tenderers.name",
    "price": "bids.details.value.amount",
    "status": "bids.details.status",
    "won": "awards.suppliers",
    "opened_on": "bids.details.date",
    "evaluated_on": "bids.details.status",
    "awarded_on": "awards.date",
}
CRITERIA = {"priceOnly": "lowest_price", "lowestCost": "lowest_price", "costOnly": "lowest_price"}
CATEGORIES = {"works": "construction", "goods": "procurement", "services": "procurement"}


def _ocds_moment(value, line, column, problems) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        problems.append(Problem(line, column, _("Write a date and time as ISO 8601.")))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LOCAL_TZ)
    if moment > clock.now():
        problems.append(Problem(line, column, _("The date is in the future.")))
    return moment


def _uscc_of(party_id: str, parties: dict[str, dict]) -> str:
    party = parties.get(party_id) or {}
    for identifier in [party.get("identifier") or {}, *(party.get("additionalIdentifiers") or [])]:
        if isinstance(identifier, dict) and identifier.get("scheme") == ocds.USCC_SCHEME:
            return str(identifier.get("id") or "")
    prefix = f"{ocds.USCC_SCHEME}-"
    return party_id[len(prefix) :] if party_id.startswith(prefix) else ""


def _deal_from_release(line: int, ocid: str, compiled: dict, problems) -> DealInput | None:
    cols = OCDS_COLUMNS
    tender = compiled.get("tender") or {}
    parties = {p.get("id"): p for p in compiled.get("parties") or [] if isinstance(p, dict)}
    buyer = (compiled.get("buyer") or {}).get("name") or ""
    entity = (tender.get("procuringEntity") or {}).get("name") or ""
    lots = [
        {"code": str(lot.get("id")), "name": str(lot.get("title") or lot.get("id"))}
        for lot in tender.get("lots") or []
        if isinstance(lot, dict) and lot.get("id")
    ] or [{"code": "1", "name": str(tender.get("title") or "1")}]
    single = lots[0]["code"] if len(lots) == 1 else None
    value = (tender.get("value") or {}).get("amount")
    first_date = min(
        [
            r
            for r in [compiled.get("date"), (tender.get("tenderPeriod") or {}).get("startDate")]
            if r
        ]
    )
    announced = _ocds_moment(
        (tender.get("tenderPeriod") or {}).get("startDate") or first_date, line, "date", problems
    )
    entry = DealInput(
        row=line,
        data={
            "type": CATEGORIES.get(tender.get("mainProcurementCategory"), "other"),
            "name": str(tender.get("title") or ""),
            "tenderer": str(buyer),
            "agent": str(entity) if entity and entity != buyer else "",
            "ceiling_price": str(value) if value is not None else None,
            "award_method": CRITERIA.get(tender.get("awardCriteria"), "scoring"),
            "lots": lots,
        },
        announced_at=announced or clock.now(),
        ocid=ocid,
        columns=cols,
    )
    details = [b for b in (compiled.get("bids") or {}).get("details") or [] if isinstance(b, dict)]
    winners: dict[str, set[str]] = {}
    award_dates = []
    for award in compiled.get("awards") or []:
        if not isinstance(award, dict) or award.get("status") not in ("active", None):
            continue
        related = award.get("relatedLots") or ([single] if single else [])
        for supplier in award.get("suppliers") or []:
            uscc = _uscc_of(str(supplier.get("id") or ""), parties)
            for lot in related:
                winners.setdefault(str(lot), set()).add(uscc)
        if award.get("date"):
            award_dates.append(award["date"])
    statuses = set()
    bid_dates = []
    for detail in details:
        tenderers = detail.get("tenderers") or [{}]
        party = tenderers[0] if isinstance(tenderers[0], dict) else {}
        uscc = _uscc_of(str(party.get("id") or ""), parties)
        related = detail.get("relatedLots") or ([single] if single else [""])
        status = detail.get("status") or ""
        statuses.add(status)
        if detail.get("date"):
            bid_dates.append(detail["date"])
        for lot in related:
            entry.bids.append(
                BidInput(
                    row=line,
                    data={
                        "lot": str(lot),
                        "bidder_uscc": uscc,
                        "bidder_name": str(party.get("name") or ""),
                        "price": str((detail.get("value") or {}).get("amount") or ""),
                    },
                    status=status if status in ("valid", "disqualified") else "",
                    reason=_("Disqualified (from the OCDS data)")
                    if status == "disqualified"
                    else "",
                    won=uscc in winners.get(str(lot), set()),
                    columns=cols,
                )
            )
    # The steps: opened when there are bids, evaluated when they have a status, awarded with an
    # active award; dated by the release dates where OCDS has none of its own.
    last = _ocds_moment(compiled.get("date"), line, "date", problems) or entry.announced_at
    if details:
        entry.opened_at = max(
            [_ocds_moment(d, line, cols["opened_on"], problems) or last for d in bid_dates]
            or [last]
        )
    if statuses & {"valid", "disqualified"}:
        entry.evaluated_at = entry.opened_at
    if winners:
        moments = [_ocds_moment(d, line, cols["awarded_on"], problems) for d in award_dates]
        entry.awarded_at = max([m for m in moments if m] or [last])
        if entry.evaluated_at is None:
            problems.append(
                Problem(line, cols["status"], _("An award needs the bids' valid or not."))
            )
    if tender.get("status") == "cancelled":
        entry.cancelled_at = last
        entry.cancel_reason = _("Cancelled (from the OCDS data)")
    if entry.opened_at and entry.opened_at < entry.announced_at:
        entry.opened_at = entry.announced_at
    if entry.evaluated_at and entry.opened_at:
        entry.evaluated_at = max(entry.evaluated_at, entry.opened_at)
    if entry.awarded_at and entry.evaluated_at:
        entry.awarded_at = max(entry.awarded_at, entry.evaluated_at)
    return entry
