"""Staff pages of the joint review meetings and the search by investment project code."""

from django.urls import path

from zhengwu.joint import meeting_views as views

app_name = "joint_meetings"

urlpatterns = [
    path("projects/", views.projects, name="projects"),
    path("<str:number>/", views.meeting_list, name="list"),
    path("<str:number>/<int:seq>/", views.meeting, name="meeting"),
    path("<str:number>/<int:seq>/attendees/", views.attend, name="attend"),
    path("<str:number>/<int:seq>/decisions/", views.decide, name="decide"),
    path("<str:number>/<int:seq>/close/", views.close, name="close"),
    path("<str:number>/<int:seq>/minutes/", views.minutes, name="minutes"),
]
