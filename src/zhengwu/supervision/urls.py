"""Staff pages of the supervision app."""

from django.urls import path  # noqa: F401

app_name = "supervision"

urlpatterns: list = []
