"""Benchmark: the similarity of technical bids (招标投标法实施条例 art. 40 (四)) over many lots.

Generates lots of made-up technical bids: a vocabulary of 8,000 two-to-four character words with
Zipf frequencies (so honest bids share the trade's common phrases by chance, as real ones do),
the tender's template (a page every bid repeats), and each bid's own pages; in every lot two
bids copy half of another bid's own text (the planted copies; no bid is in two planted pairs).
Then, lot by lot on ``--workers`` processes, ``signals.similar_documents`` (normalising,
shingling, the boilerplate discount, MinHash + LSH, exact Jaccard and the shared passages) over
the lot's bids and the tender document. Only the detection is timed, not the generation.

Growth: the same detection over lots of 10, 25 and 50 bids (the same pages per bid): the time
per bid should stay flat (linear in the bids of a lot), not grow with the lot (quadratic).

Then the Cardinal indicators (``cardinal.indicators``: R024, R025, R035, R036, R038) over
``--deals`` made-up awarded processes of 3 to 12 bids among 5,000 bidders, 300 tenderers and 40
agents, some bids disqualified (target: 100,000 in at most 5 s; the pure computation, without
reading them from the database).

Prints one JSON line:
{"bench": "trading", "lots": N, "bids": N, "pages": N, "chars_per_bid": N, "workers": N,
 "wall_s": ..., "cpu_s": ..., "per_bid_ms": ..., "growth": {"10": ms per bid, ...},
 "growth_ratio": ms per bid at 50 ÷ at 10, "planted": N, "found_planted": N,
 "false_flags": N, "target_s": 60, "indicators": {"deals": N, "seconds": ..., "cpu_s": ...,
 "flagged": N, "target_s": 5}}

    python bench/trading.py [--small | --smoke] [--lots N] [--bids N] [--pages N] [--workers 2]
                            [--deals N]

Full size 200 lots × 50 bids × 20 pages (10,000 bids; target: wall_s ≤ 60 on 2 cores);
--small 20 lots × 50 bids × 5 pages; --smoke 4 lots × 10 bids × 2 pages. Indicators: 100,000
deals, --small 20,000, --smoke 2,000.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Record, add_common_arguments, size

CHARS_PER_PAGE = 700
CHARS_PER_TOKEN = 2.7  # the mean length of a drawn token (words and punctuation)
VOCABULARY = 8_000
GROWTH_SIZES = (10, 25, 50)
GROWTH_LOTS = 3
SEED = 20261118


def _words(seed: int) -> tuple[list[str], np.ndarray]:
    rng = np.random.default_rng(seed)
    lengths = rng.integers(2, 5, VOCABULARY)
    codes = rng.integers(0x4E00, 0x9FA6, int(lengths.sum())).astype(np.uint32)
    text = codes.tobytes().decode("utf-32-le")
    bounds = np.concatenate(([0], np.cumsum(lengths)))
    words = [text[a:b] for a, b in itertools.pairwise(bounds.tolist())]
    words += ["，", "。", "\n"]
    weights = 1.0 / np.arange(1, VOCABULARY + 1) ** 1.07
    weights = np.concatenate((weights / weights.sum() * 0.85, [0.11, 0.035, 0.005]))
    return words, weights / weights.sum()


_VOCABULARY = None


def vocabulary():
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = _words(SEED)
    return _VOCABULARY


def text_of(rng: np.random.Generator, chars: int) -> str:
    words, weights = vocabulary()
    count = max(1, int(chars / CHARS_PER_TOKEN))
    picked = rng.choice(len(words), size=count, p=weights)
    return "".join(map(words.__getitem__, picked.tolist()))


def make_lot(lot: int, bids: int, pages: int):
    """The lot's tender text and its bids (key, bidder, text); the planted pairs."""
    from zhengwu.trading.signals import Bid

    rng = np.random.default_rng(SEED + lot)
    tender = text_of(rng, CHARS_PER_PAGE)
    own = [text_of(rng, CHARS_PER_PAGE * pages) for _ in range(bids)]
    planted = set()
    for _ in range(min(2, bids // 4)):
        source, copier = rng.choice(bids, size=2, replace=False).tolist()
        # The planted pairs are disjoint: a bid copying from a bid that copied (or was copied)
        # would carry the first source's text too, a third pair alike that no one planted.
        if {source, copier} & {c for pair in planted for c in pair}:
            continue
        text = own[source]
        start = int(rng.integers(0, len(text) // 2))
        piece = text[start : start + len(text) // 2]
        mine = own[copier]
        cut = len(mine) // 4
        own[copier] = mine[:cut] + piece + mine[cut + len(piece) :]
        planted.add((min(source, copier), max(source, copier)))
    made = [
        Bid(key=f"L{lot}-B{i}", bidder=f"bidder-{lot}-{i}", text=tender + own[i])
        for i in range(bids)
    ]
    return tender, made, {(f"L{lot}-B{a}", f"L{lot}-B{b}") for a, b in planted}


def run_lot(job: tuple[int, int, int]) -> dict:
    lot, bids, pages = job
    from zhengwu.trading import signals

    tender, made, planted = make_lot(lot, bids, pages)
    started_cpu = time.process_time()
    started = time.perf_counter()
    flags = signals.similar_documents(made, tender_text=tender)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - started_cpu
    found = {tuple(sorted(f.bids)) for f in flags}
    return {
        "pid": os.getpid(),
        "bids": bids,
        "seconds": seconds,
        "cpu": cpu,
        "chars": sum(len(b.text) for b in made),
        "planted": len(planted),
        "found_planted": len(found & {tuple(sorted(p)) for p in planted}),
        "false_flags": len(found - {tuple(sorted(p)) for p in planted}),
    }


def make_processes(count: int, seed: int = SEED):
    from zhengwu.trading.cardinal import Process, ProcessBid

    rng = np.random.default_rng(seed)
    sizes = rng.integers(3, 13, count)
    bidders = rng.integers(0, 5_000, int(sizes.sum()))
    prices = rng.uniform(0.85, 1.0, int(sizes.sum())) * 1_000_000
    disqualified = rng.random(int(sizes.sum())) < 0.08
    tenderers = rng.integers(0, 300, count)
    agents = rng.integers(0, 40, count)
    out, at = [], 0
    for i, n in enumerate(sizes.tolist()):
        bids = tuple(
            ProcessBid(
                f"b{bidders[at + k]}",
                float(prices[at + k]),
                "disqualified" if disqualified[at + k] else "valid",
            )
            for k in range(n)
        )
        valid = [b for b in bids if b.status == "valid"]
        winner = min(valid, key=lambda b: b.price).bidder if valid else None
        out.append(
            Process(
                id=f"P{i}",
                tenderer=f"t{tenderers[i]}",
                agent=f"a{agents[i]}",
                bids=bids,
                winners=(winner,) if winner else (),
                awarded=winner is not None,
            )
        )
        at += n
    return out


def time_indicators(count: int) -> dict:
    from zhengwu.trading import cardinal

    processes = make_processes(count)
    started, started_cpu = time.perf_counter(), time.process_time()
    result = cardinal.indicators(processes)
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    flagged = sum(len(v) for k, v in result.items() if k != "meta")
    return {
        "deals": count,
        "seconds": round(seconds, 3),
        "cpu_s": round(cpu, 3),
        "flagged": flagged,
        "target_s": 5,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "")  # no database; --today is accepted and unused
    parser.add_argument("--lots", type=int, default=None)
    parser.add_argument("--bids", type=int, default=None)
    parser.add_argument("--pages", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deals", type=int, default=None)
    args = parser.parse_args()
    record = Record("trading", args)
    lots = args.lots or size(args, full=200, small=20, smoke=4)
    bids = args.bids or size(args, full=50, small=50, smoke=10)
    pages = args.pages or size(args, full=20, small=5, smoke=2)
    growth_sizes = GROWTH_SIZES if not args.smoke else (5, 10)
    growth_lots = GROWTH_LOTS if not args.smoke else 1
    deals = args.deals or size(args, full=100_000, small=20_000, smoke=2_000)

    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        # Warm each worker (imports, the normalisation table) outside the timing.
        list(pool.map(run_lot, [(10_000 + i, 4, 1) for i in range(args.workers * 2)]))
        started = time.perf_counter()
        results = list(pool.map(run_lot, [(lot, bids, pages) for lot in range(lots)]))
        elapsed = time.perf_counter() - started
        growth_jobs = [
            (20_000 + n * 100 + i, n, pages) for n in growth_sizes for i in range(growth_lots)
        ]
        growth_results = list(pool.map(run_lot, growth_jobs))

    per_worker: dict[int, float] = {}
    for r in results:
        per_worker[r["pid"]] = per_worker.get(r["pid"], 0.0) + r["seconds"]
    total_bids = sum(r["bids"] for r in results)
    cpu = sum(r["cpu"] for r in results)
    growth = {}
    for n in growth_sizes:
        rows = [r for r in growth_results if r["bids"] == n]
        growth[str(n)] = round(
            1000 * sum(r["seconds"] for r in rows) / sum(r["bids"] for r in rows), 3
        )
    first, last = str(growth_sizes[0]), str(growth_sizes[-1])
    for r in results:
        if r["false_flags"]:
            print(
                f"lot of {r['bids']} bids: {r['false_flags']} pairs flagged that were not planted",
                file=sys.stderr,
            )
    record.emit(
        {
            "lots": lots,
            "bids": total_bids,
            "pages": pages,
            "chars_per_bid": round(sum(r["chars"] for r in results) / total_bids),
            "workers": args.workers,
            "wall_s": round(elapsed, 2),
            "busiest_worker_s": round(max(per_worker.values()), 2),
            "cpu_s": round(cpu, 2),
            "per_bid_ms": round(1000 * cpu / total_bids, 3),
            "growth": growth,
            "growth_ratio": round(growth[last] / growth[first], 2),
            "planted": sum(r["planted"] for r in results),
            "found_planted": sum(r["found_planted"] for r in results),
            "false_flags": sum(r["false_flags"] for r in results),
            "target_s": 60,
            "indicators": time_indicators(deals),
        }
    )


if __name__ == "__main__":
    main()
