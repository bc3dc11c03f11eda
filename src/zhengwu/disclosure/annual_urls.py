"""The annual report page and its downloads, at /disclosure/annual-report/."""

from django.urls import path

from zhengwu.disclosure import annual_views

app_name = "disclosure_annual"

urlpatterns = [
    path("", annual_views.report, name="report"),
    path("tables.xlsx", annual_views.report_xlsx, name="xlsx"),
    path("report.docx", annual_views.report_docx, name="docx"),
]
