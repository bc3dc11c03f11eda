"""The print view and the .docx of a disclosure request's documents (thin)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render

from zhengwu.core.documents import DOCX_TYPE, render_docx
from zhengwu.core.views import guarded
from zhengwu.disclosure import documents

anyone = guarded(lambda user: True)


@anyone
def document(request, number: str, document_number: str):
    _found, record, paper = documents.document_for(request.user, number, document_number)
    docx_url = request.path.rstrip("/") + ".docx"
    return render(
        request,
        "core/official_document.html",
        {"paper": paper, "record": record, "docx_url": docx_url},
    )


@anyone
def document_docx(request, number: str, document_number: str):
    _found, _record, paper = documents.document_for(request.user, number, document_number)
    response = HttpResponse(render_docx(paper), content_type=DOCX_TYPE)
    response["Content-Disposition"] = paper.content_disposition
    return response
