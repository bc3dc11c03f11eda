"""The classifier: training with a held-out measure, the JSON model file, the configured path with
the shipped fallback, and the per-process cache that reloads a changed file."""

from __future__ import annotations

import json

import pytest

from zhengwu.tickets import classifier
from zhengwu.tickets.classifier import Model, Sample, split, train

TEXTS = {
    ("HB", "HBJ"): [
        "楼下饭店油烟太大，熏得没法开窗",
        "工地晚上施工噪音扰民，影响休息",
        "河道有污水直排，味道很臭",
        "附近工厂排放黑烟，空气很差",
        "烧烤摊油烟扰民，晚上还很吵",
        "小区旁边搅拌站粉尘很大",
    ],
    ("SP", "SCJ"): [
        "超市卖过期食品，要求查处",
        "在饭店吃饭后拉肚子，怀疑食品不卫生",
        "网上买的奶粉是假货",
        "菜市场的肉来源不明，没有检疫证明",
        "面包店卖的面包发霉了",
        "外卖里吃出了虫子，商家不处理",
    ],
    ("JT", "JTJ"): [
        "公交车司机态度恶劣，不等乘客坐稳就开车",
        "出租车拒载，还绕路多收钱",
        "公交站台被拆，等车没有地方",
        "网约车司机乱收费",
        "12路公交车班次太少，等车要一个小时",
        "长途客车超载，很危险",
    ],
}


def samples(times: int = 3) -> list[Sample]:
    rows = []
    for (category, department), texts in TEXTS.items():
        for i in range(times):
            for text in texts:
                rows.append(Sample(f"{text}{'！' * i}", category, department))
    return rows


@pytest.fixture(scope="module")
def trained():
    return train(samples(), test_share=0.25, seed=7)


def test_training_reports_held_out_accuracy(trained):
    model, report = trained
    assert report.tested_on == len(samples()) // 4
    assert report.trained_on + report.tested_on == len(samples())
    assert report.category_accuracy >= 0.8
    assert report.department_accuracy >= 0.8
    assert (report.categories, report.departments) == (3, 3)
    assert model.meta["samples"] == len(samples())


def test_prediction_names_category_and_department_with_a_probability(trained):
    model, _ = trained
    guess = model.predict("小区门口烧烤摊油烟很大，晚上吵得睡不着")
    assert (guess.category.code, guess.department.code) == ("HB", "HBJ")
    assert 1 / 3 < guess.category.probability <= 1
    guess = model.predict("买到过期的牛奶")
    assert guess.category.code == "SP"


def test_a_text_without_known_words_gets_the_prior(trained):
    model, _ = trained
    guess = model.predict("zzzz")
    assert guess.category.probability < 0.6


def test_split_is_reproducible_and_needs_ten_samples():
    rows = samples(1)
    assert split(rows, test_share=0.2, seed=1) == split(rows, test_share=0.2, seed=1)
    assert split(rows[:9], test_share=0.5, seed=1)[1] == []


def test_training_refuses_fewer_than_two_samples():
    with pytest.raises(ValueError):
        train(samples()[:1])


def test_one_class_target_always_predicts_it():
    rows = [Sample(t, "HB", "HBJ") for t in TEXTS[("HB", "HBJ")]] + [
        Sample(t, "SP", "HBJ") for t in TEXTS[("SP", "SCJ")]
    ]
    model, _ = train(rows, test_share=0)
    assert model.predict("油烟").department.code == "HBJ"
    assert model.predict("油烟").department.probability == 1.0


def test_two_class_model_round_trips(tmp_path):
    rows = [Sample(t, c, d) for (c, d), texts in list(TEXTS.items())[:2] for t in texts]
    model, _ = train(rows, test_share=0)
    path = model.save(tmp_path / "m.json")
    again = Model.load(path)
    for text in ("饭店油烟大", "过期食品"):
        assert again.predict(text) == model.predict(text)


