"""Technical bids abnormally alike (招标投标法实施条例 art. 40 (四)): shingled text similarity
within one lot. Pure: no Django imports.

How a lot is compared:

1. **Normalise** each text character by character: NFKC (full-width letters and digits become
   plain ones), lower case, and every character that is not a letter or a digit (whitespace,
   punctuation, symbols) dropped. Each kept character remembers its offset in the original text,
   so a shared passage is shown where it stands in each file.
2. **Shingles**: every run of ``SHINGLE_CHARS`` (5) consecutive normalised characters, hashed to
   64 bits. Chinese has no spaces: character 5-grams are the usual unit for near-duplicate
   detection in it (a 5-gram is two or three words).
3. **Boilerplate discounted**: a shingle found in the tender document, or in more than
   ``BOILERPLATE_SHARE`` (half) of the lot's bids and in at least ``BOILERPLATE_MIN_BIDS`` (3)
   of them, is the tender's template or the trade's stock phrasing, and is dropped from every
   bid before comparing. Honest bids written on the same template therefore do not look alike,
   and the text two bids copy from each other is never taken for boilerplate (nor three copies
   in a lot of six or more). In a lot of two bids only the tender document tells the template:
   pass it.
4. **Candidates by MinHash + LSH**: each bid's remaining shingles get a 128-value MinHash
   signature by one-permutation hashing (the shingle hashes are already uniformly mixed; the
   hash space is cut into 128 bins and each bin keeps its smallest hash; an empty bin borrows
   from the next non-empty one, "rotation densification"), and the signatures go into
   datasketch's ``MinHashLSH`` in ``LSH_BANDS`` bands of ``LSH_ROWS`` values. Only pairs that
   share a band are compared, so the cost grows with the bids of the lot, not their square.
5. **Exact Jaccard** on the candidates: |A ∩ B| / |A ∪ B| over the remaining shingles. A pair at
   or above ``SIMILARITY_THRESHOLD`` is abnormally alike; its shared passages (maximal runs of
   shared shingles) are listed side by side with their offsets in both files.

With 64 bands of 2 values, a pair at the similarity threshold (0.3) is a candidate with
probability 0.998 (``candidate_probability``).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

SHINGLE_CHARS = 5
NUM_PERM = 128
# The LSH bands: 64 bands of 2 values each. A pair at Jaccard 0.3 shares a band with probability
# 0.998, at 0.2 with 0.93; unrelated texts (0.02) with 0.03: those few are compared exactly.
LSH_BANDS = 64
LSH_ROWS = 2
SIMILARITY_THRESHOLD = 0.3
BOILERPLATE_SHARE = 0.5
BOILERPLATE_MIN_BIDS = 3
# A bid with fewer distinctive shingles than this (about a paragraph) is not compared: there is
# too little of its own text to say anything.
MIN_SHINGLES = 40
# Shared passages shown per pair, the shortest shown (normalised characters), and how much of
# each passage's text is quoted (the offsets always give the whole passage).
MAX_PASSAGES = 10
MIN_PASSAGE_CHARS = 12
PASSAGE_QUOTE_CHARS = 400
# A shared run is shown when at least this share of its shingles is not boilerplate.
PASSAGE_OWN_SHARE = 0.5

_BIN_BITS = 7  # 2**7 == NUM_PERM bins
_SHIFT = np.uint64(64 - _BIN_BITS)
_LOW_MASK = np.uint64((1 << (64 - _BIN_BITS)) - 1)
_EMPTY_STEP = np.uint64(1 << (64 - _BIN_BITS))  # a borrowed value can never equal a real one
_EXPAND = np.uint32(0xFFFFFFFF)
_BASE = np.uint64(0x100000001B3)


@functools.cache
def _table() -> tuple[np.ndarray, dict[int, str]]:
    """Code point → normalised code point (0: dropped; ``_EXPAND``: several characters, listed in
    the dict). Characters outside the Basic Multilingual Plane are kept as they are."""
    table = np.arange(0x110000, dtype=np.uint32)
    table[0xD800:0xE000] = 0
    expand: dict[int, str] = {}
    for cp in range(0x10000):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        out = "".join(c for c in unicodedata.normalize("NFKC", ch).lower() if c.isalnum())
        if out == ch:
            continue
        if not out:
            table[cp] = 0
        elif len(out) == 1:
            table[cp] = ord(out)
        else:
            table[cp] = _EXPAND
            expand[cp] = out
    return table, expand


def normalise(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The normalised code points of ``text`` (uint32) and, for each, its offset in ``text``."""
    table, expand = _table()
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    mapped = table[raw]
    if (mapped == _EXPAND).any():
        codes: list[int] = []
        offsets: list[int] = []
        for offset, (cp, out) in enumerate(zip(raw.tolist(), mapped.tolist(), strict=True)):
            if out == _EXPAND:
                for ch in expand[cp]:
                    codes.append(ord(ch))
                    offsets.append(offset)
            elif out:
                codes.append(out)
                offsets.append(offset)
        return np.array(codes, dtype=np.uint32), np.array(offsets, dtype=np.int64)
    keep = mapped != 0
    return mapped[keep], np.flatnonzero(keep)


