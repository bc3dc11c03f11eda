"""Pages of 好差评 (docs/ratings.md)."""

from django.urls import path

from zhengwu.ratings import views

app_name = "ratings"

urlpatterns = [
    path("", views.rating_list, name="list"),
    path("<int:rating_id>/reply/", views.rating_reply, name="reply"),
    path("r/<str:token>/", views.rate, name="rate"),
    path("windows/<int:window_id>/", views.window_page, name="window"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/<str:step>/", views.task_step, name="task_step"),
    path("supervision/", views.supervision, name="supervision"),
    path("appeals/<int:appeal_id>/decide/", views.decide_appeal, name="decide_appeal"),
    path("my/<str:number>/rate/", views.portal_rate, name="portal_rate"),
    path("my/<str:number>/answer/", views.portal_answer, name="portal_answer"),
]
