"""The routing matcher: ordered rules, first match wins on category, keywords and area."""

from __future__ import annotations

import pytest

from zhengwu.tickets.routing import Rule, match, parse_keywords

RULES = [
    Rule(order=30, id=3, category="CG", department="CGJ"),
    Rule(order=10, id=1, keywords=("油烟", "噪音"), area="东城区", department="HBJ"),
    Rule(order=20, id=2, category="SP", keywords=("食品", "过期"), department="SCJ"),
    Rule(order=20, id=4, keywords=("过期",), department="WJW"),
    Rule(order=99, id=9, department="SPJ"),  # the catch-all
]


def test_first_match_by_order_wins():
    decision = match(RULES, content="小区楼下饭店油烟大", area="东城区")
    assert (decision.department, decision.rule.id) == ("HBJ", 1)


def test_area_is_a_condition():
    # Outside 东城区 the area rule does not hold; nothing else hits before the catch-all.
    decision = match(RULES, content="小区楼下饭店油烟大", area="西城区")
    assert decision.department == "SPJ"


def test_area_may_be_named_in_the_address():
    decision = match(RULES, content="油烟扰民", address="东城区幸福路8号")
    assert decision.department == "HBJ"


def test_ties_in_order_go_to_the_lower_id():
    decision = match(RULES, content="超市卖过期食品", category="SP")
    assert decision.rule.id == 2
    reordered = [*RULES[:2], Rule(order=20, id=5, keywords=("过期",), department="WJW"), RULES[2]]
    assert match(reordered, content="超市卖过期食品", category="SP").rule.id == 2


def test_category_condition_uses_the_chosen_category_or_its_ancestors():
    assert match(RULES, content="占道经营", category="CG").department == "CGJ"
    assert match(RULES, content="占道经营", category="CG-ZD", ancestors=["CG"]).department == "CGJ"
    # Another category: the category rule does not hold.
    assert match(RULES, content="占道经营", category="JT").department == "SPJ"


def test_without_a_category_keywords_vouch_for_the_rules_category():
    decision = match(RULES, content="买到过期食品")
    assert (decision.department, decision.category) == ("SCJ", "SP")
    # A category rule without keywords cannot hold before a category is chosen.
    assert match(RULES[:1], content="占道经营") is None


def test_chosen_category_is_kept_in_the_decision():
    decision = match(RULES, content="买到过期食品", category="SP")
    assert decision.category == "SP"


def test_no_rule_no_decision():
    assert match([], content="任何内容") is None
    assert match([Rule(order=1, keywords=("油烟",), department="")], content="油烟") is None


def test_keywords_parse_from_text_or_list():
    assert parse_keywords("油烟，噪音、 烧烤;夜市") == ("油烟", "噪音", "烧烤", "夜市")
    assert parse_keywords(["油烟", "油烟", " "]) == ("油烟",)
    assert parse_keywords("") == ()
    assert parse_keywords("ＡＢＣ") == ("abc",)


# --- the rules as administrators keep them, with the classifier -----------------------------------


@pytest.fixture
def rules_only(settings, tmp_path):
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "none.json"
    settings.TICKET_CLASSIFIER_SHIPPED = False


@pytest.mark.django_db
def test_active_rules_are_loaded_in_order(categories, department, other_department):
    from zhengwu.tickets.models import Category, RoutingRule
    from zhengwu.tickets.suggestions import load_rules, route

    food = Category.objects.get(code="SCJG01")
    RoutingRule.objects.create(order=5, category=food.parent, department=other_department)
    RoutingRule.objects.create(order=1, category=food, keywords="过期，变质", department=department)
    RoutingRule.objects.create(order=0, keywords="过期", department=other_department, active=False)
    assert [r.order for r in load_rules()] == [1, 5]
    assert route(content="买到过期牛奶", category=food).department == "SCJ"
    # Another food call without those words: the parent category's rule (an ancestor) holds.
    assert route(content="饭店后厨很脏", category=food).department == "ZJJ"


@pytest.mark.django_db
def test_suggestion_falls_back_to_the_rules(categories, department, rules_only):
    from zhengwu.tickets.models import Category, RoutingRule
    from zhengwu.tickets.suggestions import suggest

    noise = Category.objects.get(code="STHJ01")
    RoutingRule.objects.create(order=1, category=noise, keywords="噪音", department=department)
    made = suggest(content="工地噪音扰民")
    assert (made.category, made.department.code) == (noise, "SCJ")
    assert (made.category_source, made.department_source) == ("rule", "rule")
    assert suggest(content="天气很好").category is None


@pytest.mark.django_db
def test_the_operators_category_is_kept(categories, department, settings, tmp_path):
    from zhengwu.tickets.models import Category
    from zhengwu.tickets.suggestions import suggest

    settings.TICKET_CLASSIFIER_PATH = tmp_path / "none.json"  # the shipped model
    chosen = Category.objects.get(code="SCJG03")
    made = suggest(content="小区电梯坏了一个月，物业不管", category=chosen)
    assert made.category == chosen and made.category_source == ""


@pytest.mark.django_db
def test_the_rules_route_the_classifiers_category(categories, department, settings, tmp_path):
    from zhengwu.tickets.models import Category, RoutingRule
    from zhengwu.tickets.suggestions import suggest

    settings.TICKET_CLASSIFIER_PATH = tmp_path / "none.json"  # the shipped model
    text = "小区电梯坏了一个月，物业不管"
    made = suggest(content=text)
    assert (made.category.code, made.category_source) == ("ZFCJ01", "model")
    assert made.department is None  # the model's unit (ZJJ) does not exist here
    RoutingRule.objects.create(
        order=1, category=Category.objects.get(code="ZFCJ01"), department=department
    )
    made = suggest(content=text)
    assert (made.department.code, made.department_source) == ("SCJ", "rule")
