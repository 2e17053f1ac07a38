"""import_cases FILE (.jsonl/.xlsx): publishes under the library (created if missing), idempotent by
标题 + 日期, every bad row reported as 第N行 with exit 2 and nothing written."""

import json

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from casebank import selectors
from casebank.models import CaseIndexPage, CasePage

pytestmark = pytest.mark.django_db

ROWS = [
    {
        "标题": "小区井盖缺失的处置",
        "类别": "环境卫生",
        "问题描述": "居民发现小区道路井盖缺失。",
        "处置过程": "设置警示并联系市政补装。",
        "经验教训": "先防护后上报。",
        "群众反馈": "处理及时。",
        "标签": "井盖;市政",
        "能力指标": "3.1;3.3",
        "日期": "2026-10-09",
    },
    {
        "标题": "独居老人家中水管爆裂",
        "类别": "独居老人",
        "问题描述": "老人家中水管爆裂。",
        "处置过程": "关闭总阀并联系维修。",
        "经验教训": "",
        "群众反馈": "",
        "标签": ["应急"],
        "能力指标": "3.2",
        "日期": "2026/10/11",
    },
]


def write_jsonl(path, rows):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    return path


def write_xlsx(path, rows):
    wb = Workbook()
    ws = wb.active
    headers = list(ROWS[0].keys())
    ws.append(headers)
    for r in rows:
        ws.append([";".join(r[h]) if isinstance(r[h], list) else r[h] for h in headers])
    wb.save(path)
    return path


def run(path):
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_cases", str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("writer,suffix", [(write_jsonl, "jsonl"), (write_xlsx, "xlsx")])
def test_import_publishes_and_is_idempotent(tmp_path, writer, suffix):
    CaseIndexPage.objects.all().delete()  # a freshly migrated site without the library page
    path = writer(tmp_path / f"cases.{suffix}", ROWS)
    code, out, _ = run(path)
    assert code == 0 and "新增 2 条" in out
    library = CaseIndexPage.objects.get()
    pages = CasePage.objects.live().order_by("case_date")
    assert [p.title for p in pages] == ["小区井盖缺失的处置", "独居老人家中水管爆裂"]
    assert all(p.get_parent().pk == library.pk for p in pages)
    first = pages[0]
    assert first.category.name == "环境卫生" and sorted(t.name for t in first.tags.all()) == ["井盖", "市政"]
    assert sorted(first.indicators.values_list("code", flat=True)) == ["3.1", "3.3"]
    assert pages[1].case_date.isoformat() == "2026-10-11"
    assert selectors.search_cases("井盖")[1][0].title == "小区井盖缺失的处置"
    revisions = {p.pk: p.latest_revision_id for p in pages}
    code, out, _ = run(path)
    assert code == 0 and "未变 2 条" in out
    assert {p.pk: p.latest_revision_id for p in CasePage.objects.all()} == revisions
    assert CasePage.objects.count() == 2


def test_a_changed_row_updates_the_case(tmp_path):
    run(write_jsonl(tmp_path / "a.jsonl", ROWS))
    changed = [dict(ROWS[0], 处置过程="设置警示、拍照上报并联系市政当天补装。"), ROWS[1]]
    code, out, _ = run(write_jsonl(tmp_path / "b.jsonl", changed))
    assert code == 0 and "更新 1 条" in out and "未变 1 条" in out
    assert CasePage.objects.get(title="小区井盖缺失的处置").handling.startswith("设置警示、拍照上报")


def test_bad_rows_are_reported_and_nothing_is_written(tmp_path):
    bad = [
        ROWS[0],
        dict(ROWS[1], 类别="不存在的类别"),
        dict(ROWS[1], 标题=""),
        dict(ROWS[1], 日期="2026-13-40"),
        dict(ROWS[1], 能力指标="9.9"),
        dict(ROWS[0]),  # duplicate of row 1 (title + date)
    ]
    code, _, err = run(write_jsonl(tmp_path / "bad.jsonl", bad))
    assert code == 2
    lines = err.strip().splitlines()
    assert lines[0].startswith("第2行: 类别“不存在的类别”不在类别列表中")
    assert any(line.startswith("第3行: 标题不能为空") for line in lines)
    assert any(line.startswith("第4行: 日期“2026-13-40”无效") for line in lines)
    assert any(line.startswith("第5行: 能力指标“9.9”不存在") for line in lines)
    assert any(line.startswith("第6行: 与第1行的标题和日期重复") for line in lines)
    assert CasePage.objects.count() == 0


def test_missing_columns_and_unknown_format(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text(json.dumps({"标题": "只有标题"}, ensure_ascii=False), encoding="utf-8")
    code, _, err = run(path)
    assert code == 2 and "缺少必需的列" in err
    code, _, err = run(tmp_path / "nope.jsonl")
    assert code == 2 and "文件不存在" in err
