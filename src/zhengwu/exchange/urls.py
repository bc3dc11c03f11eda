"""Pages of exchange."""

from django.urls import path

from zhengwu.exchange import views_outbound

app_name = "exchange"

urlpatterns: list = [
    path("outbox/", views_outbound.outbox_page, name="outbox"),
    path("outbox/dead-letters/", views_outbound.dead_letters, name="dead_letters"),
    path("transfers/", views_outbound.transfer_list, name="transfers"),
]
