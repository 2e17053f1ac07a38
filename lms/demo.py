"""The demo city: 1 市, 2 区, 4 街道, 8 社区, 40 网格 and about 200 grid workers plus staff.

Names and ID numbers are generated (deterministically) and fictitious; ID numbers carry a valid
checksum so they pass the same validation as an import.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model

from lms import roles
from lms.models import OrgUnit, Worker
from lms.services import org_unit_get_or_create_path, worker_create
from lms.validators import id_number_check_char

DEMO_PASSWORD = "Wangge@2026"
CITY = "临江市"
TREE = {
    "江北区": {"滨江街道": ["春晖社区", "柳岸社区"], "望湖街道": ["湖光社区", "荷塘社区"]},
    "江南区": {"南湖街道": ["南苑社区", "锦绣社区"], "桂园街道": ["桂香社区", "安居社区"]},
}
GRIDS = ["第一网格", "第二网格", "第三网格", "第四网格", "第五网格"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国玉兰志强海燕晓东红梅春生文博雨欣子涵浩然思远佳怡梓轩一诺雅婷俊杰嘉怡欣怡晨阳建华丽娟秋菊冬梅振华国庆立新卫东红霞"
# A region code used only for demo data.
ID_REGION = "429901"

# Named demo accounts: (工号, 姓名, role codes, org path below the city or None for the city itself)
STAFF = [
    ("admin", "系统管理员", set(), None),
    ("gl001", "周海涛", {roles.MANAGER}, None),
    ("gl002", "陈丽华", {roles.MANAGER}, ("江北区", "滨江街道")),
    ("rs001", "王秀英", {roles.HR}, None),
    ("rs002", "刘建国", {roles.HR}, ("江南区",)),
    ("px001", "孙晓东", {roles.TRAINER}, None),
    ("px002", "林春生", {roles.TRAINER}, ("江北区",)),
    ("pw001", "赵志强", {roles.JUDGE}, None),
    ("pw002", "何雅婷", {roles.JUDGE}, None),
]


def _id_number(rng: random.Random, birth: dt.date, seq: int, female: bool) -> str:
    order = seq % 1000
    if (order % 2 == 0) != female:
        order = (order + 1) % 1000
    first17 = f"{ID_REGION}{birth:%Y%m%d}{order:03d}"
    return first17 + id_number_check_char(first17)


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        given_len = rng.choice((1, 2, 2))
        given = "".join(rng.choice(GIVEN) for _ in range(given_len))
        name = rng.choice(SURNAMES) + given
        if name not in used:
            used.add(name)
            return name


def load(stdout) -> list[tuple[str, str, str]]:
    """Create the demo city once. Returns the demo accounts as (工号, 姓名, 角色)."""
    User = get_user_model()
    if Worker.objects.filter(employee_no="wg0001").exists():
        stdout.write("演示城市已存在，跳过人员数据。")
        return demo_accounts()
    rng = random.Random(20261125)
    used_names: set[str] = set()
    cache: dict = {}
    city = org_unit_get_or_create_path(names=[CITY], cache=cache)
    grids: list[OrgUnit] = []
    for district, streets in TREE.items():
        for street, communities in streets.items():
            for community in communities:
                for grid in GRIDS:
                    grids.append(
                        org_unit_get_or_create_path(names=[CITY, district, street, community, grid], cache=cache)
                    )
    today = dt.date.today()
    seq = 0
    for index, grid in enumerate(grids):
        for slot in range(5):
            seq += 1
            employee_no = f"wg{seq:04d}"
            female = rng.random() < 0.55
            birth = dt.date(rng.randint(1972, 2000), rng.randint(1, 12), rng.randint(1, 28))
            if seq <= 6:
                hire = today - dt.timedelta(days=rng.randint(3, 20))  # a few newcomers in onboarding
            else:
                hire = dt.date(rng.randint(2016, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            role_codes = {roles.TRAINEE}
            if slot == 0 and index % 2 == 0:
                role_codes.add(roles.MENTOR)  # an experienced worker in every other grid mentors
            named = seq in (1, 2)
            worker_create(
                employee_no=employee_no,
                name=_name(rng, used_names),
                org_unit=grid,
                role_codes=role_codes,
                id_number=_id_number(rng, birth, seq, female),
                phone=f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                hire_date=hire,
                password=DEMO_PASSWORD if named else None,
            )
    for employee_no, name, role_codes, path in STAFF:
        unit = city if path is None else org_unit_get_or_create_path(names=[CITY, *path], cache=cache)
        birth = dt.date(rng.randint(1968, 1990), rng.randint(1, 12), rng.randint(1, 28))
        seq += 1
        worker = worker_create(
            employee_no=employee_no,
            name=name,
            org_unit=unit,
            role_codes=role_codes,
            id_number=_id_number(rng, birth, seq, rng.random() < 0.5),
            phone=f"13{rng.randint(0, 999999999):09d}",
            hire_date=dt.date(2015, 3, 1),
            password=DEMO_PASSWORD,
        )
        if employee_no == "admin":
            User.objects.filter(pk=worker.user_id).update(is_superuser=True, is_staff=True)
    return demo_accounts()


def demo_accounts() -> list[tuple[str, str, str]]:
    named = ["admin", "wg0001", "wg0002", "gl001", "gl002", "rs001", "rs002", "px001", "px002", "pw001"]
    rows = []
    for worker in Worker.objects.filter(employee_no__in=named).select_related("org_unit"):
        labels = "、".join(worker.role_labels) or "超级管理员"
        rows.append((worker.employee_no, worker.name, f"{labels}（{worker.org_unit.full_name}）"))
    rows.sort(key=lambda r: named.index(r[0]))
    return rows
