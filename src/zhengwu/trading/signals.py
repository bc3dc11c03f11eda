"""The collusion signals of one lot's bids (招标投标法实施条例 art. 40, deemed collusion). Pure: no
Django imports.

``detect(bids, ceiling=, tender_text=)`` runs every signal over the bids of ONE lot and returns
``Flag`` rows: ``kind`` (the API contract's names), the bids involved (a pair or a group), the
evidence (the shared values; for similar documents the shared passages side by side with their
offsets) and a score in [0, 1] (how strongly the evidence alone points at collusion).

- ``same_author`` (一, compiled by the same unit or person): the author or the company in the
  files' metadata; or one bid's file made by another bidder of the lot;
- ``same_machine`` (一): the creating machine's code;
- ``same_ip`` (一, 二): the upload IP address;
- ``same_deposit_account`` (六, deposits paid from the same account): the paying account;
- ``same_personnel`` (三, the same project manager or team member): the people named;
- ``similar_documents`` (四, abnormally alike): the technical bids' text (``similarity``), and
  identical unusual errors;
- ``regular_prices`` (四, prices differ in a regular pattern): equal differences, equal ratios,
  a very narrow band;
- ``mixed_documents`` (五, bids mixed up): one bidder's name or credit code in another's file.

Only bids of different bidders are ever put together, and a value shared by one bidder's own
bids says nothing. Thresholds are the named constants below; docs/trading.md states them.
"""

from __future__ import annotations

import ipaddress
import itertools
import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from zhengwu.trading import similarity

KINDS = (
    "same_author",
    "same_machine",
    "same_ip",
    "same_deposit_account",
    "same_personnel",
    "similar_documents",
    "regular_prices",
    "mixed_documents",
)

# How strongly each kind of evidence alone points at collusion. An account, a machine, a person
# or a bidder's name in another's file are hard facts; an upload address can be a shared office
# building's or a print shop's; alike texts are scored by their similarity.
SCORES = {
    "same_author": 0.9,
    "same_machine": 1.0,
    "same_ip": 0.7,
    "same_deposit_account": 1.0,
    "same_personnel": 1.0,
    "mixed_documents": 1.0,
    "identical_errors": 0.8,
    "equal_difference": 0.9,
    "equal_ratio": 0.9,
    "narrow_band": 0.7,
}

# The author a word processor writes when nobody set one: shared by strangers, says nothing.
GENERIC_AUTHORS = frozenset(
    {
        "",
        "admin",
        "administrator",
        "user",
        "owner",
        "author",
        "unknown",
        "microsoft",
        "microsoftofficeuser",
        "microsoft用户",
        "微软用户",
        "微软中国",
        "用户",
        "作者",
        "未知",
        "walkinwin",
        "dell",
        "lenovo",
        "hp",
        "pc",
        "china",
        "中国",
        "系统管理员",
        "雨林木风",
        "番茄花园",
        "深度技术",
    }
)

# Prices (art. 40 (四)). At least this many bids make a pattern; the steps of a progression may
# differ by the tolerance (prices computed by a formula and rounded to the fen or the yuan);
# ratios likewise on a relative tolerance; "a very narrow band" is every valid bid of the lot
# within NARROW_BAND of the lowest. Prices merely close (a spread of 1 %, irregular steps) are
# never flagged.
MIN_PATTERN_BIDS = 3
PRICE_TOLERANCE = Decimal("1.00")  # yuan, between any two steps of a progression
RATIO_TOLERANCE = 1e-5  # between the logarithms of any two ratios of a progression
MIN_RATIO_STEP = 1e-4  # consecutive ratios closer to 1 than this are "equal prices", not a ratio
NARROW_BAND = Decimal("0.001")  # 0.1 % of the lowest price

# Mixed documents: a bidder's name shorter than this (normalised) is not searched for.
MIN_NAME_CHARS = 4

# Identical unusual errors: misspellings of the trade that spell-checkers let through, with the
# right spelling; a misspelling that the tender document itself carries is copied honestly.
COMMON_MISSPELLINGS = {
    "混泥土": "混凝土",
    "峻工": "竣工",
    "按装": "安装",
    "施工组识": "施工组织",
    "付合": "符合",
    "渗露": "渗漏",
    "砂桨": "砂浆",
    "沙浆": "砂浆",
    "布署": "部署",
    "质量保正": "质量保证",
    "防水卷才": "防水卷材",
    "脚手价": "脚手架",
    "钢筋帮扎": "钢筋绑扎",
    "工程造介": "工程造价",
    "验收规犯": "验收规范",
}
# Codes of standards, models and drawings: letters then digits (GB50300-2013, JGJ130-2011).
CODE_PATTERN = re.compile(r"[A-Z]{1,6}(?:/[A-Z])?\d+(?:[.\-]\d+)*")
MAX_CODE_EDITS = 2
MIN_CODE_CHARS = 6


