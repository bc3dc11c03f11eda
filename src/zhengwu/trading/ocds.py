"""Deals as Open Contracting Data Standard 1.1 data (docs/trading.md, OCDS): each step of a
deal's trail is a release, and the deal's compiled release is made from them by Open Contracting
Partnership's own merge library (``ocdsmerge``) with the OCDS 1.1 release schema vendored beside
this module (``ocds/release-schema.json``, its version in ``ocds/README.md``).

One deal is one contracting process (``ocid``: the publisher's prefix and the deal's code, or the
ocid a deal imported from OCDS came with); its lots are ``tender.lots`` (the lots extension), its
bids ``bids.details`` (the bid statistics and details extension), one award per lot.

The releases, in the order of the trail:

- ``announce`` → ``tender``: the tender (title, value = ceiling price, award criteria, lots), the
  buyer (招标人) and the procuring entity (the agent, when there is one);
- ``open`` → ``tenderUpdate``: the bids, sealed until then, with the bidders as tenderers;
- ``evaluate`` → ``tenderUpdate``: each bid ``valid`` or ``disqualified``;
- ``award`` → ``award``: one active award per lot, the winner as supplier; the tender complete;
- ``cancel`` → ``tenderCancellation``: the tender cancelled.

The other steps (a bid recorded before the opening, flags and their review) are not published.
It reads a deal through its attributes, its lots and its events (prefetched for a bulk export:
``export_lines``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

import ocdsmerge
from django.conf import settings

from zhengwu.core import clock

SCHEMA_PATH = Path(__file__).with_name("ocds") / "release-schema.json"
VERSION = "1.1"
CURRENCY = "CNY"
DEFAULT_PREFIX = "ocds-zhengwu"  # ZHENGWU_OCID_PREFIX: the registered prefix
# The extensions the releases use beyond the core schema.
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/v1.1.5/extension.json",
)
# 统一社会信用代码 (GB 32100) as an organisation identifier.
USCC_SCHEME = "CN-USCC"
# Our award methods as OCDS awardCriteria (1.1 codelist).
AWARD_CRITERIA = {"lowest_price": "priceOnly", "scoring": "ratedCriteria"}
# Deal types as mainProcurementCategory; land and state property are sales, without one.
CATEGORY = {
    "construction": "works",
    "water": "works",
    "transport": "works",
    "procurement": "goods",
}
PUBLISHED_STEPS = {
    "announce": ["tender"],
    "open": ["tenderUpdate"],
    "evaluate": ["tenderUpdate"],
    "award": ["award"],
    "cancel": ["tenderCancellation"],
}


@functools.cache
def release_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def merger() -> ocdsmerge.Merger:
    # The schema is given as a dict: the merge rules come from the vendored copy, never the web.
    return ocdsmerge.Merger(schema=release_schema())


def prefix() -> str:
    return (
        getattr(settings, "ZHENGWU_OCID_PREFIX", None)
        or os.environ.get("ZHENGWU_OCID_PREFIX")
        or DEFAULT_PREFIX
    )


def ocid_of(deal) -> str:
    return getattr(deal, "ocid", "") or f"{prefix()}-{deal.code}"


def _moment(value: dt.datetime) -> str:
    return clock.local_datetime(value).isoformat()


def _amount(value) -> dict | None:
    if value in (None, ""):
        return None
    amount = Decimal(str(value))
    number = int(amount) if amount == amount.to_integral_value() else float(amount)
    return {"amount": number, "currency": CURRENCY}


def _org_id(kind: str, name: str, uscc: str = "") -> str:
    if uscc:
        return f"{USCC_SCHEME}-{uscc}"
    return f"{kind}-{hashlib.sha256(name.encode()).hexdigest()[:12]}"


def _party(name: str, roles: list[str], *, kind: str, uscc: str = "") -> dict:
    party = {"id": _org_id(kind, name, uscc), "name": name, "roles": roles}
    if uscc:
        party["identifier"] = {"scheme": USCC_SCHEME, "id": uscc, "legalName": name}
    return party


def _bid_id(lot: str, uscc: str) -> str:
    return f"{lot}-{uscc}"


def releases(deal) -> list[dict]:
    """The deal's releases, one per published step of its trail (oldest first)."""
    ocid = ocid_of(deal)
    lot_names = {lot.code: lot.name for lot in deal.lots.all()}
    announced: dict = {}
    bids: dict[tuple[str, str], dict] = {}  # (lot, uscc) → the bid step's data and date
    status: dict[tuple[str, str], str] = {}
    winners: dict[str, str] = {}
    tender_status = "active"
    opened = False
    out: list[dict] = []
    for event in sorted(deal.events.all(), key=lambda e: e.seq):
        kind, data = event.kind, event.data or {}
        if kind == "bid":
            key = (str(data.get("lot")), str(data.get("bidder_uscc")))
            bids[key] = {**data, "date": _moment(event.occurred_at)}
            status[key] = "pending"
            continue
        if kind not in PUBLISHED_STEPS:
            continue
        if kind == "announce":
            announced = data
        elif kind == "open":
            opened = True
        elif kind == "evaluate":
            out_of = {(str(d.get("lot")), str(d.get("bidder_uscc"))) for d in data["disqualified"]}
            for key in bids:
                status[key] = "disqualified" if key in out_of else "valid"
        elif kind == "award":
            winners = {str(lot): str(uscc) for lot, uscc in (data.get("winners") or {}).items()}
            tender_status = "complete"
        elif kind == "cancel":
            tender_status = "cancelled"
        out.append(
            _release(
                deal,
                ocid=ocid,
                seq=event.seq,
                date=_moment(event.occurred_at),
                tag=PUBLISHED_STEPS[kind],
                announced=announced,
                lot_names=lot_names,
                bids=bids if opened else {},
                status=status,
                winners=winners,
                tender_status=tender_status,
                award_date=_moment(event.occurred_at) if kind == "award" else None,
            )
        )
    return out


