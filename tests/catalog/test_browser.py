"""Browser flows of the catalogue (Playwright on chromium; skipped when chromium is missing)."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook

from tests.catalog.builders import immediate_item, item_dict
from zhengwu.catalog import selectors, services
from zhengwu.catalog.models import ServiceItem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("ZHENGWU_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_live_search_and_the_printable_guide(page, department):
    services.import_items(
        [
            item_dict(
                fees=[{"name": "工本费", "standard": "10元/证", "basis": "发改价格〔2017〕1186号"}]
            ),
            immediate_item("11330100SCJ-QT-0002", name="营业执照补办"),
        ]
    )
    page.goto("/catalog/")
    assert page.locator("[data-testid=item-row]").count() == 2
    page.fill("[data-testid=search-input]", "补办")
    expect = pytest.importorskip("playwright.sync_api").expect
    expect(page.locator("[data-testid=item-row]")).to_have_count(1)
    assert "营业执照补办" in page.inner_text("[data-testid=item-table]")
    shot(page, "public-list")
    page.goto("/catalog/items/11330100SCJ-XK-0001/")
    guide = page.locator("[data-testid=guide]")
    assert "食品经营许可（新办）" in guide.inner_text()
    assert page.locator("[data-testid=material-row]").count() == 3
    assert page.locator("[data-testid=print-button]").is_visible()
    shot(page, "guide")


def test_editing_adds_a_material_row_and_publishes(page, login, head, department):
    services.import_items([item_dict()])
    login(head.username)
    page.goto("/catalog/manage/items/11330100SCJ-XK-0001/edit/")
    assert page.locator("[data-testid=material-form]").count() == 4  # three and one empty
    page.click("[data-formset-add=materials]")
    assert page.locator("[data-testid=material-form]").count() == 5
    page.fill("#id_materials-3-code", "M04")
    page.fill("#id_materials-3-name", "场所平面图")
    page.fill("#id_materials-4-code", "M05")
    page.fill("#id_materials-4-name", "设备布局图")
    page.fill("#id_v-promised_limit", "30")
    page.click("[data-testid=save-publish-button]")
    errors = page.locator("[data-testid=form-errors]")
    assert "不得超过法定办结时限" in errors.inner_text()
    assert page.input_value("#id_v-promised_limit") == "30"
    shot(page, "editor-errors")
    page.fill("#id_v-promised_limit", "8")
    page.click("[data-testid=save-publish-button]")
    page.wait_for_selector("[data-testid=versions]")
    shot(page, "detail")
    version = selectors.published_version("11330100SCJ-XK-0001")
    assert version.number == 2 and version.promised_limit == 8
    assert selectors.material_codes(version) == ["M01", "M02", "M03", "M04", "M05"]


def test_the_import_page_shows_every_bad_row(page, login, admin_user, department, tmp_path):
    services.import_items([item_dict()])
    path = tmp_path / "catalogue.xlsx"
    workbook = load_workbook(io.BytesIO(services.export_workbook()))
    workbook["事项"]["H2"] = 99
    workbook["材料"]["E3"] = "传真"
    workbook.save(path)
    login(admin_user.username)
    page.goto("/catalog/manage/import/")
    page.set_input_files("#id_file", str(path))
    page.click("[data-testid=import-button]")
    table = page.locator("[data-testid=import-errors]")
    assert page.locator("[data-testid=import-error]").count() == 2
    assert "承诺办结时限" in table.inner_text() and "材料形式" in table.inner_text()
    shot(page, "import-errors")
    assert ServiceItem.objects.get().current_version.number == 1
