"""The demo city's 一件事 scenes and its year of joint cases: published through the services,
realistic, verifiable."""

from __future__ import annotations

import collections
import datetime as dt

import pytest

from zhengwu.cases import integrity as case_integrity
from zhengwu.cases.models import Case
from zhengwu.core.clock import LOCAL_TZ
from zhengwu.demo import joint as demo_joint
from zhengwu.demo import services
from zhengwu.joint import integrity
from zhengwu.joint.models import JointCase, JointCaseEvent, Scene, SceneVersion
from zhengwu.joint.presenters import scene as scene_shape
from zhengwu.licences.models import Licence

pytestmark = pytest.mark.django_db

END = dt.datetime(2025, 12, 10, 16, 0, tzinfo=LOCAL_TZ)


@pytest.fixture
def city():
    services.seed()
    demo_joint.seed()


def test_the_demo_has_six_real_published_scenes(city):
    scenes = {s.current_version.name: s for s in Scene.objects.select_related("current_version")}
    assert len(scenes) >= 6
    for name in ("开办餐饮店", "新生儿出生", "企业开办", "二手房转移登记及水电气过户", "退休"):
        assert scenes[name].status == Scene.Status.PUBLISHED
    food = scene_shape(scenes["开办餐饮店"].current_version)
    assert food["composite_licence"] is True
    assert food["lead_department"] == "SCJ"
    names = {m["name"]: m for m in food["materials"]}
    # one 营业执照 serves both licences, and the scene's first stage issues it
    assert len(names["营业执照"]["items"]) == 1
    assert names["营业执照"]["licence_type"] == "YYZZ" and not names["营业执照"]["required"]
    building = next(v for k, v in scenes.items() if k.startswith("工程建设项目施工许可"))
    shape = scene_shape(building.current_version)
    assert shape["lead_department"] == "SPJ" and len(shape["stages"]) == 4
    assert building.current_version.stage_names == [
        "立项用地规划许可",
        "工程建设许可",
        "施工许可",
        "竣工验收",
    ]
    assert shape["parallel_days"] < shape["serial_days"]
    assert shape["promised_limit"] <= 45


def test_seeding_the_scenes_again_changes_nothing(city):
    versions = SceneVersion.objects.count()
    assert demo_joint.seed() == {"licence_types": len(demo_joint.LICENCE_TYPES), "scenes": 0}
    assert SceneVersion.objects.count() == versions


def test_a_year_of_joint_cases_in_every_state(city):
    made = demo_joint.generate(count=40, end=END, seed=6)
    assert made.joint_cases == JointCase.objects.count() == 40
    states = collections.Counter(JointCase.objects.values_list("state", flat=True))
    for state in ("delivered", "accepted", "refused", "withdrawn", "stopped"):
        assert states[state] > 0, state
    assert JointCase.objects.filter(extension_workdays__gt=0).exists()
    assert JointCase.objects.filter(suspended_workdays__gt=0).exists()
    kinds = set(JointCaseEvent.objects.values_list("kind", flat=True))
    assert {"request_supplement", "supplement", "open_stage", "complete", "stop"} <= kinds
    online = JointCase.objects.filter(channel="online").select_related("owner")
    assert online.exists()
    assert all(j.owner.groups.filter(name="applicant").exists() for j in online)
    # every scene has cases, the children are ordinary cases of their departments
    assert JointCase.objects.values("scene").distinct().count() == 6
    children = Case.objects.filter(joint_child__isnull=False)
    assert children.count() == made.children > 40
    assert children.values("department").distinct().count() >= 10
    # grants issued licences, so the register has content
    assert Licence.objects.filter(case__joint_child__isnull=False).exists()
    assert Licence.objects.filter(type__code="YYZZ").exists()
    # the trails are intact
    assert all(broken is None for _id, broken in integrity.verify())
    assert all(broken is None for _id, broken in case_integrity.verify())
    assert made.refused_actions == 0


def test_joint_cases_played_among_the_history_keep_every_seal(city):
    from zhengwu.demo import history
    from zhengwu.supervision import seal

    joint, plays = demo_joint.timelines(count=12, end=END, days=120, seed=7)
    history.generate(count=60, end=END, days=120, seed=7, also=plays)
    demo_joint.finish(joint)
    assert joint.joint_cases == JointCase.objects.count() >= 10
    # each step was taken on its day before that day's seal, so recomputing every seal finds the
    # trail as sealed
    assert seal.verify(all_seals=True) == []
