"""Pages of exchange."""

from django.urls import path

from zhengwu.exchange import views_inbound, views_outbound

app_name = "exchange"

urlpatterns: list = [
    path("outbox/", views_outbound.outbox_page, name="outbox"),
    path("outbox/dead-letters/", views_outbound.dead_letters, name="dead_letters"),
    path("transfers/", views_outbound.transfer_list, name="transfers"),
    path("inbound/", views_inbound.board, name="inbound"),
    path("inbound/reconcile/", views_inbound.run, name="reconcile"),
    path("inbound/import/", views_inbound.import_records, name="import"),
    path("inbound/template.xlsx", views_inbound.template, name="template"),
    path("inbound/findings/", views_inbound.findings, name="findings"),
    path("inbound/findings/<int:pk>/", views_inbound.finding, name="finding"),
    path("inbound/findings/<int:pk>/review/", views_inbound.review_finding, name="review_finding"),
    path("inbound/runs/<int:pk>/", views_inbound.run_progress, name="run_progress"),
]
