"""The knowledge base: guides and past answers, jieba words, BM25 ranking, rebuilt when stale."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.catalog.builders import immediate_item, item_dict
from zhengwu.catalog import services as catalog_services
from zhengwu.tickets import knowledge, services
from zhengwu.tickets.knowledge import Entry, Index

ENTRIES = [
    Entry("guide", "A", "食品经营许可", "申请材料：食品经营许可申请书、营业执照复印件"),
    Entry("guide", "B", "个体工商户登记", "申请材料：身份证、经营场所证明"),
    Entry("answer", "T1", "医保卡丢了怎么补办", "先挂失，再持身份证到社保窗口补办"),
    Entry("guide", "C", "公共场所卫生许可", "收费：不收费。办理时限：承诺5个工作日"),
]


def test_index_ranks_the_title_above_a_mention_in_the_text():
    hits = Index(ENTRIES).search("营业执照")
    assert [h.entry.key for h in hits][:1] == ["A"]
    hits = Index(ENTRIES).search("个体工商户登记要什么材料")
    assert hits[0].entry.key == "B"


def test_index_finds_a_word_inside_a_longer_word():
    # Search-mode segmentation: 执照 is found inside 营业执照.
    assert Index(ENTRIES).search("执照")[0].entry.key == "A"


def test_index_answers_and_filters_by_kind():
    index = Index(ENTRIES)
    assert index.search("社保卡丢了")[0].entry.key == "T1"
    assert all(h.entry.kind == "guide" for h in index.search("补办 许可", kind="guide"))


def test_index_without_matches_or_entries():
    assert Index(ENTRIES).search("天气预报") == []
    assert Index([]).search("营业执照") == []
    assert knowledge.search("   ") == []


def test_index_limits_and_scores_descend():
    hits = Index(ENTRIES).search("许可 材料 补办", limit=2)
    assert len(hits) == 2
    assert hits[0].score >= hits[1].score


@pytest.fixture
def guides(department, travel):
    travel(dt.datetime(2025, 1, 2, 9, 0, tzinfo=dt.UTC))
    catalog_services.import_items(
        [item_dict(), immediate_item("11330100SCJ-QT-0002", name="食品经营许可证遗失补办")],
        publish=True,
        valid_from=dt.date(2025, 1, 1),
    )


@pytest.mark.django_db
def test_guides_are_searchable_with_materials_fees_and_limits(guides):
    hits = knowledge.search("食品经营许可需要什么材料")
    assert hits[0].entry.kind == "guide"
    assert hits[0].entry.title.startswith("食品经营许可")
    text = hits[0].entry.text
    assert "食品经营许可申请书" in text or "营业执照复印件" in text
    assert hits[0].entry.url.startswith("/catalog/items/")
    guide = next(h.entry for h in hits if h.entry.key == item_dict()["impl_code"])
    assert "法定办结时限20个工作日" in guide.text
    assert "承诺办结时限10个工作日" in guide.text
    assert "收费：不收费" in guide.text
    assert "设定依据：《中华人民共和国食品安全法》" in guide.text
    assert "授权委托书（非必需）" in guide.text


@pytest.mark.django_db
def test_a_new_answer_is_found_at_the_next_search(guides, operator, categories):
    assert not knowledge.search("公租房", kind="answer")
    ticket = services.create_ticket(
        actor=operator,
        kind="consult",
        category="ZFCJ02",
        content="公租房怎么申请，需要什么条件",
        caller_phone="13800138001",
    )
    services.answer_on_the_spot(
        actor=operator, number=ticket.number, answer="向街道提交申请表和收入证明，审核后轮候配租。"
    )
    hits = knowledge.search("公租房申请条件")
    assert hits[0].entry.kind == "answer"
    assert hits[0].entry.key == ticket.number
    assert "轮候配租" in hits[0].entry.text


@pytest.mark.django_db
def test_open_or_unanswered_consultations_are_not_answers(guides, operator, categories):
    services.create_ticket(
        actor=operator,
        kind="consult",
        category="ZFCJ02",
        content="公租房怎么申请",
        caller_phone="13800138001",
    )
    assert knowledge.search("公租房", kind="answer") == []


@pytest.mark.django_db
def test_the_index_is_rebuilt_only_when_its_sources_change(guides, django_assert_num_queries):
    first = knowledge.current_index()
    assert knowledge.current_index() is first
    # A check of the signature only: two aggregate queries.
    with django_assert_num_queries(2):
        knowledge.current_index()
    catalog_services.import_items(
        [immediate_item("11330100SCJ-QT-0003", name="小餐饮登记")],
        publish=True,
        valid_from=dt.date(2025, 1, 1),
    )
    assert knowledge.current_index() is not first
    assert knowledge.search("小餐饮")[0].entry.title == "小餐饮登记"


def test_the_same_answer_to_the_same_question_shows_once():
    twice = [
        *ENTRIES,
        Entry("answer", "T2", "医保卡丢了怎么补办", "先挂失，再持身份证到社保窗口补办"),
    ]
    hits = Index(twice).search("医保卡丢了")
    assert [h.entry.key for h in hits].count("T1") + [h.entry.key for h in hits].count("T2") == 1