@dataclass(frozen=True)
class Bid:
    """One bid of a lot, as the detector sees it. ``bidder`` identifies the bidder (its 统一社会信用
    代码); ``personnel`` names the project manager and team (names or ID numbers)."""

    key: str
    bidder: str
    bidder_name: str = ""
    price: Decimal | None = None
    valid: bool = True
    author: str = ""
    company: str = ""
    machine_code: str = ""
    ip: str = ""
    deposit_account: str = ""
    personnel: tuple[str, ...] = ()
    text: str = ""


@dataclass(frozen=True)
class Flag:
    kind: str
    bids: tuple[str, ...]
    evidence: dict = field(hash=False, compare=False)
    score: float = 1.0

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "bids": list(self.bids),
            "evidence": self.evidence,
            "score": self.score,
        }


# ---------------------------------------------------------------- shared values


def plain(value: str) -> str:
    """NFKC, lower case, no whitespace: the form two hand-typed values are compared in."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).casefold()


def _author(value: str) -> str:
    key = plain(value)
    return "" if key in GENERIC_AUTHORS else key


def _machine(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", plain(value))


def _account(value: str) -> str:
    return re.sub(r"[^0-9a-z]", "", plain(value))


def _ip(value: str) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return plain(text)


def _groups(
    bids: Sequence[Bid], values_of: Callable[[Bid], Iterable[str]]
) -> dict[tuple[str, ...], list[str]]:
    """Each group of bids of two or more bidders that share a value → the values they share.
    A bid's values are shown as the bid gave them (the first spelling seen)."""
    holders: dict[str, list[Bid]] = defaultdict(list)
    shown: dict[str, str] = {}
    for bid in bids:
        for raw, key in values_of(bid):
            if key and bid not in holders[key]:
                holders[key].append(bid)
                shown.setdefault(key, raw)
    grouped: dict[tuple[str, ...], list[str]] = {}
    for key, holding in holders.items():
        if len({b.bidder for b in holding}) < 2:
            continue
        group = tuple(b.key for b in holding)
        grouped.setdefault(group, []).append(shown[key])
    return grouped


def _flags(kind: str, field_name: str, grouped: dict[tuple[str, ...], list[str]]) -> list[Flag]:
    return [
        Flag(kind, group, {field_name: sorted(values)}, SCORES[kind])
        for group, values in grouped.items()
    ]


