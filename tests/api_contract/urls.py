"""The project's URLs plus one API operation that fails unexpectedly, for the tests of the JSON
500 (installed with ``settings.ROOT_URLCONF`` by the tests that need it)."""

from django.urls import path
from ninja import NinjaAPI

from zhengwu.urls import urlpatterns as project_urlpatterns

failing_api = NinjaAPI(urls_namespace="failing_api", docs_url=None, openapi_url=None)


@failing_api.get("/boom")
def boom(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("api/test-only/", failing_api.urls), *project_urlpatterns]
