"""`import_workers`: atomic, 第N行 errors with exit 2, idempotent re-runs, CSV and XLSX."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from lms import roles
from lms.models import OrgUnit, Worker
from tests import tables
from tests.factories import make_id_number

HEADERS = ["工号", "姓名", "身份证号", "手机号", "所属网格", "入职日期", "角色"]
GRID = "临江市/江北区/滨江街道/春晖社区/第一网格"


def good_rows():
    return [
        ["W001", "张三", make_id_number(1), "13800000001", GRID, "2024-03-01", "网格员"],
        ["W002", "李四", make_id_number(2), "13800000002", GRID, "2023/7/15", "网格员;导师"],
        ["W003", "王五", make_id_number(3), "", "临江市/江南区/南湖街道/南苑社区/第二网格", "2020年1月2日", "人事"],
    ]


def write_csv(path, rows):
    return tables.write_csv(path, HEADERS, rows)


def write_xlsx(path, rows):
    return tables.write_xlsx(path, HEADERS, rows)


def run(path):
    return tables.run_command("import_workers", path)


def snapshot():
    return (
        sorted(
            Worker.objects.values_list("employee_no", "name", "id_number", "phone", "org_unit__full_name", "hire_date")
        ),
        OrgUnit.objects.count(),
        get_user_model().objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("writer", [write_csv, write_xlsx])
def test_good_file_creates_workers_tree_roles_and_logins(tmp_path, writer):
    suffix = ".csv" if writer is write_csv else ".xlsx"
    code, out, err = run(writer(tmp_path / f"w{suffix}", good_rows()))
    assert code == 0, err
    assert "新增 3 人" in out
    li = Worker.objects.get(employee_no="W002")
    assert li.user.username == "W002"
    assert li.hire_date == dt.date(2023, 7, 15)
    assert li.role_codes == {roles.TRAINEE, roles.MENTOR}
    assert li.org_unit.full_name == GRID and li.org_unit.level == 5
    assert Worker.objects.get(employee_no="W003").role_codes == {roles.HR}
    assert OrgUnit.objects.filter(level=1).count() == 1
    assert OrgUnit.objects.count() == 1 + 2 + 2 + 2 + 2


@pytest.mark.django_db
def test_imported_worker_logs_in_with_initial_password_then_must_change_it(client, tmp_path):
    run(write_csv(tmp_path / "w.csv", good_rows()))
    worker = Worker.objects.get(employee_no="W001")
    response = client.post("/login/", {"username": "W001", "password": worker.id_number[-6:]})
    assert response.status_code == 302
    assert client.get("/me/")["Location"] == "/password/set/"
    response = client.post("/password/set/", {"new_password1": "Grid#Work2026", "new_password2": "Grid#Work2026"})
    assert response.status_code == 302
    worker.refresh_from_db()
    assert not worker.must_change_password
    assert client.get("/me/").status_code == 200
    client.logout()
    assert client.post("/login/", {"username": "W001", "password": worker.id_number[-6:]}).status_code == 200
    assert client.post("/login/", {"username": "W001", "password": "Grid#Work2026"}).status_code == 302


@pytest.mark.django_db
def test_same_file_twice_changes_nothing(tmp_path):
    path = write_csv(tmp_path / "w.csv", good_rows())
    run(path)
    before = snapshot()
    passwords = dict(get_user_model().objects.values_list("username", "password"))
    code, out, _ = run(path)
    assert code == 0 and "未变化 3 人" in out
    assert snapshot() == before
    assert dict(get_user_model().objects.values_list("username", "password")) == passwords


@pytest.mark.django_db
def test_changed_row_updates_the_worker(tmp_path):
    run(write_csv(tmp_path / "w.csv", good_rows()))
    rows = good_rows()
    rows[0][1] = "张三丰"
    rows[0][4] = "临江市/江北区/滨江街道/春晖社区/第二网格"
    rows[0][6] = "网格员;评委"
    code, out, _ = run(write_csv(tmp_path / "w2.csv", rows))
    assert code == 0 and "更新 1 人" in out
    worker = Worker.objects.get(employee_no="W001")
    assert worker.name == "张三丰"
    assert worker.org_unit.name == "第二网格"
    assert worker.role_codes == {roles.TRAINEE, roles.JUDGE}


BAD_CASES = [
    (["", "无号", make_id_number(11), "", GRID, "2024-01-01", "网格员"], "缺少工号"),
    (["B1", "坏证", "110101199001011235", "", GRID, "2024-01-01", "网格员"], "校验位"),
    (["B2", "短证", "11010119900101", "", GRID, "2024-01-01", "网格员"], "18位"),
    (["B3", "怪角", make_id_number(12), "", GRID, "2024-01-01", "网格员;队长"], "未知角色“队长”"),
    (["B4", "坏日", make_id_number(13), "", GRID, "2024-02-30", "网格员"], "入职日期"),
    (["B5", "短路", make_id_number(14), "", "临江市/江北区", "2024-01-01", "网格员"], "五级路径"),
    (["B6", "坏号", make_id_number(15), "12345", GRID, "2024-01-01", "网格员"], "手机号"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row,reason", BAD_CASES)
def test_each_kind_of_bad_row_rejects_the_whole_file(tmp_path, bad_row, reason):
    rows = good_rows()
    rows.insert(1, bad_row)
    code, _, err = run(write_csv(tmp_path / "bad.csv", rows))
    assert code == 2
    assert err.strip().startswith("第2行: ")
    assert reason in err
    assert Worker.objects.count() == 0 and OrgUnit.objects.count() == 0


@pytest.mark.django_db
def test_every_bad_row_is_reported_and_duplicates_named(tmp_path):
    rows = good_rows() + [
        ["W001", "重复", make_id_number(21), "", GRID, "2024-01-01", "网格员"],
        ["X9", "坏证", "110101199001011235", "", GRID, "2024-01-01", "网格员"],
    ]
    code, _, err = run(write_xlsx(tmp_path / "bad.xlsx", rows))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0] == "第4行: 工号“W001”与第1行重复"
    assert lines[1].startswith("第5行: 身份证号")
    assert Worker.objects.count() == 0


@pytest.mark.django_db
def test_bad_file_on_top_of_existing_data_changes_nothing(tmp_path):
    run(write_csv(tmp_path / "w.csv", good_rows()))
    before = snapshot()
    rows = good_rows()
    rows[0][1] = "改名"
    rows.append(["W9", "坏", "123", "", GRID, "", ""])
    code, _, _ = run(write_csv(tmp_path / "bad.csv", rows))
    assert code == 2
    assert snapshot() == before


@pytest.mark.django_db
def test_missing_column_and_unknown_format(tmp_path):
    path = tmp_path / "w.csv"
    path.write_text("工号,姓名\nA,B\n", encoding="utf-8")
    code, _, err = run(str(path))
    assert code == 2 and "缺少必需的列" in err and "身份证号" in err
    other = tmp_path / "w.txt"
    other.write_text("x", encoding="utf-8")
    code, _, err = run(str(other))
    assert code == 2 and "不支持的文件格式" in err


@pytest.mark.django_db
def test_id_number_held_by_another_worker_is_an_error(tmp_path):
    run(write_csv(tmp_path / "w.csv", good_rows()))
    rows = [["W100", "冒用", good_rows()[0][2], "", GRID, "2024-01-01", "网格员"]]
    code, _, err = run(write_csv(tmp_path / "dup.csv", rows))
    assert code == 2 and "第1行: 身份证号已属于工号“W001”" in err
