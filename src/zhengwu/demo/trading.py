"""A year of public-resource deals for the demo city (DOMAIN §12; seed 003: 51 deals in a year, 45
工程, 3 采购, 2 财政, 1 国土), recorded through the trading services at the moments the steps
happened (``clock.frozen``): the announcement, the bids with their technical bids as files
(stored outside the web root, their text and metadata read), the opening (the detector runs), the
evaluation (some bids disqualified with a reason) and the award notice; a deal whose next step
would lie in the future stays where it is. The 财政 deals are 财政投资 projects recorded as
“other”.

Planted collusion the detector finds (``PLANTED``): a technical bid copying half of another's own
text with the same unusual errors; two bids from one machine with deposits from one account;
three prices in equal steps below the ceiling; one project manager named by two bidders.
Honest look-alikes it does not flag (``LOOK_ALIKES``): bids repeating the tender's template at
length, prices within 1 % of each other in irregular steps, uploads from neighbouring addresses
of one office building. Then Cardinal's red flags are raised over the year. Deterministic for
the same ``seed`` and today; nothing is made when there are deals already.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from zhengwu.accounts import services as accounts
from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.core.identity import uscc_check_char
from zhengwu.core.roles import Role
from zhengwu.demo.constants import DEMO_PASSWORD
from zhengwu.trading import indicators, services
from zhengwu.trading.models import Deal

OFFICER = "trading"  # demo.services.ACCOUNTS
OFFICER_NAME = "钱文博"
# (type, count, supervising department, award method)
MIX = (
    ("construction", 45, "ZJJ"),
    ("procurement", 3, None),
    ("other", 2, None),  # 财政投资项目
    ("land", 1, "ZRZY"),
)
# The deal numbers (in order of announcement) where collusion is planted, and the look-alikes.
PLANTED = {5: "similar", 14: "machine_and_account", 23: "regular_prices", 33: "personnel"}
LOOK_ALIKES = {8: "template", 18: "close_prices", 28: "neighbour_ips"}

PLACES = ["城东", "城西", "滨河", "新区", "高铁站片区", "老城区", "工业园区", "南湖", "北山"]
WORKS = [
    "污水管网改造工程",
    "道路提升改造工程",
    "老旧小区改造工程",
    "雨污分流工程",
    "学校教学楼新建工程",
    "社区卫生服务中心建设工程",
    "河道综合整治工程",
    "桥梁维修加固工程",
    "安置房建设工程",
    "公园景观提升工程",
    "停车场建设工程",
    "供水管网延伸工程",
]
PROCUREMENTS = ["政务服务中心自助终端采购", "执法记录仪采购", "办公家具采购"]
FISCAL = ["财政投资项目预算评审服务", "财政投资项目结算审核服务"]
LAND = ["新区地块国有建设用地使用权挂牌出让"]
TENDERERS = [
    "示范市住房和城乡建设局",
    "示范市城市建设投资集团有限公司",
    "示范市教育局",
    "示范市水利局",
    "示范市城市管理局",
    "示范市交通运输局",
]
AGENTS = ["示范市公诚招标代理有限公司", "华信工程咨询有限公司", "正衡项目管理有限公司", ""]
COMPANIES = [
    "示范市宏达建设工程有限公司",
    "正泰建筑集团有限公司",
    "华信市政工程有限公司",
    "鲁安路桥建设有限公司",
    "恒远建设集团有限公司",
    "永兴建工有限公司",
    "中诚建设有限公司",
    "广厦建筑工程有限公司",
    "天成市政园林有限公司",
    "金石建设工程有限公司",
    "瑞达水利水电工程有限公司",
    "东方建设集团有限公司",
    "新城建设有限公司",
    "国泰建工集团有限公司",
    "远洋市政工程有限公司",
    "万达路桥工程有限公司",
    "博远信息技术有限公司",
    "信达办公设备有限公司",
    "中和会计师事务所有限公司",
    "示范市置业发展有限公司",
]
PEOPLE = list("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
GIVEN = ["建国", "志强", "海燕", "国平", "丽娟", "明远", "晓红", "文博", "立新", "春华", "伟", "敏"]

# The technical bid's phrases: each bid draws its own sentences (with its own quantities).
SUBJECTS = [
    "项目经理部",
    "技术负责人",
    "施工班组",
    "专职质检员",
    "专职安全员",
    "材料员",
    "测量组",
    "试验室",
    "机械管理员",
    "资料员",
]
ACTIONS = [
    "每日巡查",
    "按周复核",
    "严格控制",
    "分段组织",
    "提前编制方案并落实",
    "同步检查",
    "逐项验收",
    "旁站监督",
    "动态调整",
    "专项检测",
]
OBJECTS = [
    "钢筋绑扎间距",
    "模板支撑体系",
    "混凝土浇筑振捣",
    "沟槽开挖边坡",
    "回填土压实度",
    "脚手架连墙件",
    "临时用电线路",
    "管道接口密封",
    "沥青摊铺温度",
    "防水层搭接宽度",
    "井室砌筑砂浆",
    "路基弯沉值",
    "基坑降水水位",
    "塔吊附着装置",
]
PURPOSES = [
    "确保分项工程一次验收合格",
    "避免返工延误工期",
    "保证关键节点按期完成",
    "减少扬尘和噪声影响",
    "防止坍塌和高处坠落事故",
    "满足设计和规范要求",
    "控制成本不超预算",
    "保障周边居民正常出行",
]
TEMPLATE = (
    "第一章 投标函。根据贵方招标文件，我方承诺在投标有效期内不修改、撤销投标文件，"
    "并按招标文件的规定提交履约担保。第二章 施工组织设计：包括工程概况、施工部署、"
    "施工方案、质量保证措施、安全保证措施、工期保证措施、文明施工措施和应急预案。"
    "第三章 项目管理机构：项目经理、技术负责人、施工员、质量员、安全员、材料员、资料员。"
    "执行标准：GB50204-2015 混凝土结构工程施工质量验收规范；GB50268-2008 给水排水管道工程"
    "施工及验收规范。"
)
REASONS = [
    "投标保证金未按招标文件要求缴纳",
    "项目经理资格不符合招标文件要求",
    "投标文件未按要求签字盖章",
    "投标报价超过最高投标限价",
]


@dataclass
class Made:
    deals: int = 0
    bids: int = 0
    flags: int = 0
    red_flags: int = 0
    planted: dict[str, str] = field(default_factory=dict)  # deal code → what was planted
    look_alikes: dict[str, str] = field(default_factory=dict)


def uscc(n: int) -> str:
    first17 = f"913301{n:04d}MA2{n:04d}0"[:17]
    return first17 + uscc_check_char(first17)


def ensure_officer() -> User:
    user = User.objects.filter(username=OFFICER).first()
    if user is None:
        user = accounts.create_user(
            username=OFFICER,
            roles=[Role.TRADING_OFFICER],
            password=DEMO_PASSWORD,
            demo=True,
            full_name=OFFICER_NAME,
        )
    return user


def sentence(rng: random.Random) -> str:
    return (
        f"{rng.choice(SUBJECTS)}在第{rng.randint(1, 40)}施工段{rng.choice(ACTIONS)}"
        f"{rng.choice(OBJECTS)}（约{rng.randint(12, 980)}米，{rng.randint(2, 30)}人），"
        f"{rng.choice(PURPOSES)}。"
    )


def own_text(rng: random.Random, sentences: int = 60) -> list[str]:
    return [sentence(rng) for _ in range(sentences)]


def staff(company: int) -> list[str]:
    """A company's own people (project manager, two team members, the bid's author): nobody
    works for two companies."""
    out = []
    for k in range(4):
        index = company * 4 + k
        out.append(PEOPLE[index % len(PEOPLE)] + GIVEN[index // len(PEOPLE) % len(GIVEN)])
    return out


def _plan(rng: random.Random, today: dt.date) -> list[tuple[str, str | None, dt.date]]:
    kinds = [(kind, dept) for kind, count, dept in MIX for _ in range(count)]
    rng.shuffle(kinds)
    first = today - dt.timedelta(days=360)
    days = sorted(rng.randint(0, 340) for _ in kinds)
    out = []
    for (kind, dept), offset in zip(kinds, days, strict=True):
        day = first + dt.timedelta(days=offset)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        out.append((kind, dept, day))
    return out


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=clock.LOCAL_TZ)


def _name(rng: random.Random, kind: str, index: int) -> str:
    if kind == "construction":
        return f"{rng.choice(PLACES)}{rng.choice(WORKS)}"
    if kind == "procurement":
        return PROCUREMENTS[index % len(PROCUREMENTS)]
    if kind == "other":
        return FISCAL[index % len(FISCAL)]
    return LAND[0]


def _bids(rng: random.Random, number: int, ceiling: Decimal, count: int) -> list[dict]:
    """The bids of one lot: bidders, prices, metadata and texts; the plant or the look-alike of
    deal ``number`` applied."""
    companies = rng.sample(range(len(COMPANIES)), count)
    bids = []
    for slot, company in enumerate(companies):
        people = staff(company)
        bids.append(
            {
                "bidder_uscc": uscc(company + 1),
                "bidder_name": COMPANIES[company],
                # Honest prices: anywhere from 86 % to 98.5 % of the ceiling, to the fen.
                "price": (ceiling * Decimal(repr(rng.uniform(0.86, 0.985)))).quantize(
                    Decimal("0.01")
                ),
                "deposit_account": f"6222 0{company:02d}{rng.randint(1000, 9999)} {slot}",
                "project_manager": people[0],
                "team": people[1:3],
                "author": people[3],
                "company": COMPANIES[company],
                "machine_code": f"{rng.getrandbits(48):012X}",
                "ip": f"10.{company + 20}.{rng.randint(1, 250)}.{rng.randint(2, 250)}",
                "sentences": own_text(rng),
            }
        )
    plant = PLANTED.get(number)
    like = LOOK_ALIKES.get(number)
    a, b, c = bids[0], bids[1], bids[2]
    if plant == "similar":
        # B copies half of A's own text, with A's unusual errors.
        b["sentences"] = b["sentences"][:20] + a["sentences"][10:45] + b["sentences"][55:]
        a["sentences"].insert(12, "基础垫层采用C15混泥土，执行GB50204-2051。")
        b["sentences"].insert(30, "基础垫层采用C15混泥土，执行GB50204-2051。")
    elif plant == "machine_and_account":
        b["machine_code"] = a["machine_code"]
        b["deposit_account"] = a["deposit_account"]
    elif plant == "regular_prices":
        for bid, share in zip((a, b, c), ("0.92", "0.93", "0.94"), strict=True):
            bid["price"] = (ceiling * Decimal(share)).quantize(Decimal("0.01"))
    elif plant == "personnel":
        b["project_manager"] = a["project_manager"]
    if like == "template":
        for bid in bids:
            bid["sentences"] = [TEMPLATE, TEMPLATE, *bid["sentences"]]
    elif like == "close_prices":
        for bid, share in zip((a, b, c), ("0.9512", "0.9540", "0.9581"), strict=True):
            bid["price"] = (ceiling * Decimal(share)).quantize(Decimal("0.01"))
    elif like == "neighbour_ips":
        for i, bid in enumerate(bids):
            bid["ip"] = f"10.88.6.{11 + i}"
    return bids


def generate(*, seed: int = 20261201, today: dt.date | None = None) -> Made:
    """Make the year of deals (nothing when there are deals already)."""
    made = Made()
    if Deal.objects.exists():
        return made
    today = today or clock.today()
    now = clock.now()
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    officer = ensure_officer()
    departments = dict(Department.objects.values_list("code", "pk"))
    counters: dict[str, int] = {}
    for number, (kind, dept, day) in enumerate(_plan(rng, today)):
        index = counters.get(kind, 0)
        counters[kind] = index + 1
        lots = 2 if kind == "construction" and rng.random() < 0.15 else 1
        ceiling = Decimal(
            rng.choice((800_000, 1_500_000, 2_600_000, 4_800_000, 7_200_000, 12_000_000))
        )
        method = "lowest_price" if kind == "construction" and rng.random() < 0.6 else "scoring"
        data = {
            "type": kind,
            "name": _name(rng, kind, index),
            "tenderer": rng.choice(TENDERERS) if kind == "construction" else "示范市财政局",
            "agent": rng.choice(AGENTS),
            "ceiling_price": str(ceiling),
            "award_method": method,
            "lots": [
                {
                    "code": f"{n + 1:02d}",
                    "name": f"{'一二'[n]}标段" if lots > 1 else "全部",
                    "tender_text": TEMPLATE,
                }
                for n in range(lots)
            ],
        }
        if kind == "land":
            data["tenderer"] = "示范市自然资源和规划局"
        with clock.frozen(_at(day, 9)), transaction.atomic():
            deal = services.announce_deal(actor=officer, data=data)
            if dept and dept in departments:
                Deal.objects.filter(pk=deal.pk).update(department_id=departments[dept])
        made.deals += 1
        if number in PLANTED:
            made.planted[deal.code] = PLANTED[number]
        if number in LOOK_ALIKES:
            made.look_alikes[deal.code] = LOOK_ALIKES[number]
        lot_bids = {}
        for n in range(lots):
            count = rng.randint(4, 7)
            bids = _bids(rng, number if n == 0 else -1, ceiling, count)
            lot_bids[f"{n + 1:02d}"] = bids
            for slot, bid in enumerate(bids):
                moment = _at(day + dt.timedelta(days=rng.randint(5, 18)), 10 + slot % 6)
                if moment > now:
                    continue
                text = TEMPLATE + "".join(bid["sentences"])
                fields = {k: v for k, v in bid.items() if k not in ("sentences", "team")}
                with clock.frozen(moment):
                    services.record_bid(
                        actor=officer,
                        code=deal.code,
                        data={
                            **fields,
                            "lot": f"{n + 1:02d}",
                            "price": str(bid["price"]),
                            "team": bid["team"],
                        },
                        upload=(f"{bid['bidder_name']}技术标.txt", text.encode("utf-8")),
                    )
                made.bids += 1
        _steps(rng, officer, deal, day, lot_bids, method, now)
    made.flags = deal_flags()
    made.red_flags = len(indicators.raise_indicator_flags(today=today))
    return made


def deal_flags() -> int:
    from zhengwu.trading.models import Flag

    return Flag.objects.count()


def _steps(rng, officer, deal, day, lot_bids, method, now) -> None:
    opened = _at(day + dt.timedelta(days=20), 9)
    if opened > now:
        return
    with clock.frozen(opened):
        services.act(actor=officer, code=deal.code, action="open")
    evaluated = _at(day + dt.timedelta(days=21), 17)
    if evaluated > now:
        return
    out, winners = [], {}
    for lot, bids in lot_bids.items():
        dropped = [b for b in bids[3:] if rng.random() < 0.2]
        out += [
            {"lot": lot, "bidder_uscc": b["bidder_uscc"], "reason": rng.choice(REASONS)}
            for b in dropped
        ]
        valid = sorted((b for b in bids if b not in dropped), key=lambda b: b["price"])
        winner = valid[0] if method == "lowest_price" else rng.choice(valid[:2])
        winners[lot] = winner["bidder_uscc"]
    with clock.frozen(evaluated):
        services.act(actor=officer, code=deal.code, action="evaluate", data={"disqualified": out})
    awarded = _at(day + dt.timedelta(days=25), 10)
    if awarded > now:
        return
    with clock.frozen(awarded):
        services.act(actor=officer, code=deal.code, action="award", data={"winners": winners})
