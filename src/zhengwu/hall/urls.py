"""Pages of hall."""

from django.urls import path  # noqa: F401

from zhengwu.hall import staffing_urls

app_name = "hall"

urlpatterns: list = [*staffing_urls.urlpatterns]
