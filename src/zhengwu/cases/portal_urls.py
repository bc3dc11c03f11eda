"""The citizen portal (网上办事大厅): apply online, supplement, follow progress."""

from django.urls import path  # noqa: F401

app_name = "portal"

urlpatterns: list = []
