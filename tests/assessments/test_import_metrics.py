"""业务指标 import: `manage.py import_metrics` and the import page share one service; every refusal
names its row, nothing is half-written, a re-run changes nothing and a new value updates
(docs/imports.md, docs/rules.md "自评与业务指标")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments.models import Evidence, MetricRecord
from lms import roles
from lms.models import AuditLog
from tests import tables

pytestmark = pytest.mark.django_db

HEADER = ["工号", "指标代码", "数值", "日期", "来源"]


@pytest.fixture
def people(city_tree, make_worker):
    return {
        "a": make_worker(unit=city_tree["grid_a"], employee_no="wg7001"),
        "b": make_worker(unit=city_tree["grid_b"], employee_no="wg7002"),
        "hr": make_worker(unit=city_tree["street_a"], employee_no="rs7001", role_codes=[roles.HR]),
        "trainer": make_worker(unit=city_tree["street_a"], employee_no="px7001", role_codes=[roles.TRAINER]),
        "manager": make_worker(unit=city_tree["street_a"], employee_no="gl7001", role_codes=[roles.MANAGER]),
    }


def run(path):
    return tables.run_command("import_metrics", path)


def test_import_creates_records_and_evidence_and_a_rerun_changes_nothing(people, tmp_path):
    path = tables.write_csv(
        tmp_path / "m.csv",
        HEADER,
        [
            ["wg7001", "2.2", "86.5", "2026-03-31", "网格平台"],
            ["wg7001", "3.3", "72", "2026/3/31", "网格平台"],
            ["wg7002", "3.3", "64.125", "2026年3月31日", "12345热线"],
        ],
    )
    code, out, err = run(path)
    assert (code, err) == (0, "")
    assert "新增 3 条业务指标，更新 0 条，未变化 0 条" in out
    record = MetricRecord.objects.get(worker=people["b"])
    # 64.125 is kept to two decimals, rounded half up
    assert (record.indicator_code, record.value, record.occurred_on, record.origin) == (
        "3.3",
        Decimal("64.13"),
        dt.date(2026, 3, 31),
        "12345热线",
    )
    evidence = Evidence.objects.get(worker=people["b"])
    assert (evidence.source, evidence.indicator.code, evidence.score, evidence.occurred_on) == (
        "业务指标",
        "3.3",
        Decimal("64.13"),
        dt.date(2026, 3, 31),
    )
    assert (evidence.source_type, evidence.source_id) == ("assessments.metricrecord", str(record.pk))
    assert Evidence.objects.filter(source="业务指标").count() == 3
    logged = AuditLog.objects.filter(target_type="metric_record").count()
    code, out, _ = run(path)
    assert code == 0 and "新增 0 条业务指标，更新 0 条，未变化 3 条" in out
    assert MetricRecord.objects.count() == 3 and Evidence.objects.count() == 3
    assert AuditLog.objects.filter(target_type="metric_record").count() == logged


def test_another_value_for_the_same_identity_updates_record_and_evidence(people, tmp_path):
    row = ["wg7001", "2.2", "80", "2026-03-31", "网格平台"]
    run(tables.write_csv(tmp_path / "a.csv", HEADER, [row]))
    # same 工号 + 代码 + 日期 + 来源, another value → updated; another 来源 → a new record
    code, out, _ = run(
        tables.write_xlsx(
            tmp_path / "b.xlsx",
            HEADER,
            [
                ["wg7001", "2.2", 91.5, dt.datetime(2026, 3, 31), "网格平台"],
                ["wg7001", "2.2", 70, "2026-03-31", "部门反馈"],
            ],
        )
    )
    assert code == 0 and "新增 1 条业务指标，更新 1 条，未变化 0 条" in out
    record = MetricRecord.objects.get(origin="网格平台")
    assert record.value == Decimal("91.50")
    assert Evidence.objects.get(source_id=str(record.pk)).score == Decimal("91.50")
    assert Evidence.objects.filter(worker=people["a"]).count() == 2


def test_every_bad_row_is_reported_and_nothing_is_written(people, tmp_path):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    path = tables.write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [
            ["wg7001", "2.2", "80", "2026-03-31", "网格平台"],  # fine, but the file is refused as a whole
            ["nobody", "2.2", "80", "2026-03-31", "网格平台"],
            ["wg7001", "9.9", "80", "2026-03-31", "网格平台"],
            ["wg7001", "2.1", "100.5", "2026-03-31", "网格平台"],
            ["wg7001", "2.1", "-1", "2026-03-31", "网格平台"],
            ["wg7001", "2.1", "很好", "2026-03-31", "网格平台"],
            ["wg7001", "2.3", "80", tomorrow.isoformat(), "网格平台"],
            ["wg7001", "2.4", "80", "2026-02-30", "网格平台"],
            ["wg7001", "2.2", "75", "2026-03-31", "网格平台"],  # same identity as row 1
            ["", "", "", "2026-03-31", ""],
        ],
    )
    code, out, err = run(path)
    assert code == 2 and out == ""
    assert err.splitlines() == [
        "第2行: 未知工号“nobody”",
        "第3行: 未知指标代码“9.9”（应为二级指标编码，如 2.2）",
        "第4行: 数值 100.5 超出 0–100",
        "第5行: 数值 -1 超出 0–100",
        "第6行: 数值“很好”不是数字",
        f"第7行: 日期 {tomorrow:%Y-%m-%d} 晚于今天",
        "第8行: 日期“2026-02-30”不是有效日期（例：2026-03-01）",
        "第9行: 与第1行重复（工号、指标代码、日期、来源都相同）",
        "第10行: 缺少工号",
        "第10行: 缺少指标代码",
        "第10行: 缺少数值",
        "第10行: 缺少来源",
    ]
    assert not MetricRecord.objects.exists() and not Evidence.objects.exists()


def test_a_missing_column_refuses_the_file(people, tmp_path):
    path = tables.write_csv(
        tmp_path / "m.csv", ["工号", "指标代码", "数值", "日期"], [["wg7001", "2.2", "80", "2026-03-31"]]
    )
    code, _, err = run(path)
    assert code == 2 and err.strip() == "缺少必需的列：来源"
    assert not MetricRecord.objects.exists()


def test_an_empty_file_is_refused(people, tmp_path):
    code, _, err = run(tables.write_csv(tmp_path / "m.csv", HEADER, []))
    assert code == 2 and "没有数据行" in err


def upload(name, rows):
    import csv
    import io

    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode("utf-8-sig"), content_type="text/csv")


PAGE = "/imports/assessments.metrics/"


def page_upload(client, rows):
    """Upload on the 批量导入 page; the job page it lands on (preview or errors)."""
    response = client.post(PAGE, {"file": upload("m.csv", rows)})
    assert response.status_code == 302
    return response["Location"], client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["hr", "trainer"])
def test_page_imports_for_hr_and_trainer_within_their_subtree(client, people, who):
    client.force_login(people[who].user)
    # the old address leads to the 批量导入 page
    assert client.get("/competency/metrics/import/")["Location"] == PAGE
    assert client.get(PAGE).status_code == 200
    job_url, html = page_upload(client, [["wg7001", "2.2", "80", "2026-03-31", "网格平台"]])
    assert "确认后将：新增 1 条，更新 0 条，未变化 0 条" in html
    assert not MetricRecord.objects.exists()
    client.post(job_url + "confirm/")
    assert "导入完成：新增 1 条业务指标" in client.get(job_url).content.decode()
    assert MetricRecord.objects.filter(worker=people["a"]).count() == 1
    # wg7002 sits in 乙街道, outside the uploader's 甲街道: the whole file is refused
    _, html = page_upload(
        client,
        [["wg7001", "2.2", "90", "2026-03-31", "网格平台"], ["wg7002", "2.2", "80", "2026-03-31", "网格平台"]],
    )
    assert "第2行: 工号“wg7002”不存在或不在您的管理范围内" in html
    assert MetricRecord.objects.get(worker=people["a"]).value == Decimal("80.00")
    assert not MetricRecord.objects.filter(worker=people["b"]).exists()


def test_page_refuses_other_file_types_with_a_message(client, people):
    client.force_login(people["hr"].user)
    response = client.post(PAGE, {"file": SimpleUploadedFile("m.txt", b"abc", content_type="text/plain")})
    assert response.status_code == 200 and "不支持的文件格式“.txt”" in response.content.decode()
    response = client.post(PAGE, {})
    assert "请选择要上传的文件" in response.content.decode()
    broken = SimpleUploadedFile("m.xlsx", b"not a workbook", content_type="application/octet-stream")
    response = client.post(PAGE, {"file": broken})
    assert "无法读取 Excel 文件" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("who", ["manager", "a"])
def test_page_is_not_there_for_managers_and_workers(client, people, who):
    client.force_login(people[who].user)
    assert client.get(PAGE).status_code == 403
    response = client.post(PAGE, {"file": upload("m.csv", [["wg7001", "2.2", "80", "2026-03-31", "网格平台"]])})
    assert response.status_code == 403 and not MetricRecord.objects.exists()
