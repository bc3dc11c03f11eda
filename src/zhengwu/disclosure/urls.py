from django.urls import path

from zhengwu.disclosure import views

app_name = "disclosure"

urlpatterns = [
    # The .docx first: a document number never contains a dot.
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
