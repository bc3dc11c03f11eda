"""The public verification page of a licence (no login)."""

from django.urls import path

from zhengwu.licences import public

app_name = "licence_verify"

urlpatterns = [
    path("<str:code>", public.verify, name="verify"),
]
