"""Pages of exchange."""

from django.urls import path  # noqa: F401

app_name = "exchange"

urlpatterns: list = []
