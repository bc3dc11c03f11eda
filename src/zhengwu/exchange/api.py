"""The exchange API (docs/exchange.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

from ninja import Router

from zhengwu.accounts.auth import api_auth

router = Router(tags=["exchange with other platforms"], auth=api_auth)
