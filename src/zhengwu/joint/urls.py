"""Staff pages of joint cases: the queue, the joint case page, its actions and notices."""

from django.urls import path

from zhengwu.joint import views

app_name = "joint"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:action>/", views.act, name="act"),
    path("<str:number>/notices/<int:seq>/", views.notice, name="notice"),
    path("<str:number>/notices/<int:seq>.docx", views.notice_docx, name="notice_docx"),
]
