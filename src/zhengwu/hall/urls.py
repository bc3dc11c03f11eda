"""Pages of hall."""

from django.urls import path

from zhengwu.hall import staffing_urls, views_queue

app_name = "hall"

urlpatterns: list = [
    *staffing_urls.urlpatterns,
    # The queue (docs/hall.md).
    path("kiosk/", views_queue.kiosk, name="kiosk"),
    path("kiosk/<uuid:token>/", views_queue.kiosk_ticket, name="kiosk_ticket"),
    path("t/<uuid:token>/", views_queue.follow, name="follow"),
    path("waiting/", views_queue.waiting, name="waiting"),
    path("screen/", views_queue.screen, name="screen"),
    path("screen/feed/", views_queue.screen_feed, name="screen_feed"),
    path("panel/", views_queue.panel, name="panel"),
    path("appointments/", views_queue.appointments, name="appointments"),
    path("figures/", views_queue.figures, name="figures"),
]
