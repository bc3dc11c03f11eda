from __future__ import annotations

import os
import shutil

import pytest
from django.db import connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from tests.factories import CenterFactory, DepartmentFactory, RegionFactory, UserFactory
from zhengwu.catalog import selectors as catalog_selectors
from zhengwu.core.roles import Role
from zhengwu.joint import selectors as joint_selectors

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

# The property tests run beside the rest of the suite on two cores: how fast Hypothesis makes
# its examples there says nothing about the code, so neither a slow example nor a slow input
# fails a test (each test may still set its own deadline).
hypothesis_settings.register_profile(
    "zhengwu", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile("zhengwu")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Password hashing is slow on purpose; the tests need no such protection."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_process_caches():
    """Each test starts from a fresh database whose ids come back: forget what the process
    keeps by id."""
    catalog_selectors.forget_intake_versions()
    joint_selectors.forget_published_contents()
    yield
    catalog_selectors.forget_intake_versions()
    joint_selectors.forget_published_contents()


@pytest.fixture
def department(db):
    return DepartmentFactory(code="SCJ", name="市场监督管理局")


@pytest.fixture
def other_department(db):
    return DepartmentFactory(code="ZJJ", name="住房和城乡建设局")


@pytest.fixture
def region_tree(db):
    """Centers at every level, for the scope tests of every app: a province with a city, a county
    (district) and its township, another county of the city and another city, each region with
    one center and one department (keys ``city``, ``county``, ``township``, ``other_county``,
    ``other_city``). ``region_reader`` makes the people who read them."""
    top = RegionFactory(code="330000", name="示范省")
    city = RegionFactory(code="330100", name="示范市", parent=top)
    county = RegionFactory(code="330106", name="西湖区", parent=city)
    township = RegionFactory(code="330106001", name="北山街道", parent=county)
    other_county = RegionFactory(code="330108", name="滨江区", parent=city)
    other_city = RegionFactory(code="330200", name="另一市", parent=top)
    centers = {
        "city": CenterFactory(code="C-CITY", name="示范市政务服务中心", region=city),
        "county": CenterFactory(code="C-COUNTY", name="区政务服务中心", region=county),
        "township": CenterFactory(code="C-TOWN", name="北山街道便民服务中心", region=township),
        "other_county": CenterFactory(code="C-BJ", name="滨江区政务服务中心", region=other_county),
        "other_city": CenterFactory(code="C-OTHER", name="另一市政务服务中心", region=other_city),
    }
    departments = {
        key: DepartmentFactory(code=f"D-{key}", name=f"{center.name}市场监管", center=center)
        for key, center in centers.items()
    }
    return {
        "regions": {"top": top, "city": city, "county": county, "township": township},
        "centers": centers,
        "departments": departments,
    }


@pytest.fixture
def region_reader(region_tree):
    """``region_reader(level, role=None)``: a reader of ``tests.regions.REGION_LEVELS``: a
    clerk of the township's center (``role``: any other role there, a center-wide one overseeing
    that center), a supervisor of the county, a leader of the city or of the province (``role``
    replaces the level's own)."""

    def make(level: str, role: Role | str | None = None):
        if level == "township_clerk":
            return UserFactory(
                roles=[role or Role.WINDOW_CLERK],
                department=region_tree["departments"]["township"],
                center=region_tree["centers"]["township"],
            )
        own, region = {
            "county_supervisor": (Role.SUPERVISOR, "county"),
            "city_leader": (Role.LEADER, "city"),
            "provincial_leader": (Role.LEADER, "top"),
        }[level]
        return UserFactory(
            roles=[role or own], department=None, region=region_tree["regions"][region]
        )

    return make


@pytest.fixture
def make_user(db):
    def make(role: Role | str, department=None, **kwargs):
        return UserFactory(roles=[role], department=department, **kwargs)

    return make


@pytest.fixture
def admin_user(make_user):
    return make_user(Role.ADMIN, username="admin1", is_staff=True, is_superuser=True)


@pytest.fixture
def browser():
    """A headless Debian chromium driven by Playwright; skipped with a reason when missing."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
    # test itself around the browser steps are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as pw:
        instance = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            yield instance
        finally:
            instance.close()
            # The queries a test makes while Playwright runs leave a connection open that
            # pytest-django does not close; on PostgreSQL it kept the test database from being
            # dropped at the end of the run.
            connections.close_all()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page):
    def do(username: str, password: str = "pass-1234"):
        page.goto("/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("[data-testid=current-user]")

    return do