def _release(
    deal,
    *,
    ocid: str,
    seq: int,
    date: str,
    tag: list[str],
    announced: dict,
    lot_names: dict[str, str],
    bids: dict,
    status: dict,
    winners: dict[str, str],
    tender_status: str,
    award_date: str | None,
) -> dict:
    tenderer = announced.get("tenderer") or deal.tenderer
    agent = announced.get("agent") or ""
    buyer = _party(
        tenderer,
        ["buyer"] if agent else ["buyer", "procuringEntity"],
        kind="buyer",
        uscc=deal.tenderer_uscc,
    )
    parties = [buyer]
    if agent:
        parties.append(_party(agent, ["procuringEntity"], kind="agent"))
    entity = parties[-1]
    bidders: dict[str, dict] = {}
    for (_lot, uscc), data in bids.items():
        roles = ["tenderer"]
        if uscc in winners.values():
            roles.append("supplier")
        bidders.setdefault(uscc, _party(data["bidder_name"], roles, kind="bidder", uscc=uscc))
    parties.extend(bidders.values())
    lots = announced.get("lots") or list(lot_names)
    lot_status = {"complete": "complete", "cancelled": "cancelled"}.get(tender_status, "active")
    tender = {
        "id": deal.code,
        "title": announced.get("name") or deal.name,
        "status": tender_status,
        "procuringEntity": {"id": entity["id"], "name": entity["name"]},
        "procurementMethod": "open",
        "procurementMethodDetails": "公开招标",
        "lots": [
            {"id": code, "title": lot_names.get(code, code), "status": lot_status} for code in lots
        ],
    }
    value = _amount(announced.get("ceiling_price"))
    if value:
        tender["value"] = value
    criteria = AWARD_CRITERIA.get(announced.get("award_method") or deal.award_method)
    if criteria:
        tender["awardCriteria"] = criteria
    category = CATEGORY.get(announced.get("type") or deal.type)
    if category:
        tender["mainProcurementCategory"] = category
    if deal.bid_deadline:
        tender["tenderPeriod"] = {"endDate": _moment(deal.bid_deadline)}
    if bids:
        tender["numberOfTenderers"] = len(bidders)
        tender["tenderers"] = [{"id": p["id"], "name": p["name"]} for p in bidders.values()]
    release: dict = {
        "ocid": ocid,
        "id": f"{ocid}-{seq:04d}",
        "date": date,
        "tag": tag,
        "initiationType": "tender",
        "language": "zh",
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "parties": parties,
        "tender": tender,
    }
    if bids:
        release["bids"] = {
            "details": [
                {
                    "id": _bid_id(lot, uscc),
                    "date": data["date"],
                    "status": status.get((lot, uscc), "pending"),
                    "tenderers": [{"id": bidders[uscc]["id"], "name": bidders[uscc]["name"]}],
                    "value": _amount(data.get("price")),
                    "relatedLots": [lot],
                }
                for (lot, uscc), data in bids.items()
            ]
        }
    if winners:
        release["awards"] = [
            {
                "id": f"{deal.code}-{lot}",
                "title": lot_names.get(lot, lot),
                "status": "active",
                "date": award_date or date,
                "value": _amount(bids.get((lot, uscc), {}).get("price")),
                "suppliers": [{"id": bidders[uscc]["id"], "name": bidders[uscc]["name"]}]
                if uscc in bidders
                else [],
                "relatedLots": [lot],
            }
            for lot, uscc in winners.items()
        ]
    return release


def compiled_release(deal) -> dict:
    """The deal's compiled release, merged by ocdsmerge from its releases."""
    return merger().create_compiled_release(releases(deal))


def package(items: Iterable[dict], *, uri: str, published: dt.datetime | None = None) -> dict:
    """A release package around ``items`` (releases)."""
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": list(EXTENSIONS),
        "publishedDate": _moment(published or clock.now()),
        "publisher": {"name": str(getattr(settings, "SITE_NAME", "") or "Zhengwu")},
        "releases": list(items),
    }


def package_uri(deal) -> str:
    """Where the deal's release package is served (``ZHENGWU_PUBLIC_URL``), else its ocid as a
    URN."""
    base = getattr(settings, "PUBLIC_URL", "")
    if base:
        return f"{base}/api/v1/trading/deals/{deal.code}/ocds?releases=1"
    return f"urn:ocid:{ocid_of(deal)}"


def export_lines(deals, *, kind: str = "compiled") -> Iterable[str]:
    """JSON lines for a bulk export: one compiled release per deal (``compiled``), or one release
    package of the deal's releases per deal (``releases``, what ``import_ocds`` reads)."""
    for deal in deals:
        if kind == "releases":
            item = package(releases(deal), uri=package_uri(deal))
        else:
            item = compiled_release(deal)
        yield json.dumps(item, ensure_ascii=False, separators=(",", ":"))