def test_save_and_load_gives_the_same_predictions(trained, tmp_path):
    model, _ = trained
    for name in ("model.json", "model.json.gz"):
        path = model.save(tmp_path / name)
        again = Model.load(path)
        for text in ("油烟扰民", "过期食品", "出租车拒载"):
            a, b = model.predict(text), again.predict(text)
            assert a.category.code == b.category.code
            assert a.category.probability == pytest.approx(b.category.probability, abs=1e-3)
    data = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))
    assert data["format"] == classifier.FORMAT


def test_a_file_of_another_format_is_refused(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ValueError):
        Model.load(path)


def test_configured_model_wins_and_reloads_when_changed(trained, settings, tmp_path):
    model, _ = trained
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "var" / "classifier.json"
    model.save(settings.TICKET_CLASSIFIER_PATH)
    assert classifier.model_path() == settings.TICKET_CLASSIFIER_PATH
    assert classifier.predict("出租车拒载").category.code == "JT"
    assert classifier.current_model() is classifier.current_model()  # cached
    only_hb, _ = train([Sample(t, "HB", "HBJ") for t in TEXTS[("HB", "HBJ")]], test_share=0)
    only_hb.save(settings.TICKET_CLASSIFIER_PATH)
    import os

    stat = settings.TICKET_CLASSIFIER_PATH.stat()
    os.utime(settings.TICKET_CLASSIFIER_PATH, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert classifier.predict("出租车拒载").category.code == "HB"


def test_the_shipped_model_ships_and_predicts_the_demo_categories(settings, tmp_path):
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "missing.json"
    assert classifier.model_path() == classifier.SHIPPED_PATH
    guess = classifier.predict("小区电梯坏了一个月，物业不管")
    assert (guess.category.code, guess.department.code) == ("ZFCJ01", "ZJJ")


def test_no_model_at_all_predicts_nothing(settings, tmp_path):
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "missing.json"
    settings.TICKET_CLASSIFIER_SHIPPED = False
    assert classifier.current_model() is None
    assert classifier.predict("油烟扰民") is None


def test_an_unreadable_file_counts_as_no_model(settings, tmp_path):
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "broken.json"
    settings.TICKET_CLASSIFIER_PATH.write_text("not json", encoding="utf-8")
    assert classifier.current_model() is None


def test_samples_without_a_department_train_only_the_category():
    rows = [*samples(2), Sample("营业执照怎么办理", "ZW", ""), Sample("营业执照要多少钱", "ZW", "")]
    model, report = train(rows, test_share=0.25, seed=3)
    assert "ZW" in model.category.classes
    assert "" not in model.department.classes
    assert set(model.department.classes) == {"HBJ", "SCJ", "JTJ"}
    assert report.department_accuracy is not None


@pytest.mark.django_db
def test_the_training_command_learns_from_closed_tickets(
    new_ticket, operator, department, settings, tmp_path
):
    import io

    from django.core.management import CommandError, call_command

    from zhengwu.tickets import services

    with pytest.raises(CommandError):
        call_command("train_ticket_classifier", stdout=io.StringIO())
    for (category, _dept), texts in TEXTS.items():
        code = {"HB": "STHJ02", "SP": "SCJG01", "JT": "JTCX01"}[category]
        for text in texts * 2:
            ticket = new_ticket(category=code, content=text)
            services.act(
                actor=operator, number=ticket.number, action="close", data={"note": "已处理"}
            )
    new_ticket(category="STHJ02", content="还没办结的不学")
    settings.TICKET_CLASSIFIER_PATH = tmp_path / "trained.json.gz"
    out = io.StringIO()
    call_command("train_ticket_classifier", "--min-samples=10", stdout=out)
    assert "36" in out.getvalue()
    assert settings.TICKET_CLASSIFIER_PATH.is_file()
    guess = classifier.predict("饭店油烟太大")
    assert guess.category.code == "STHJ02"
    assert guess.department is None  # closed at the desk: no unit to learn from
    with pytest.raises(CommandError):
        call_command("train_ticket_classifier", "--test-share=1", stdout=io.StringIO())
