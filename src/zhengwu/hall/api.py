"""The hall API (docs/hall.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

from ninja import Router

from zhengwu.accounts.auth import api_auth

router = Router(tags=["the service hall"], auth=api_auth)
