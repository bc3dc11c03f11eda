"""Staff pages of the assessment app (mounted at /assessment/)."""

from django.urls import path
from django.views.generic import RedirectView

from zhengwu.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="assessment:indicators"), name="index"),
    path("indicators/", views.indicators, name="indicators"),
    path("brief/", views.brief_index, name="brief_index"),
    path("brief/<str:month>/", views.brief_page, name="brief"),
    path("brief/<str:month>/docx/", views.brief_docx, name="brief_docx"),
    path("brief/<str:month>/xlsx/", views.brief_xlsx, name="brief_xlsx"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
