"""The trading officer's import page (docs/trading.md "Import"): the template to download, a
file to upload (the template as .xlsx or .csv, or OCDS JSON lines), all or nothing, the problems
by row and column. Thin: reading and writing are ``trading.imports``."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhengwu.core.roles import Role, has_role
from zhengwu.core.views import guarded
from zhengwu.trading import imports

officer_page = guarded(lambda user: has_role(user, Role.TRADING_OFFICER))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "The template filled in (.xlsx or .csv), or OCDS release packages as JSON lines "
            "(.jsonl or .json)."
        ),
    )


@officer_page
@require_http_methods(["GET", "POST"])
def import_deals(request):
    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    context = {"form": form, "problems": None, "imported": None}
    status = 200
    if posted:
        status = 422
        if form.is_valid():
            upload = form.cleaned_data["file"]
            name = (upload.name or "").lower()
            if upload.size > imports.MAX_BYTES:
                form.add_error("file", _("The file is larger than 20 MB."))
            else:
                content = upload.read()
                try:
                    if name.endswith((".jsonl", ".json", ".ndjson")):
                        deals, skipped = imports.read_ocds(content)
                    else:
                        deals, skipped = imports.read_template(name=name, content=content), []
                    context["imported"] = imports.import_deals(
                        actor=request.user, deals=deals, skipped=skipped
                    )
                    status = 200
                except imports.ImportRejected as rejected:
                    context["problems"] = [p.as_dict() for p in rejected.problems]
    return render(request, "trading/import/index.html", context, status=status)


@officer_page
def template(request, kind: str):
    if kind == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(imports.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"deals-template.{kind}\"; filename*=UTF-8''"
        f"%E4%BA%A4%E6%98%93%E9%A1%B9%E7%9B%AE%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.{kind}"
    )
    return response
