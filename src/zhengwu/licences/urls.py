"""The licence register's pages (docs/joint.md, Licences)."""

from django.urls import path

from zhengwu.licences import views

app_name = "licences"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("mine/", views.mine, name="mine"),
]
