from django.urls import path

from zhengwu.trading import import_views

app_name = "trading_import"

urlpatterns = [
    path("", import_views.import_deals, name="import"),
    path("template.<str:kind>", import_views.template, name="template"),
]
