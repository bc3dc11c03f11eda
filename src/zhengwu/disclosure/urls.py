"""Pages of the disclosure requests: the public request form and follow-up; the disclosure
office's queues, registration, request page, actions and documents."""

from django.urls import path

from zhengwu.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.queues, name="queues"),
    path("register/", views.register, name="register"),
    path("apply/", views.apply, name="apply"),
    path("apply/<str:number>/", views.filed, name="filed"),
    path("follow/", views.follow, name="follow"),
    path("follow/<str:number>/", views.followed, name="followed"),
    path("follow/<str:number>/supplement/", views.supplement, name="supplement"),
    path("follow/<str:number>/documents/<int:seq>/", views.document, name="document"),
    path(
        "follow/<str:number>/documents/<int:seq>.docx",
        views.document,
        {"fmt": "docx"},
        name="document_docx",
    ),
    path("mine/", views.mine, name="mine"),
    path("requests/<str:number>/", views.detail, name="detail"),
    path("requests/<str:number>/act/<str:action>/", views.act, name="act"),
    path("requests/<str:number>/documents/<int:seq>/", views.staff_document, name="staff_document"),
    path(
        "requests/<str:number>/documents/<int:seq>.docx",
        views.staff_document,
        {"fmt": "docx"},
        name="staff_document_docx",
    ),
]
