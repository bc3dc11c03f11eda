"""Issue flow: log in, search the catalogue in Chinese, open a guide, import a bad Excel file."""

import io

import openpyxl
import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def bad_catalogue_file(path):
    """A workbook whose item rows break two publishing rules and one material row lacks a name."""
    from zhengwu.catalog import excel

    buffer = io.BytesIO()
    excel.export_catalogue(buffer)
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    items = book["事项"]
    headers = [cell.value for cell in items[1]]
    promised = headers.index("承诺时限（工作日）") + 1
    statutory = headers.index("法定时限（工作日）") + 1
    items.cell(row=2, column=promised).value = 99  # promised above statutory
    items.cell(row=3, column=statutory).value = "二十"  # not a number
    book.save(path)


def test_login_search_guide_and_bad_import(page, login, tmp_path):
    call_command("seed_demo", "--history=0", stdout=io.StringIO())
    login("admin", "zhengwu-demo")

    page.goto("/catalog/")
    page.fill("input[name=q]", "食品经营")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=**")
    match = page.locator("[data-testid=item-row]", has_text="食品经营许可").first
    match.wait_for()

    match.locator("a", has_text="食品经营许可").first.click()
    guide = page.locator("[data-testid=guide]")
    guide.wait_for()
    text = guide.inner_text()
    assert "食品经营许可" in text
    assert "申请材料" in text
    assert "营业执照" in text

    path = tmp_path / "bad.xlsx"
    bad_catalogue_file(path)
    page.goto("/catalog/manage/import/")
    page.set_input_files("input[type=file]", str(path))
    page.locator("form [type=submit]").last.click()
    errors = page.locator("[data-testid=import-errors]")
    errors.wait_for()
    table = errors.inner_text()
    assert "事项" in table
    assert "承诺时限" in table
    assert "法定时限" in table
    assert "2" in table and "3" in table
