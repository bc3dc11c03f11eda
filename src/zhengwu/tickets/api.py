"""The tickets API (thin: parse, call a service or selector, shape the answer)."""

from __future__ import annotations

from ninja import Router

from zhengwu.accounts.auth import api_auth

router = Router(tags=["tickets"], auth=api_auth)