def normalised_text(text: str) -> tuple[str, np.ndarray]:
    """``normalise`` as a string (for substring searches) and the offsets."""
    codes, offsets = normalise(text)
    return codes.tobytes().decode("utf-32-le"), offsets


def shingle_hashes(codes: np.ndarray) -> np.ndarray:
    """The 64-bit hash of each ``SHINGLE_CHARS``-character window of ``codes``, in order."""
    count = len(codes) - SHINGLE_CHARS + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    wide = codes.astype(np.uint64)
    h = np.zeros(count, dtype=np.uint64)
    for j in range(SHINGLE_CHARS):
        h *= _BASE
        h += wide[j : j + count]
    # splitmix64's finaliser: every bit of the window moves every bit of the hash, so the top
    # bits that pick a MinHash bin are uniform.
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def signature(distinct: np.ndarray) -> np.ndarray:
    """The one-permutation MinHash of a sorted array of distinct shingle hashes."""
    starts = np.arange(NUM_PERM, dtype=np.uint64) << _SHIFT
    at = np.searchsorted(distinct, starts)
    ends = np.append(at[1:], len(distinct))
    filled = at < ends
    values = np.zeros(NUM_PERM, dtype=np.uint64)
    values[filled] = distinct[at[filled]] & _LOW_MASK
    if not filled.all():
        # Rotation densification: an empty bin takes the next non-empty bin's value (circularly),
        # plus the distance, so two sets agree on an empty bin only when they agree on the bin
        # it borrows from.
        full = np.flatnonzero(filled)
        empty = np.flatnonzero(~filled)
        nxt = np.searchsorted(full, empty) % len(full)
        source = full[nxt]
        distance = (source - empty) % NUM_PERM
        values[empty] = values[source] + distance.astype(np.uint64) * _EMPTY_STEP
    return values


def new_index() -> MinHashLSH:
    return MinHashLSH(num_perm=NUM_PERM, params=(LSH_BANDS, LSH_ROWS))


def candidate_probability(jaccard: float) -> float:
    """The chance that a pair at ``jaccard`` shares at least one LSH band."""
    return 1.0 - (1.0 - jaccard**LSH_ROWS) ** LSH_BANDS


@dataclass
class Prepared:
    """One bid's text, ready to compare."""

    key: str
    text: str
    offsets: np.ndarray  # original offset of each normalised character
    hashes: np.ndarray  # shingle hash at each normalised position
    distinct: np.ndarray  # sorted distinct shingle hashes (before the discount)


def prepare(key: str, text: str) -> Prepared:
    codes, offsets = normalise(text or "")
    hashes = shingle_hashes(codes)
    return Prepared(key, text or "", offsets, hashes, np.unique(hashes))


@dataclass(frozen=True)
class Passage:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    chars: int  # normalised characters shared


@dataclass(frozen=True)
class Match:
    a: str
    b: str
    jaccard: float
    containment: float  # |A ∩ B| / min(|A|, |B|)
    shared: int  # distinctive shingles in common
    passages: tuple[Passage, ...]


def is_common(count, total: int):
    """Whether something found in ``count`` of a lot's ``total`` bids is the lot's common stock
    (more than ``BOILERPLATE_SHARE`` of them and at least ``BOILERPLATE_MIN_BIDS``); works on
    numpy arrays of counts too."""
    return (count > BOILERPLATE_SHARE * total) & (count >= BOILERPLATE_MIN_BIDS)


def boilerplate(docs: Sequence[Prepared], tender: Prepared | None = None) -> np.ndarray:
    """The sorted shingle hashes every bid of the lot is compared without."""
    parts = []
    if tender is not None:
        parts.append(tender.distinct)
    if len(docs) >= BOILERPLATE_MIN_BIDS:
        values, counts = np.unique(np.concatenate([d.distinct for d in docs]), return_counts=True)
        parts.append(values[is_common(counts, len(docs))])
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    return np.unique(np.concatenate(parts))


