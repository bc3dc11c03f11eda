"""Hotline tickets (12345) for the demo city: categories, routing rules and about two years of
calls, made through the ticket services at the moments the steps happened (``clock.frozen``).

The mix is what a hotline sees: consultations answered on the spot or dispatched, complaints and
reports dispatched to their units, some returned as outside the unit's duties and dispatched
again, some extended, a few urged by hand and those a unit lets lie by the morning sweep of the day
they run late, callers called back (most satisfied; some not, whose tickets are redone, and a few
still not satisfied after that), efficiency complaints investigated by the supervisor, a few
emergencies transferred to 110/119/120/122 and a few repeated calls merged. Tickets whose next
step would lie in the future stay open where they are. Deterministic: the same ``seed`` and
``end`` give the same history. The texts are enough to train the shipped classifier
(``train_ticket_classifier``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from zhengwu.accounts import services as accounts
from zhengwu.accounts.models import Department, User
from zhengwu.core import clock
from zhengwu.core.errors import ZhengwuError
from zhengwu.core.roles import Role, has_role
from zhengwu.demo.history import ensure_staff
from zhengwu.tickets import services as tickets
from zhengwu.tickets.defaults import load as load_default_categories
from zhengwu.tickets.models import Category, RoutingRule
from zhengwu.workdays.loader import get_calendar

# When the scheduler's first ticket sweep of a day runs (before the hotline's day starts).
SWEEP_TIME = dt.time(7, 0)
# The share of the calls made in the last two weeks (the rest over the whole period).
RECENT_SHARE = 0.1
# The default categories (``tickets.defaults``) plus two the demo city uses: code, name, parent.
EXTRA_CATEGORIES = [
    ("CSGL", "城市管理", ""),
    ("CSGL01", "市容环境卫生", "CSGL"),
    ("GAZA", "社会治安", ""),
]
# The handling unit of each category the demo's calls use.
UNITS = {
    "CSGL01": "CGJ",
    "ZFCJ03": "CGJ",
    "ZFCJ04": "CGJ",
    "STHJ01": "HBJ",
    "STHJ02": "HBJ",
    "STHJ03": "HBJ",
    "SCJG01": "SCJ",
    "SCJG02": "SCJ",
    "SCJG03": "SCJ",
    "SCJG04": "SCJ",
    "JTCX01": "JTJ",
    "JTCX02": "GAJ",
    "JTCX03": "JTJ",
    "SHBZ01": "RSJ",
    "SHBZ02": "RSJ",
    "SHBZ03": "RSJ",
    "SHBZ04": "MZJ",
    "YLWS01": "WJW",
    "YLWS02": "YBJ",
    "ZFCJ01": "ZJJ",
    "ZFCJ02": "ZJJ",
    "JY01": "JYJ",
    "JY02": "JYJ",
    "GAZA": "GAJ",
    "ZWFW01": "SPJ",
    "ZWFW02": "SPJ",
    "ZWFW03": "GAJ",
    **{f"XNTS0{i}": "SPJ" for i in range(1, 7)},
}
# Keyword rules (order 10..) before the per-category ones (order 100..).
KEYWORD_RULES = [
    ("油烟、噪音、污水、黑烟、粉尘、异味", "HBJ", "环境污染类来电"),
    ("占道、摆摊、垃圾、路灯、违建、违章搭建、井盖", "CGJ", "市容类来电"),
    ("过期、变质、发霉、检疫", "SCJ", "食品类来电"),
    ("公交、出租车、网约车、拒载", "JTJ", "交通类来电"),
    ("欠薪、拖欠工资、社保、加班费", "RSJ", "劳动保障类来电"),
    ("医保、报销、异地就医", "YBJ", "医保类来电"),
    ("物业、电梯、维修资金、交房", "ZJJ", "住房类来电"),
]

PLACES = [
    "幸福小区", "阳光花园", "锦绣华庭", "东湖新村", "翠苑一区", "滨江花城", "和平里", "金色家园",
    "绿城桂花苑", "世纪新城", "春晖苑", "望江府",
]  # fmt: skip
ROADS = ["建设路", "人民路", "解放路", "中山路", "文化路", "北环路", "新华街", "学院路", "体育场路"]
AREAS = ["东城区", "西城区", "南湖区", "高新区"]
SHOPS = ["烧烤店", "火锅店", "小吃店", "饭店", "面馆", "快餐店"]
MARKETS = ["超市", "农贸市场", "便利店", "菜市场"]
SCHOOLS = ["实验小学", "第二中学", "城东小学", "育才中学"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚华玉萍红鹏辉"

# category → [(kind, content template, answer or "")]. An answer makes a consultation that can
# be settled on the spot; the knowledge base learns from these answers.
CALLS: dict[str, list[tuple[str, str, str]]] = {
    "CSGL01": [
        ("complaint", "{road}{num}号门口有人占道经营摆摊卖水果，人车都过不去", ""),
        ("complaint", "{place}楼下的垃圾桶好几天没人清运，味道很大，招苍蝇", ""),
        ("complaint", "{road}人行道上共享单车乱停乱放，轮椅都推不过去", ""),
        ("complaint", "{road}夜市摊贩收摊后垃圾扔了一地，没人打扫", ""),
        ("suggestion", "建议在{place}多设几个垃圾分类投放点，现在扔垃圾要走很远", ""),
    ],
    "ZFCJ03": [
        ("report", "{place}有住户在楼顶违章搭建彩钢房，希望城管来拆除", ""),
        ("report", "{place}一楼住户私自扩建院子，占用了公共绿地", ""),
    ],
    "ZFCJ04": [
        ("help", "{road}的路灯坏了一个多星期，晚上黑漆漆的很不安全", ""),
        ("help", "{road}{num}号附近的窨井盖丢了，很危险", ""),
        ("help", "{road}路面塌陷了一个大坑，下雨天积水过不去", ""),
    ],
    "STHJ01": [
        ("complaint", "{road}的工地晚上十一点还在施工，噪音太大影响休息", ""),
        ("complaint", "{place}底商的KTV夜里音响声音太大，吵得睡不着", ""),
        ("complaint", "{place}楼下广场舞音响太吵，晚上十点还不停", ""),
    ],
    "STHJ02": [
        ("complaint", "{place}楼下的{shop}油烟直排，熏得家里没法开窗", ""),
        ("report", "{road}有家工厂烟囱冒黑烟，空气很呛人", ""),
        ("complaint", "{place}旁边的搅拌站粉尘很大，车上窗台上全是灰", ""),
    ],
    "STHJ03": [
        ("report", "{place}附近的河道有污水直排，水发黑发臭", ""),
        ("report", "{road}有个洗车店把污水直接排进雨水管", ""),
    ],
    "SCJG01": [
        ("complaint", "在{road}的{market}买到过期的牛奶，商家不肯退换", ""),
        ("complaint", "{road}一家{shop}后厨卫生很差，吃完一家人都拉肚子", ""),
        ("report", "外卖平台上有一家{shop}没有食品经营许可证还在接单", ""),
        ("report", "{market}卖的猪肉没有检疫章，怀疑来源不明", ""),
        ("complaint", "在{market}买的面包发霉了，还在保质期内", ""),
    ],
    "SCJG02": [
        ("complaint", "在{road}的健身房办了年卡，现在老板跑路了，要求退费", ""),
        ("complaint", "在网上买的手机是翻新机，商家拒绝退货", ""),
        ("complaint", "{road}的理发店办的预付卡不让退，还一直推销", ""),
        ("complaint", "{road}的装修公司收了定金不开工，也不退钱", ""),
    ],
    "SCJG03": [
        ("complaint", "{market}的价签和结账价格不一样，多收了钱", ""),
        ("complaint", "{road}的停车场收费不明码标价，乱收费", ""),
    ],
    "SCJG04": [
        (
            "consult",
            "办营业执照需要哪些材料，可以网上办吗",
            "个体工商户登记需身份证、经营场所证明；公司设立需章程、股东身份证明和住所证明。"
            "可通过政务服务网全程网办，材料齐全的当日办结。",
        ),
        (
            "consult",
            "个体工商户注销流程是什么",
            "个体工商户注销可通过政务服务网一网通办，先办清税，再提交注销登记申请，"
            "无债权债务的可适用简易注销。",
        ),
    ],
    "JTCX01": [
        ("complaint", "{bus}路公交车司机态度恶劣，不等乘客坐稳就开车", ""),
        ("complaint", "{bus}路公交车班次太少，早高峰等车要半个小时", ""),
        ("help", "{road}的公交站台被拆了，等车没有地方避雨", ""),
        ("suggestion", "建议开通{place}到高铁站的公交线路", ""),
    ],
    "JTCX02": [
        ("complaint", "{road}和{road2}路口红绿灯时间太短，老人过不完马路", ""),
        ("suggestion", "建议在{school}门口增设减速带和人行横道", ""),
    ],
    "JTCX03": [
        ("complaint", "在{road}打出租车被拒载，司机还要求不打表", ""),
        ("complaint", "网约车司机故意绕路，多收了三十多块钱车费", ""),
    ],
    "SHBZ01": [
        ("complaint", "公司一直不给缴社保，离职后才发现", ""),
        (
            "consult",
            "灵活就业人员的社保怎么缴纳，每个月交多少",
            "灵活就业人员可持身份证到社保经办窗口或通过政务服务网办理参保登记，"
            "养老保险缴费基数在全省社平工资的60%至300%之间自选，按月或按年缴纳。",
        ),
        (
            "consult",
            "退休手续在哪里办理，需要带什么材料",
            "达到法定退休年龄的，由单位或本人携带身份证、户口簿和人事档案到人社局窗口办理，"
            "也可在网上申报，审核后次月起发放养老金。",
        ),
    ],
    "SHBZ02": [
        ("complaint", "{road}一家公司加班不给加班费，还乱扣工资", ""),
        (
            "consult",
            "失业保险金怎么申领，需要什么材料",
            "非因本人意愿中断就业且缴纳失业保险满一年的，可凭身份证和解除劳动合同证明"
            "在线上或人社窗口申领失业保险金，审核通过后按月发放。",
        ),
    ],
    "SHBZ03": [
        ("complaint", "在{road}的工地干了三个月，包工头拖欠工资不给", ""),
        ("help", "{company}欠了我们二十几个工人半年工资，老板联系不上", ""),
    ],
    "SHBZ04": [
        (
            "consult",
            "家里生活困难，低保怎么申请",
            "由本人向户籍所在地乡镇（街道）提出申请，提交家庭收入和财产情况说明，"
            "经入户调查、民主评议和公示后由民政局审批。",
        ),
        ("help", "{place}有位独居老人生活不能自理，希望社区帮忙", ""),
    ],
    "YLWS01": [
        ("complaint", "市人民医院挂号太难，排了三个小时还没看上病", ""),
        ("complaint", "{road}社区卫生服务中心的医生态度很差", ""),
    ],
    "YLWS02": [
        (
            "consult",
            "异地就医怎么备案，回来能报销吗",
            "异地就医可通过国家医保服务平台App或医保经办窗口备案，备案后在就医地定点医院"
            "直接结算；未备案的可凭发票和费用清单回参保地手工报销。",
        ),
        (
            "consult",
            "医保卡丢了怎么补办",
            "医保卡（社保卡）遗失的，先拨打服务电话挂失，再持身份证到合作银行网点或"
            "社保服务窗口补办，一般当场领取。",
        ),
        ("complaint", "在市人民医院住院，医保报销比例太低，是不是算错了", ""),
        (
            "consult",
            "门诊慢特病待遇怎么申请",
            "持二级以上医院出具的诊断证明和病历资料，到医保经办窗口或线上提交申请，"
            "经鉴定通过后享受门诊慢特病报销待遇。",
        ),
        ("report", "{road}一家药店可以用医保卡刷生活用品", ""),
    ],
    "ZFCJ01": [
        ("complaint", "{place}物业不作为，电梯坏了一个月都没人修", ""),
        ("complaint", "{place}物业乱收停车费，也不公示收费标准", ""),
        ("complaint", "{place}新房交房后墙面开裂渗水，开发商不管", ""),
        (
            "consult",
            "小区住宅专项维修资金怎么申请使用",
            "维修资金使用须经专有部分面积和人数双过三分之二的业主参与表决同意，"
            "由业委会或物业提出方案，向住建局维修资金管理窗口申请划拨。",
        ),
    ],
    "ZFCJ02": [
        (
            "consult",
            "公租房怎么申请，需要什么条件",
            "本市户籍且家庭人均收入、住房面积符合标准的，向街道提交申请表、身份证明和收入证明，"
            "经审核公示后轮候配租。",
        ),
        ("complaint", "{place}开发商延期交房快半年了，业主要求给说法", ""),
    ],
    "JY01": [
        (
            "consult",
            "孩子上小学需要准备哪些材料，户口不在本地可以上学吗",
            "本地户籍持户口簿和房产证明报名；随迁子女凭居住证、务工或经营证明在居住地"
            "学区报名，由教育局统筹安排入学。",
        ),
        ("complaint", "{school}食堂的饭菜质量差，孩子吃不饱", ""),
    ],
    "JY02": [
        ("complaint", "{school}违规组织有偿补课，每人每学期八百元", ""),
        ("report", "{road}有校外培训机构在学期中违规开班招生", ""),
    ],
    "GAZA": [
        ("report", "{place}地下室有人聚众赌博，天天到半夜", ""),
        ("help", "{place}最近连续发生电动车被盗，希望加强巡逻", ""),
    ],
    "ZWFW03": [
        (
            "consult",
            "身份证丢了怎么补办，要多久",
            "身份证遗失可到任一户政窗口或通过公安政务服务平台申请补领，现场采集照片和指纹，"
            "一般二十日内办好，可选择邮寄；急用的可申请临时身份证。",
        ),
        (
            "consult",
            "新生儿落户需要哪些材料",
            "持出生医学证明、父母双方户口簿和身份证、结婚证，到户籍所在地派出所户籍窗口办理，"
            "也可通过出生一件事联办。",
        ),
        (
            "consult",
            "居住证怎么办理",
            "在本市居住半年以上并有合法稳定就业、住所或连续就读的，持身份证和居住证明"
            "到居住地派出所申领居住证。",
        ),
    ],
    "ZWFW01": [
        (
            "consult",
            "食品经营许可证办下来要多少天",
            "食品经营许可法定20个工作日，承诺5个工作日办结，需现场核查经营场所；"
            "仅销售预包装食品的只需备案。",
        ),
        (
            "consult",
            "政务服务中心周末上班吗",
            "政务服务中心周一至周五上午9:00-12:00、下午13:30-17:30办公，"
            "周六上午提供部分事项延时服务，法定节假日除外。",
        ),
        ("suggestion", "建议政务服务中心增加自助打印机，排队打印太慢", ""),
    ],
    "ZWFW02": [
        (
            "consult",
            "网上提交的申请一个星期了，怎么查办理进度",
            "可登录政务服务网“我的办件”查看，或在“进度查询”输入办件编号和申请时留的手机号查询，"
            "也可拨打承办部门咨询电话。",
        ),
    ],
    "XNTS01": [
        ("complaint", "{dept}执法人员检查时只罚我家不罚别家，执法不公", ""),
        ("complaint", "{dept}工作人员随意扣押我的货物，没有任何手续", ""),
    ],
    "XNTS02": [
        ("complaint", "在政务服务中心{dept}窗口办事，来回跑了四趟还没办成", ""),
        ("complaint", "{dept}几个科室互相推诿，都说不归他们管", ""),
        ("complaint", "材料交了一个月了，{dept}还没有任何答复", ""),
    ],
    "XNTS03": [
        ("complaint", "{dept}窗口工作人员态度恶劣，多问两句就不耐烦", ""),
        ("complaint", "打{dept}的电话没人接，接了也很不耐烦，直接挂断", ""),
    ],
    "XNTS04": [
        ("complaint", "{dept}工作人员暗示要给好处费才给办理", ""),
        ("complaint", "{dept}的人来检查时吃拿卡要，还让我们报销餐费", ""),
    ],
    "XNTS05": [
        ("complaint", "上班时间{dept}窗口没有人，工作人员在玩手机", ""),
        ("complaint", "{dept}窗口提前下班，说好五点半，四点多就关门了", ""),
    ],
    "XNTS06": [
        ("complaint", "对{dept}的处理结果不满意，要求重新处理", ""),
    ],
}
# The handling unit's reply, by unit.
REPLIES = {
    "CGJ": "经现场核查，情况属实，已安排执法队员处置并纳入日常巡查。",
    "HBJ": "经现场监测核查，已责令相关单位限期整改，将持续跟踪复查。",
    "SCJ": "经执法人员现场检查，已对涉事商户立案调查，督促依法退赔。",
    "JTJ": "已约谈涉事企业，对当事司机进行教育处理，并将加强线路运营管理。",
    "RSJ": "已责令用人单位依法支付工资、补缴社会保险费，劳动监察将跟踪落实。",
    "MZJ": "已联系所在街道社区上门了解情况，按政策给予帮扶。",
    "WJW": "已责成医疗机构核查整改，加强服务管理。",
    "YBJ": "经核查，已按政策规定向来电人解释报销标准，对违规行为依法处理。",
    "ZJJ": "已督促物业服务企业和建设单位限期整改维修，住建局将跟踪督办。",
    "JYJ": "经调查，已责令学校和机构整改，退还违规收取的费用。",
    "GAJ": "已安排辖区派出所民警核查处置，并加强该区域巡逻防控。",
    "SPJ": "经调查核实，已对相关工作人员批评教育，并责成部门整改，意见建议已转中心研究。",
}
EMERGENCIES = [
    ("110", "GAZA", "{place}楼下有人持刀打架，情况紧急"),
    ("119", "CSGL01", "{road}{num}号一家店铺冒烟起火了"),
    ("120", "YLWS01", "{road}公交站有老人晕倒了，叫不醒"),
    ("122", "JTCX02", "{road}和{road2}路口两辆车相撞，有人受伤"),
]
# Substantiation odds per efficiency category (the study's shape: 推诿扯皮 most often true).
SUBSTANTIATED = {
    "XNTS01": 0.3,
    "XNTS02": 0.7,
    "XNTS03": 0.55,
    "XNTS04": 0.35,
    "XNTS05": 0.6,
    "XNTS06": 0.25,
}


@dataclass
class TicketSummary:
    tickets: int = 0
    actions: int = 0
    refused: int = 0
    refusals: dict = field(default_factory=dict)
    swept: int = 0  # urges and escalations recorded by the daily sweeps


@transaction.atomic
def seed_categories() -> dict[str, Category]:
    """The default categories, the demo's extra ones and the routing rules (idempotent)."""
    load_default_categories(Category)
    for order, (code, name, parent) in enumerate(EXTRA_CATEGORIES):
        Category.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "parent": Category.objects.filter(code=parent).first() if parent else None,
                "active": True,
                "order": 1000 + order,
            },
        )
    categories = {c.code: c for c in Category.objects.all()}
    departments = {d.code: d for d in Department.objects.all()}
    for order, (keywords, dept, note) in enumerate(KEYWORD_RULES):
        if dept in departments:
            RoutingRule.objects.update_or_create(
                note=note,
                defaults={
                    "order": 10 + order,
                    "keywords": keywords,
                    "department": departments[dept],
                    "active": True,
                },
            )
    for order, (code, dept) in enumerate(UNITS.items()):
        if dept in departments and code in categories:
            RoutingRule.objects.update_or_create(
                note=f"{categories[code].name}类工单",
                defaults={
                    "order": 100 + order,
                    "category": categories[code],
                    "department": departments[dept],
                    "active": True,
                },
            )
    return categories


