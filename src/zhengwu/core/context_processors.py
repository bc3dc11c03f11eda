from django.conf import settings

from zhengwu.core.roles import role_names


def site(request):
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "user_roles": role_names(user) if user is not None else frozenset(),
    }
