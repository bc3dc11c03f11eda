"""Every page each demo role can reach speaks Chinese and names people by their names.

One crawl per demo account over a compact demo city: from the home page, every same-site link the
page shows is followed (GET only, bounded per URL shape), and each answer is checked:

- no server error, and no link shown that the target refuses (403) or cannot find (404);
- no English UI text: a msgid of the project's catalogues whose translation differs from it,
  appearing verbatim as visible text (attributes, scripts and styles are not visible text);
- no raw enum value: the ASCII ``value`` of any of the project's TextChoices (or a role name);
- no login name where a person's name belongs: no demo username as visible text.

Excel and Word downloads are opened and their cells and paragraphs checked the same way.
"""

from __future__ import annotations

import collections
import gettext
import io
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import models

import zhengwu
from tests.factories import UserFactory
from zhengwu.accounts.models import User
from zhengwu.core.roles import Role
from zhengwu.demo import disclosure as demo_disclosure
from zhengwu.demo import hall_queue as demo_hall_queue
from zhengwu.demo import history as demo_history
from zhengwu.demo import joint as demo_joint
from zhengwu.demo import ratings as demo_ratings
from zhengwu.demo import rectification as demo_rectification
from zhengwu.demo import services as demo_services
from zhengwu.demo import tickets as demo_tickets
from zhengwu.evaluation import rectification_sweep
from zhengwu.supervision import sweep

pytestmark = pytest.mark.django_db

