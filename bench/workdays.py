"""Benchmark: add_workdays calls a second, beside chinese_calendar.find_workday on the same inputs.

Inputs: random start dates in 2024-2025 (seeded) and n in 1..60. Both libraries must give the same
due date for every input (mismatches are counted and listed on stderr).

chinese_calendar.find_workday(n, d) first moves a day off forward to the next working day and then
counts n working days; our rule (DOMAIN.md §2) never counts the start day. The two agree on
find_workday(n, d) for a working day d and on find_workday(n - 1, d) for a day off; that is the
answer compared. The speed measured for the baseline is that of plain find_workday(n, d).

Prints one JSON line:
{"bench": "workdays", "calls": N, "ours_per_s": ..., "baseline_per_s": ..., "ratio": ...,
 "mismatches": ...}

    python bench/workdays.py [--small] [--calls N] [--seed S]

--small compares 2,000 inputs (a few seconds: chinese_calendar needs about a millisecond a call),
the default 20,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import Record, add_common_arguments, size

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["ZHENGWU_VAR_DIR"] = var_dir
    os.environ["ZHENGWU_DATABASE_URL"] = f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "zhengwu.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def make_inputs(calls: int, seed: int) -> list[tuple[dt.date, int]]:
    rng = random.Random(seed)
    first = dt.date(2024, 1, 1)
    span = (dt.date(2025, 12, 31) - first).days + 1
    return [
        (first + dt.timedelta(days=rng.randrange(span)), rng.randint(1, 60)) for _ in range(calls)
    ]


def best_rate(run, count: int, repeats: int) -> float:
    """Calls per second of the fastest of ``repeats`` runs of ``run`` (``count`` calls each)."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return count / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, "")  # no database; --today is accepted and unused
    parser.add_argument("--calls", type=int, default=None)
    parser.add_argument("--seed", type=int, default=20251104)
    args = parser.parse_args()
    record = Record("workdays", args)
    calls = args.calls or size(args, full=20_000, small=2_000, smoke=500)
    # Our calls are fast: each timed run goes over the inputs this many times.
    rounds = max(1, 200_000 // calls)

    with tempfile.TemporaryDirectory(prefix="zw-bench-workdays-") as var_dir:
        setup_django(var_dir)
        import chinese_calendar

        from zhengwu.workdays import add_workdays

        inputs = make_inputs(calls, args.seed)
        add_workdays(dt.date(2025, 9, 30), 20)  # build the calendar once, outside the timing

        def ours():
            for _ in range(rounds):
                for start, n in inputs:
                    add_workdays(start, n)

        find_workday = chinese_calendar.find_workday

        def baseline():
            for start, n in inputs:
                find_workday(n, start)

        ours_per_s = best_rate(ours, len(inputs) * rounds, 5)
        baseline_per_s = best_rate(baseline, len(inputs), 1)

        mismatches = []
        is_workday = chinese_calendar.is_workday
        for start, n in inputs:
            expected = find_workday(n if is_workday(start) else n - 1, start)
            got = add_workdays(start, n)
            if got != expected:
                mismatches.append((start.isoformat(), n, got.isoformat(), expected.isoformat()))
        for start, n, got, expected in mismatches[:20]:
            print(
                f"mismatch: {start} + {n}: ours {got}, chinese_calendar {expected}", file=sys.stderr
            )

    record.emit(
        {
            "calls": len(inputs),
            "ours_per_s": round(ours_per_s),
            "baseline_per_s": round(baseline_per_s, 1),
            "ratio": round(ours_per_s / baseline_per_s, 1),
            "mismatches": len(mismatches),
        }
    )
    if mismatches:
        sys.exit(1)


if __name__ == "__main__":
    main()
