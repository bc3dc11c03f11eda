"""Bench-only endpoints (mounted only when ZHENGWU_BENCH_ENDPOINTS is on; never in production)."""

from ninja import Router

router = Router(tags=["bench"])
