"""The evaluation API (docs/evaluation.md). Thin: parse, call a service or a selector, shape the
answer."""

from __future__ import annotations

from ninja import Router

from zhengwu.accounts.auth import api_auth
from zhengwu.evaluation import api_surveys

router = Router(tags=["evaluation and rectification"], auth=api_auth)

api_surveys.register(router)
