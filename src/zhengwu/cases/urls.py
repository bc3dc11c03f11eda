"""Staff pages for cases: the workbench queues, the case page, actions and notices."""

from django.urls import path  # noqa: F401

app_name = "cases"

urlpatterns: list = []