PACKAGE = Path(zhengwu.__file__).parent
# Pages not of this project or not pages: Django's admin (its own catalogue), the JSON API, the
# static files, leaving the session and switching the language.
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/accounts/logout", "/i18n/")
# How many URLs of one shape (digits replaced, query keys kept) are visited per account.
PER_SHAPE = 2
PER_ACCOUNT = 400
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
URL = re.compile(r"https?://\S+")
WORD = r"(?<![A-Za-z0-9_\-]){}(?![A-Za-z0-9_\-])"


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script, style and template elements, and
    outside code (file formats, keywords typed as written)."""

    HIDDEN = {"script", "style", "template", "noscript", "code", "kbd", "pre"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.chunks: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.chunks.append(data.strip())


def _project_msgids() -> set[str]:
    """Msgids of the project's catalogues whose Chinese differs from them: the English a page must
    not show. Placeholders split a msgid; its literal pieces of two words or more are kept."""
    found: set[str] = set()
    for mo in PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalog = gettext.GNUTranslations(handle)._catalog
        for key, translated in catalog.items():
            msgid = key[0] if isinstance(key, tuple) else key
            if not msgid or msgid == translated:
                continue
            msgid = msgid.split("\x04")[-1]
            pieces = re.split(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}", msgid)
            if len(pieces) == 1:
                found.add(msgid.strip())
            else:
                found.update(p.strip() for p in pieces if len(p.split()) >= 2)
    return {m for m in found if re.search(r"[A-Za-z]{2}", m)}


def _enum_values() -> set[str]:
    """The ASCII word values of every TextChoices of the project, and the role names."""

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    values = {str(role) for role in Role}
    for choices in subclasses(models.TextChoices):
        if not choices.__module__.startswith("zhengwu."):
            continue
        values.update(v for v in choices.values if re.fullmatch(r"[a-z][a-z_]+", v))
    return values


def _pattern(words) -> re.Pattern:
    ordered = sorted(words, key=len, reverse=True)
    return re.compile("|".join(WORD.format(re.escape(w)) for w in ordered))


def _shape(url: str) -> str:
    parts = urlsplit(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "#", parts.path) + "?" + "&".join(keys)


def _document_text(content: bytes, kind: str) -> list[str]:
    if kind == XLSX:
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return [
            str(value).strip()
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if isinstance(value, str) and value.strip()
        ] + [sheet.title for sheet in book.worksheets]
    import docx

    document = docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return [t.strip() for t in texts if t.strip()]


@pytest.fixture
def demo_city():
    call_command("seed_demo", "--history=0", "--tickets=0", stdout=io.StringIO())
    demo_joint.generate(count=8, days=60, seed=5)
    demo_history.generate(count=60, days=60, seed=5)
    demo_ratings.generate(share=0.9)
    demo_tickets.generate(count=30, days=60, seed=5)
    _joint_cases()
    demo_disclosure.generate()
    demo_hall_queue.generate(days=10, seed=5)
    demo_rectification.generate()
    # A disclosure officer of the government's office who is not its head (the demo's office
    # account also holds the department head role, whose supervision links a head without a
    # department may not open).
    UserFactory(roles=[Role.DISCLOSURE_OFFICER], username="gk_officer", full_name="孙公开")
    sweep.run()
    rectification_sweep.run()


def _joint_cases():
    """A 一件事 scene of a 市场监管 and a 住建 item issuing one composite licence, one joint
    application waiting for its supplement and one delivered with its composite licence (until
    the demo seeds its own scenes, the joint pages are reached through these)."""
    from zhengwu.cases import services as case_services
    from zhengwu.catalog.models import ServiceItem
    from zhengwu.joint import services as joint_services

    def first_item(department: str) -> ServiceItem:
        return (
            ServiceItem.objects.filter(
                department__code=department,
                status=ServiceItem.Status.PUBLISHED,
                current_version__statutory_limit__gt=0,
            )
            .order_by("impl_code")
            .first()
        )

    def user(username: str) -> User:
        return User.objects.get(username=username)

    scj, zjj = first_item("SCJ"), first_item("ZJJ")
    joint_services.save_scene(
        actor=user("admin"),
        code="CRAWL",
        name="开办餐饮店",
        lead_department="SCJ",
        promised_limit=10,
        stages=[[scj.impl_code], [zjj.impl_code]],
        composite_licence=True,
    )
    version = joint_services.publish_scene(actor=user("admin"), code="CRAWL")
    codes = list(version.materials.values_list("code", flat=True))
    citizen, clerk = user("citizen"), user("clerk_scj")
    from tests.factories import valid_id_number
    from zhengwu.accounts.models import Applicant

    own = Applicant.objects.filter(user=citizen).first()
    person = joint_services.ApplicantInput(
        kind="person",
        name=own.name if own else "张三",
        id_number=own.id_number if own else valid_id_number(9),
        phone="13800138000",
    )
    waiting = joint_services.file(
        actor=citizen, scene="CRAWL", channel="online", applicant=person, materials=codes[:1]
    )
    joint_services.act(
        actor=clerk,
        number=waiting.number,
        action="request-supplement",
        data={"missing": joint_services.missing_required(waiting), "note": "请补齐"},
    )
    done = joint_services.file(
        actor=citizen, scene="CRAWL", channel="online", applicant=person, materials=codes
    )
    joint_services.act(actor=clerk, number=done.number, action="accept", data={})
    for reviewer in ("reviewer", "reviewer_zjj"):
        for child in done.children.filter(case__state="accepted").select_related("case"):
            if child.case.department.code == ("SCJ" if reviewer == "reviewer" else "ZJJ"):
                case_services.act(
                    actor=user(reviewer),
                    number=child.case.number,
                    action="decide",
                    data={"outcome": "grant"},
                )
    joint_services.act(actor=clerk, number=done.number, action="deliver", data={"method": "window"})


def _crawl(client, checks, findings):
    queue = collections.deque(["/"])
    seen: set[str] = set()
    shapes: collections.Counter = collections.Counter()
    referrer: dict[str, str] = {}
    visited = 0
    while queue and visited < PER_ACCOUNT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        shape = _shape(url)
        # Filtered and paged lists show the same template: one of each query shape is enough.
        if shapes[shape] >= (1 if "?" in url else PER_SHAPE):
            continue
        shapes[shape] += 1
        visited += 1
        response = client.get(url)
        where = f"{url} (linked from {referrer.get(url, '-')})"
        if response.status_code >= 500:
            findings.append(f"{where}: status {response.status_code}")
            continue
        if response.status_code in (403, 404) and url != "/":
            findings.append(f"{where}: a link to a page that answers {response.status_code}")
            continue
        if response.status_code in (301, 302):
            target = urljoin(url, response["Location"])
            if urlsplit(target).netloc in ("", "testserver") and not target.startswith(
                "/accounts/login"
            ):
                path = urlsplit(target)
                target = path.path + (f"?{path.query}" if path.query else "")
                referrer.setdefault(target, url)
                queue.append(target)
            continue
        kind = response.get("Content-Type", "").split(";")[0]
        if kind in (XLSX, DOCX):
            for text in _document_text(response.content, kind):
                checks(where, text, findings)
            continue
        if kind != "text/html":
            continue
        parser = VisibleText()
        parser.feed(response.content.decode())
        for text in parser.chunks:
            checks(where, text, findings)
        for href in parser.links:
            target, _fragment = urldefrag(urljoin(url, href))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not target or target.startswith(SKIP_PREFIXES) or target in seen:
                continue
            referrer.setdefault(target, url)
            queue.append(target)
    return visited


def test_every_page_of_every_demo_role_speaks_chinese_and_names_people(client, demo_city):
    english = _pattern(_project_msgids())
    enums = _pattern(_enum_values())
    usernames = _pattern(User.objects.values_list("username", flat=True))

    def checks(where, text, findings):
        text = URL.sub(" ", text)  # an address printed for people to type or scan
        for label, pattern in (("English", english), ("raw value", enums), ("login", usernames)):
            match = pattern.search(text)
            if match:
                findings.append(f"{where}: {label} {match.group(0)!r} in {text[:80]!r}")

    started = time.monotonic()
    findings: list[str] = []
    pages = 0
    one_per_role = {account.role: account for account in reversed(demo_services.ACCOUNTS)}
    # The government's disclosure office, made with the demo's disclosure requests.
    usernames_crawled = [a.username for a in one_per_role.values()] + ["gk_officer"]
    for username in usernames_crawled:
        client.force_login(User.objects.get(username=username))
        account_findings: list[str] = []
        pages += _crawl(client, checks, account_findings)
        findings.extend(f"[{username}] {f}" for f in account_findings)
        client.logout()
    findings.extend(f"[anonymous] {f}" for f in _anonymous(client, checks))
    unique = list(dict.fromkeys(findings))
    assert pages > 100, pages  # the crawl reached the pages, it did not stop at the door
    took = time.monotonic() - started
    report = "\n".join(unique[:200])
    assert not unique, f"{len(unique)} findings on {pages} pages in {took:.0f}s:\n{report}"


def _anonymous(client, checks):
    findings: list[str] = []
    _crawl(client, checks, findings)
    return findings


def test_the_checks_read_visible_text_only_and_know_the_words():
    parser = VisibleText()
    parser.feed(
        '<p title="clerk" data-state="open">王芳</p><script>var a = "reviewer";</script>'
        '<code>holiday</code><td>Raised on</td><a href="/cases/?state=open">open</a>'
    )
    assert parser.chunks == ["王芳", "Raised on", "open"]
    assert parser.links == ["/cases/?state=open"]
    assert "Raised on" in _project_msgids()
    assert {"open", "reviewer", "satisfied"} <= _enum_values()
    assert _pattern(["clerk"]).search("市监clerk") and not _pattern(["clerk"]).search("clerk_scj")