def _without(values: np.ndarray, dropped: np.ndarray) -> np.ndarray:
    if not len(dropped) or not len(values):
        return values
    at = np.searchsorted(dropped, values)
    at[at == len(dropped)] = 0
    return values[dropped[at] != values]


def similar_pairs(
    docs: Sequence[Prepared],
    *,
    tender: Prepared | None = None,
    threshold: float = SIMILARITY_THRESHOLD,
) -> list[Match]:
    """Every pair of ``docs`` (one lot) whose distinctive shingles have a Jaccard similarity of at
    least ``threshold``, most alike first."""
    dropped = boilerplate(docs, tender)
    own = {d.key: _without(d.distinct, dropped) for d in docs}
    lsh = new_index()
    order = {d.key: i for i, d in enumerate(docs)}
    sketches = {}
    for d in docs:
        if len(own[d.key]) < MIN_SHINGLES:
            continue
        # The values are one-permutation hashes of 64 bits; "affine64" only tells datasketch
        # their width. One index never holds sketches of two kinds.
        sketch = LeanMinHash(seed=0, hashvalues=signature(own[d.key]), scheme="affine64")
        sketches[d.key] = sketch
        lsh.insert(d.key, sketch)
    by_key = {d.key: d for d in docs}
    found = []
    for key, sketch in sketches.items():
        for other in lsh.query(sketch):
            if order[other] <= order[key]:
                continue
            a, b = own[key], own[other]
            common = np.intersect1d(a, b, assume_unique=True)
            union = len(a) + len(b) - len(common)
            jaccard = len(common) / union if union else 0.0
            if jaccard < threshold:
                continue
            found.append(
                Match(
                    a=key,
                    b=other,
                    jaccard=round(jaccard, 4),
                    containment=round(len(common) / min(len(a), len(b)), 4),
                    shared=len(common),
                    passages=passages(by_key[key], by_key[other], common),
                )
            )
    found.sort(key=lambda m: (-m.jaccard, order[m.a], order[m.b]))
    return found


def passages(a: Prepared, b: Prepared, distinctive: np.ndarray) -> tuple[Passage, ...]:
    """The longest passages ``a`` and ``b`` share, each with where it stands in both files.

    A passage is a run of consecutive shingles of ``a`` that are also in ``b``; stock phrases
    inside copied text belong to the run, but a run made mostly of boilerplate (the template
    every bid repeats) is not shown."""
    shared = np.intersect1d(a.distinct, b.distinct, assume_unique=True)
    in_a = np.isin(a.hashes, shared)
    own_a = np.isin(a.hashes, distinctive)
    in_b = np.flatnonzero(np.isin(b.hashes, shared))
    first_in_b: dict[int, int] = {}
    for pos, value in zip(in_b.tolist(), b.hashes[in_b].tolist(), strict=True):
        first_in_b.setdefault(value, pos)
    edges = np.diff(np.concatenate(([0], in_a.view(np.int8), [0])))
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    runs = sorted(zip(starts.tolist(), stops.tolist(), strict=True), key=lambda r: r[0] - r[1])
    a_hashes, b_hashes = a.hashes, b.hashes
    found: list[Passage] = []
    for start, stop in runs:
        if len(found) >= MAX_PASSAGES or stop - start + SHINGLE_CHARS - 1 < MIN_PASSAGE_CHARS:
            break
        i = start
        while i < stop:
            j = first_in_b[int(a_hashes[i])]
            length = 1
            while (
                i + length < stop
                and j + length < len(b_hashes)
                and a_hashes[i + length] == b_hashes[j + length]
            ):
                length += 1
            chars = length + SHINGLE_CHARS - 1
            if chars >= MIN_PASSAGE_CHARS and own_a[i : i + length].mean() >= PASSAGE_OWN_SHARE:
                found.append(
                    Passage(
                        a_start=int(a.offsets[i]),
                        a_end=int(a.offsets[i + chars - 1]) + 1,
                        b_start=int(b.offsets[j]),
                        b_end=int(b.offsets[j + chars - 1]) + 1,
                        chars=chars,
                    )
                )
            i += length
    found.sort(key=lambda p: (-p.chars, p.a_start))
    return tuple(found[:MAX_PASSAGES])
