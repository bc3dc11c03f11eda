"""Pages of the hotline: staff queues, intake and ticket pages; the citizen's submission, the
follow-up without login and the public statistics."""

from django.urls import path

from zhengwu.tickets import views

app_name = "tickets"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("new/", views.new, name="new"),
    path("new/assist/", views.assist, name="assist"),
    path("knowledge/", views.knowledge_search, name="knowledge"),
    path("reports/", views.report, name="reports"),
    path("submit/", views.submit, name="submit"),
    path("mine/", views.mine, name="mine"),
    path("follow/", views.follow, name="follow"),
    path("stats/", views.stats, name="stats"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/act/<str:action>/", views.act, name="act"),
]