def ensure_operator() -> User:
    """The demo operator account (``demo.services.ACCOUNTS``)."""
    from zhengwu.demo.services import ACCOUNTS, DEMO_PASSWORD

    account = next(a for a in ACCOUNTS if a.role == Role.OPERATOR)
    existing = User.objects.filter(username=account.username).first()
    if existing is not None and has_role(existing, account.role):
        return existing  # made by ``seed_accounts``: no second (slow) password hash
    return accounts.create_user(
        username=account.username,
        roles=[account.role],
        password=DEMO_PASSWORD,
        demo=True,
        full_name=account.name,
    )


def _supervisor() -> User | None:
    return User.objects.filter(groups__name=Role.SUPERVISOR.value).order_by("id").first()


def _fill(template: str, rng: random.Random, department_names: list[str]) -> str:
    return template.format(
        place=rng.choice(PLACES),
        road=rng.choice(ROADS),
        road2=rng.choice(ROADS),
        num=rng.randrange(1, 300),
        company=rng.choice(("示范市恒通建筑公司", "示范市鑫源劳务公司", "示范市华茂装饰公司")),
        shop=rng.choice(SHOPS),
        market=rng.choice(MARKETS),
        school=rng.choice(SCHOOLS),
        bus=rng.randrange(1, 120),
        dept=rng.choice(department_names or ["有关部门"]),
    )


