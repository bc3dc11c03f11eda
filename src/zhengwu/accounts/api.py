from __future__ import annotations

from ninja import Router, Schema

from zhengwu.accounts.auth import api_auth
from zhengwu.core.roles import role_names

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    department: str | None


@router.get("/me", response=MeOut, auth=api_auth, summary="The caller's identity and roles")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "name": user.display_name,
        "roles": sorted(role_names(user)),
        "department": user.department.code if user.department_id else None,
    }
