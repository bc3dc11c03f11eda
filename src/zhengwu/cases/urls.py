"""Staff pages for cases: the workbench queues, the case page, actions and notices."""

from django.urls import path

from zhengwu.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/", views.new, name="new"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:action>/", views.act, name="act"),
    path("<str:number>/notices/<int:seq>/", views.notice, name="notice"),
    path("<str:number>/notices/<int:seq>.docx", views.notice_docx, name="notice_docx"),
]
