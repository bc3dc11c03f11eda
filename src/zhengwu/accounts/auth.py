"""API authentication: a bearer token (integrations) or the browser session (with CSRF)."""

from __future__ import annotations

from ninja.security import HttpBearer, django_auth

from zhengwu.accounts.services import user_for_token


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api_auth = [TokenAuth(), django_auth]
