"""Pages of the disclosure requests: the public request form and follow-up; the disclosure
office's queues, registration, request page, actions; the documents' print views and .docx."""

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
    # The .docx first: a document number never contains a dot.
    path(
        "follow/<str:number>/documents/<str:document_number>.docx",
        views.followed_document,
        {"fmt": "docx"},
        name="follow_document_docx",
    ),
    path(
        "follow/<str:number>/documents/<str:document_number>",
        views.followed_document,
        name="follow_document",
    ),
    path("mine/", views.mine, name="mine"),
    path("requests/<str:number>/", views.detail, name="detail"),
    path("requests/<str:number>/act/<str:action>/", views.act, name="act"),
    path(
        "requests/<str:number>/documents/<str:document_number>.docx",
        views.document_docx,
        name="document_docx",
    ),
    path(
        "requests/<str:number>/documents/<str:document_number>",
        views.document,
        name="document",
    ),
]
