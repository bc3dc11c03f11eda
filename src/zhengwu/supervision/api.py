"""The supervision API (thin: parse, call a service or selector, shape the answer)."""

from __future__ import annotations

from ninja import Router

from zhengwu.accounts.auth import api_auth

router = Router(tags=["supervision"], auth=api_auth)