def same_author(bids: Sequence[Bid]) -> list[Flag]:
    """Art. 40 (一): the same author or company in the files' metadata, or a bid whose file
    names another bidder of the lot as its company."""
    found: dict[tuple[str, ...], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for group, values in _groups(bids, lambda b: [(b.author, _author(b.author))]).items():
        found[group]["author"] += values
    for group, values in _groups(bids, lambda b: [(b.company, _author(b.company))]).items():
        found[group]["company"] += values
    names = {plain(b.bidder_name): b for b in bids if plain(b.bidder_name)}
    for bid in bids:
        maker = names.get(_author(bid.company))
        if maker is not None and maker.bidder != bid.bidder:
            group = tuple(b.key for b in bids if b.key in {bid.key, maker.key})
            found[group]["company"].append(bid.company)
    return [
        Flag(
            "same_author",
            group,
            {k: sorted(set(v)) for k, v in evidence.items()},
            SCORES["same_author"],
        )
        for group, evidence in found.items()
    ]


def same_machine(bids: Sequence[Bid]) -> list[Flag]:
    return _flags(
        "same_machine",
        "machine_code",
        _groups(bids, lambda b: [(b.machine_code, _machine(b.machine_code))]),
    )


def same_ip(bids: Sequence[Bid]) -> list[Flag]:
    return _flags("same_ip", "ip", _groups(bids, lambda b: [(b.ip, _ip(b.ip))]))


def same_deposit_account(bids: Sequence[Bid]) -> list[Flag]:
    return _flags(
        "same_deposit_account",
        "deposit_account",
        _groups(bids, lambda b: [(b.deposit_account, _account(b.deposit_account))]),
    )


def same_personnel(bids: Sequence[Bid]) -> list[Flag]:
    return _flags(
        "same_personnel",
        "personnel",
        _groups(bids, lambda b: [(person, plain(person)) for person in b.personnel]),
    )


# ---------------------------------------------------------------- prices


def _progressions(values: Sequence[float], tolerance: float, *, min_step: float = 0.0):
    """The maximal progressions (at least ``MIN_PATTERN_BIDS`` terms) in the sorted ``values``
    whose consecutive differences are all within ``tolerance`` of each other, as index tuples.
    A step not above ``min_step`` (or the tolerance) is equal values, not a progression."""
    found: list[tuple[int, ...]] = []
    used: set[tuple[int, int]] = set()
    n = len(values)
    for i, j in itertools.combinations(range(n), 2):
        step = values[j] - values[i]
        if (i, j) in used or step <= max(tolerance, min_step):
            continue
        chain, low, high = [i, j], step, step
        while True:
            last = values[chain[-1]]
            # The next difference must stay within the tolerance of every difference so far.
            k = bisect_left(values, last + high - tolerance, lo=chain[-1] + 1)
            if k < n and values[k] - last <= low + tolerance:
                gap = values[k] - last
                chain.append(k)
                low, high = min(low, gap), max(high, gap)
            else:
                break
        if len(chain) >= MIN_PATTERN_BIDS:
            used.update(itertools.pairwise(chain))
            found.append(tuple(chain))
    return found


def _equal_steps(values: Sequence[float]) -> bool:
    steps = [b - a for a, b in itertools.pairwise(values)]
    return max(steps) - min(steps) <= float(PRICE_TOLERANCE)


def _geometric(values: Sequence[float]) -> bool:
    """Each value within ``PRICE_TOLERANCE`` of the geometric progression from the first to the
    last: prices computed from one ratio and rounded, as equal steps allow rounding. Logarithms
    within ``RATIO_TOLERANCE`` alone let honest prices of large lots through (a middle price a
    few yuan off the geometric mean of its neighbours, by chance)."""
    ratio = (values[-1] / values[0]) ** (1 / (len(values) - 1))
    return all(
        abs(value - values[0] * ratio**k) <= float(PRICE_TOLERANCE)
        for k, value in enumerate(values)
    )


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def regular_prices(bids: Sequence[Bid], *, ceiling: Decimal | None = None) -> list[Flag]:
    """Art. 40 (四): the valid bids' prices in a regular pattern.

    - ``equal_difference``: three or more prices a constant amount apart (within
      ``PRICE_TOLERANCE``); with a ceiling price this is also "equal steps of the ratio to the
      ceiling" (92 %, 93 %, 94 % of it), shown in the evidence;
    - ``equal_ratio``: three or more prices each a constant ratio of the one below
      (logarithms within ``RATIO_TOLERANCE``, and each price within ``PRICE_TOLERANCE`` of the
      geometric progression);
    - ``narrow_band``: all the lot's valid prices (three or more) within ``NARROW_BAND`` of the
      lowest.
    """
    priced = sorted(
        (b for b in bids if b.valid and b.price is not None and b.price > 0),
        key=lambda b: (b.price, b.key),
    )
    # One price per bidder (its lowest): a bidder's own bids make no pattern with each other.
    seen: set[str] = set()
    priced = [b for b in priced if not (b.bidder in seen or seen.add(b.bidder))]
    if len(priced) < MIN_PATTERN_BIDS:
        return []
    prices = [b.price for b in priced]
    flags: list[Flag] = []

    def evidence(pattern: str, members: Sequence[Bid], **extra) -> dict:
        shown = {"pattern": pattern, "prices": [_money(b.price) for b in members], **extra}
        if ceiling:
            shown["ceiling"] = _money(ceiling)
            shown["ratios_to_ceiling"] = [f"{b.price / ceiling:.6f}" for b in members]
        return shown

    floats = [float(p) for p in prices]
    tol = float(PRICE_TOLERANCE)
    for chain in _progressions(floats, tol):
        members = [priced[i] for i in chain]
        step = (members[-1].price - members[0].price) / (len(members) - 1)
        extra = {"step": _money(step)}
        if ceiling:
            extra["step_of_ceiling"] = f"{step / ceiling:.6f}"
        flags.append(
            Flag(
                "regular_prices",
                tuple(b.key for b in members),
                evidence("equal_difference", members, **extra),
                SCORES["equal_difference"],
            )
        )
    logs = [math.log(v) for v in floats]
    shown = {f.bids for f in flags}
    for chain in _progressions(logs, RATIO_TOLERANCE, min_step=MIN_RATIO_STEP):
        members = [priced[i] for i in chain]
        if tuple(b.key for b in members) in shown or _equal_steps(
            [float(b.price) for b in members]
        ):
            continue  # small equal steps are also nearly equal ratios: shown once, as steps
        if not _geometric([float(b.price) for b in members]):
            continue  # ratios alike by chance, not prices computed from one ratio
        ratio = math.exp((logs[chain[-1]] - logs[chain[0]]) / (len(chain) - 1))
        flags.append(
            Flag(
                "regular_prices",
                tuple(b.key for b in members),
                evidence("equal_ratio", members, ratio=f"{ratio:.6f}"),
                SCORES["equal_ratio"],
            )
        )
    spread = (prices[-1] - prices[0]) / prices[0]
    if spread <= NARROW_BAND:
        flags.append(
            Flag(
                "regular_prices",
                tuple(b.key for b in priced),
                evidence("narrow_band", priced, spread=f"{spread:.6f}"),
                SCORES["narrow_band"],
            )
        )
    return flags


# ---------------------------------------------------------------- the texts


def _quote(text: str, start: int, end: int) -> str:
    if end - start <= similarity.PASSAGE_QUOTE_CHARS:
        return text[start:end]
    return text[start : start + similarity.PASSAGE_QUOTE_CHARS] + "…"


def similar_documents(
    bids: Sequence[Bid],
    *,
    tender_text: str = "",
    prepared: Sequence[similarity.Prepared] | None = None,
) -> list[Flag]:
    """Art. 40 (四): technical bids abnormally alike, with the shared passages side by side."""
    by_key = {b.key: b for b in bids}
    docs = prepared or [similarity.prepare(b.key, b.text) for b in bids if b.text]
    tender = similarity.prepare("", tender_text) if tender_text else None
    flags = []
    for match in similarity.similar_pairs(docs, tender=tender):
        a, b = by_key[match.a], by_key[match.b]
        if a.bidder == b.bidder:
            continue
        flags.append(
            Flag(
                "similar_documents",
                (a.key, b.key),
                {
                    "basis": "text",
                    "jaccard": match.jaccard,
                    "containment": match.containment,
                    "shared_shingles": match.shared,
                    "shingle_chars": similarity.SHINGLE_CHARS,
                    "passages": [
                        {
                            "chars": p.chars,
                            "a": {
                                "bid": a.key,
                                "start": p.a_start,
                                "end": p.a_end,
                                "text": _quote(a.text, p.a_start, p.a_end),
                            },
                            "b": {
                                "bid": b.key,
                                "start": p.b_start,
                                "end": p.b_end,
                                "text": _quote(b.text, p.b_start, p.b_end),
                            },
                        }
                        for p in match.passages
                    ],
                },
                round(match.jaccard, 4),
            )
        )
    return flags


def _edits(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment) of two short codes."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _codes(text: str) -> dict[str, int]:
    """The standard, model and drawing codes in ``text`` → the offset of the first."""
    folded = unicodedata.normalize("NFKC", text).upper()
    folded = re.sub(r"[–—－‐]", "-", folded)
    found: dict[str, int] = {}
    for m in CODE_PATTERN.finditer(re.sub(r"(?<=[A-Z/])\s+(?=\d)", " ", folded)):
        code = m.group().replace(" ", "")
        if len(code) >= MIN_CODE_CHARS:
            found.setdefault(code, m.start())
    return found


def identical_errors(bids: Sequence[Bid], *, tender_text: str = "") -> list[Flag]:
    """Art. 40 (四), one of the surest signs of a common source: the same unusual error in the
    files of two or more bidders and in no other file of the lot nor the tender document.

    - a misspelling of the trade (``COMMON_MISSPELLINGS``);
    - a wrong code: a standard, model or drawing code that differs by at most
      ``MAX_CODE_EDITS`` characters (a digit changed or two swapped) from a code the tender
      document or another bid of the lot gives, and appears nowhere else.

    Offsets are those of the normalised NFKC text for codes and of the file's text for
    misspellings (NFKC keeps Chinese characters where they are)."""
    texts = [b for b in bids if b.text]
    if len(texts) < 2:
        return []
    found: dict[tuple[str, ...], list[dict]] = defaultdict(list)
    tender_folded = unicodedata.normalize("NFKC", tender_text or "")
    for wrong, right in COMMON_MISSPELLINGS.items():
        if wrong in tender_folded:
            continue
        holders = [(b, b.text.find(wrong)) for b in texts]
        holders = [(b, at) for b, at in holders if at >= 0]
        if len({b.bidder for b, _ in holders}) >= 2:
            group = tuple(b.key for b, _ in holders)
            found[group].append(
                {"error": wrong, "correct": right, "offsets": {b.key: at for b, at in holders}}
            )
    codes = {b.key: _codes(b.text) for b in texts}
    tender_codes = set(_codes(tender_text or ""))
    holders_of: dict[str, list[Bid]] = defaultdict(list)
    for b in texts:
        for code in codes[b.key]:
            holders_of[code].append(b)
    for code, holding in holders_of.items():
        if code in tender_codes or len({b.bidder for b in holding}) < 2:
            continue
        if similarity.is_common(len(holding), len(texts)):
            continue  # most bids give it: that is the trade's usage, not an error
        keys = {b.key for b in holding}
        known = tender_codes | {c for b in texts if b.key not in keys for c in codes[b.key]}
        near = sorted(
            c
            for c in known
            if c != code
            and abs(len(c) - len(code)) <= MAX_CODE_EDITS
            and _edits(c, code) <= MAX_CODE_EDITS
        )
        if near:
            group = tuple(b.key for b in holding)
            found[group].append(
                {
                    "error": code,
                    "correct": near[0],
                    "offsets": {b.key: codes[b.key][code] for b in holding},
                }
            )
    return [
        Flag(
            "similar_documents",
            group,
            {"basis": "errors", "errors": errors},
            SCORES["identical_errors"],
        )
        for group, errors in found.items()
    ]


def mixed_documents(bids: Sequence[Bid], *, tender_text: str = "") -> list[Flag]:
    """Art. 40 (五): a bidder's name or 统一社会信用代码 inside another bidder's file. Names are
    compared normalised (no spaces or brackets, full-width folded); a name the tender document
    itself gives is not evidence."""
    tender_plain, _ = similarity.normalised_text(tender_text or "")
    flags = []
    prepared = {b.key: similarity.normalised_text(b.text) for b in bids if b.text}
    codes = {
        b.key: re.compile(re.escape(b.bidder.strip()), re.IGNORECASE)
        for b in bids
        if len((b.bidder or "").strip()) == 18
    }
    names = {b.key: similarity.normalised_text(b.bidder_name)[0] for b in bids}
    for bid in bids:
        if bid.key not in prepared:
            continue
        text, offsets = prepared[bid.key]
        for other in bids:
            if other.bidder == bid.bidder:
                continue
            hits = []
            name = names[other.key]
            if len(name) >= MIN_NAME_CHARS and name not in tender_plain:
                at = text.find(name)
                if at >= 0:
                    hits.append({"found": other.bidder_name, "offset": int(offsets[at])})
            pattern = codes.get(other.key)
            found = pattern.search(bid.text) if pattern else None
            if found:
                hits.append({"found": other.bidder, "offset": found.start()})
            if hits:
                flags.append(
                    Flag(
                        "mixed_documents",
                        (bid.key, other.key),
                        {"file_of": bid.key, "names": other.key, "hits": hits},
                        SCORES["mixed_documents"],
                    )
                )
    return flags


# ---------------------------------------------------------------- all of them


def detect(
    bids: Sequence[Bid], *, ceiling: Decimal | None = None, tender_text: str = ""
) -> list[Flag]:
    """Every art. 40 signal over the bids of one lot."""
    keys = [b.key for b in bids]
    if len(set(keys)) != len(keys):
        raise ValueError("bid keys must be unique within a lot")
    return [
        *same_author(bids),
        *same_machine(bids),
        *same_ip(bids),
        *same_deposit_account(bids),
        *same_personnel(bids),
        *similar_documents(bids, tender_text=tender_text),
        *identical_errors(bids, tender_text=tender_text),
        *regular_prices(bids, ceiling=ceiling),
        *mixed_documents(bids, tender_text=tender_text),
    ]
