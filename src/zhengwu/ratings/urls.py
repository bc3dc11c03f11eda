"""Staff pages of the ratings app."""

from django.urls import path  # noqa: F401

app_name = "ratings"

urlpatterns: list = []