def _caller(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + rng.choice(("先生", "女士", rng.choice(GIVEN)))
    return name, f"1{rng.choice('3589')}{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}"


@transaction.atomic
def generate(
    *, count: int = 360, end: dt.datetime | None = None, days: int = 540, seed: int = 12345
) -> TicketSummary:
    """Make about ``count`` tickets received over the ``days`` before ``end`` (default: now), in
    one transaction (one commit instead of one per step: a few seconds instead of a minute on
    SQLite); a step the rules refuse rolls back alone (the services' own savepoints)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    end = end or clock.now()
    calendar = get_calendar()
    seed_categories()
    operator = ensure_operator()
    supervisor = _supervisor()
    staff, _created = ensure_staff()
    departments = {d.code: d for d in Department.objects.all()}
    complained = [d for d in departments.values() if d.code not in ("SPJ",)]
    summary = TicketSummary()
    leaves = list(CALLS)
    weights = [1 if c.startswith("XNTS") else 3 for c in leaves]
    first_day = clock.local_date(end) - dt.timedelta(days=days)
    workdays = [
        first_day + dt.timedelta(days=i)
        for i in range(days + 1)
        if calendar.is_workday(first_day + dt.timedelta(days=i))
    ]
    recent = workdays[-10:]
    moments = []
    for _ in range(count):
        # Calls spread over the months, a few more in the last two weeks (as many as a month's
        # in all), so every queue has open tickets.
        day = rng.choice(recent if rng.random() < RECENT_SHARE else workdays)
        minutes = rng.randrange(8 * 60 + 30, 20 * 60)
        at = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=clock.LOCAL_TZ)
        moments.append(at)
    moments.sort()

    def run(at: dt.datetime, call, *args, **kwargs):
        """One step at ``at``; False when it lies in the future or the rules refuse it."""
        if at > end:
            return False
        with clock.frozen(at):
            try:
                result = call(*args, **kwargs)
            except ZhengwuError as error:
                summary.refused += 1
                summary.refusals[error.code] = summary.refusals.get(error.code, 0) + 1
                return False
        summary.actions += 1
        return result if result is not None else True

    def unit_user(department: Department) -> User:
        return staff[department.pk]["clerk"]

    for at in moments:
        name, phone = _caller(rng)
        area = rng.choice(AREAS)
        roll = rng.random()
        if roll < 0.015:
            service, category_code, template = rng.choice(EMERGENCIES)
            ticket = run(
                at,
                tickets.create_ticket,
                actor=operator,
                kind="help",
                category=category_code,
                content=_fill(template, rng, []),
                caller_phone=phone,
                caller_name=name,
                area=area,
                urgent=True,
            )
            if ticket:
                summary.tickets += 1
                run(
                    at + dt.timedelta(minutes=1),
                    tickets.transfer_emergency,
                    actor=operator,
                    number=ticket.number,
                    service=service,
                    note="已三方通话转接",
                )
            continue
        code = rng.choices(leaves, weights)[0]
        kind, template, answer = rng.choice(CALLS[code])
        related = rng.choice(complained) if code.startswith("XNTS") else None
        content = _fill(template, rng, [related.name] if related else [])
        address = f"{rng.choice(ROADS)}{rng.randrange(1, 300)}号" if kind != "consult" else ""
        ticket = run(
            at,
            tickets.create_ticket,
            actor=operator,
            kind=kind,
            category=code,
            content=content,
            caller_phone=phone,
            caller_name=name,
            address=address,
            area=area,
            urgent=kind == "help" and rng.random() < 0.3,
            related_department=related.code if related else None,
        )
        if not ticket:
            continue
        summary.tickets += 1
        number = ticket.number
        t = at + dt.timedelta(minutes=rng.randrange(3, 12))
        # A caller who rings again about the same thing: merged into the first ticket.
        if rng.random() < 0.03:
            again = run(
                at + dt.timedelta(hours=rng.randrange(2, 48)),
                tickets.create_ticket,
                actor=operator,
                kind=kind,
                category=code,
                content=content + "，之前打过电话，到现在还没人处理",
                caller_phone=phone,
                caller_name=name,
                address=address,
                area=area,
            )
            if again:
                summary.tickets += 1
                run(
                    again.received_at + dt.timedelta(minutes=2),
                    tickets.merge_duplicate,
                    actor=operator,
                    number=again.number,
                    into=number,
                )
        if answer and rng.random() < 0.6:
            run(t, tickets.answer_on_the_spot, actor=operator, number=number, answer=answer)
            continue
        unit = departments[UNITS[code]]
        first = unit
        misrouted = rng.random() < 0.05
        if misrouted:
            first = rng.choice([d for d in departments.values() if d.pk != unit.pk])
        fresh = end - at < dt.timedelta(days=5)
        if fresh and rng.random() < 0.3:
            continue  # still awaiting dispatch
        if not _act(run, t, operator, number, "dispatch", {"department": first.code}):
            continue
        t = t + dt.timedelta(hours=rng.randrange(1, 8))
        if misrouted:
            if not _act(run, t, unit_user(first), number, "return", {"reason": "不属于本单位职责"}):
                continue
            t = t + dt.timedelta(hours=rng.randrange(1, 4))
            data = {"approve": True, "department": unit.code, "note": "改派至职能部门"}
            if not _act(run, t, operator, number, "review_return", data):
                continue
            t = t + dt.timedelta(hours=rng.randrange(1, 6))
        handler = unit_user(unit)
        if fresh and rng.random() < 0.5:
            continue  # not accepted yet
        if not _act(run, t, handler, number, "accept", {}):
            continue
        if rng.random() < 0.03:
            continue  # forgotten by the unit: overdue, and urged by the sweep
        handle_days = rng.choice((1, 1, 2, 2, 3, 4, 6))
        if rng.random() < 0.08:
            t2 = t + dt.timedelta(hours=2)
            data = {"workdays": 5, "reason": "需协调多个部门现场核查"}
            if _act(run, t2, handler, number, "extend", data):
                _act(run, t2 + dt.timedelta(hours=3), operator, number, "approve_extension",
                     {"approve": True, "note": "同意延期"})  # fmt: skip
                handle_days += 4
        if rng.random() < 0.06:
            _act(run, t + dt.timedelta(days=1), operator, number, "urge",
                 {"level": 1, "reason": "来电人多次催促，请加快办理"})  # fmt: skip
        t = _working(calendar, t, handle_days, rng)
        reply = REPLIES[unit.code]
        if not _act(run, t, handler, number, "reply", {"result": reply}):
            continue
        if code.startswith("XNTS") and supervisor is not None:
            outcome = "substantiated" if rng.random() < SUBSTANTIATED[code] else "not"
            if outcome == "substantiated" and rng.random() < 0.2:
                outcome = "partly"
            _act(run, t + dt.timedelta(hours=3), supervisor, number, "investigate",
                 {"outcome": outcome, "note": "经调阅记录、询问当事人核实"})  # fmt: skip
        rounds = 0
        while True:
            t = _working(calendar, t, 1, rng)
            mood = rng.random()
            if mood < 0.05:
                data = {"reached": False, "note": "电话无人接听"}
                if _act(run, t, operator, number, "callback", data):
                    _act(run, t + dt.timedelta(hours=1), operator, number, "close",
                         {"note": "三次回访未接通，按规定办结"})  # fmt: skip
                break
            # Unhappy at the first callback: redone; unhappy again after the redo (half of
            # them), or resolved but displeased with the service: closed as it stands, counted
            # against the unit's satisfaction.
            unhappy = mood < 0.2 if rounds == 0 else mood < 0.5
            displeased = not unhappy and rounds == 0 and mood < 0.27
            data = {
                "reached": True,
                "resolved": not unhappy,
                "satisfaction": "unsatisfied"
                if unhappy or displeased
                else rng.choice(("satisfied", "satisfied", "satisfied", "basic")),
                "note": "来电人表示问题没有解决"
                if unhappy
                else ("问题已解决，但对办理态度不满意" if displeased else ""),
            }
            if not _act(run, t, operator, number, "callback", data):
                break
            if not (unhappy or displeased):
                break
            if rounds == 1 or displeased:
                _act(run, t + dt.timedelta(hours=1), operator, number, "close",
                     {"note": "来电人仍不满意，已说明情况，按规定办结"})  # fmt: skip
                break
            rounds += 1
            t = t + dt.timedelta(hours=1)
            if not _act(run, t, operator, number, "redo", {"reason": "来电人不满意，退回重办"}):
                break
            t = _working(calendar, t, rng.randrange(1, 3), rng)
            if not _act(run, t, handler, number, "reply", {"result": reply + "已再次上门处理。"}):
                break
    # The scheduler's ticket sweep of every morning: a unit that let a ticket lie is urged on the
    # day it ran late, and an urge left unanswered goes one level up on the day it expired.
    day = first_day
    while day < clock.local_date(end):
        day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, SWEEP_TIME, tzinfo=clock.LOCAL_TZ)
        if moment <= end:
            with clock.frozen(moment):
                summary.swept += sum(tickets.sweep().values())
    return summary


def _act(run, at, actor, number, action, data):
    return run(at, tickets.act, actor=actor, number=number, action=action, data=data)


def _working(calendar, at: dt.datetime, days: int, rng: random.Random) -> dt.datetime:
    """A working-hours moment ``days`` working days after ``at``."""
    day = calendar.add(clock.local_date(at), days)
    minutes = rng.randrange(9 * 60, 17 * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=clock.LOCAL_TZ)
