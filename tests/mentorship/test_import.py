"""`manage.py import_mentorships FILE`: all or nothing, `第N行: 原因`, exit 2, a re-run changes nothing."""

import datetime as dt
import io

from django.core.management import call_command
from openpyxl import Workbook

from assessments.mentorship.models import MentorshipTerm

HEADER = "导师工号,徒弟工号,开始日期,计划结束日期\n"
D = dt.date


def run(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_mentorships", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def write(tmp_path, lines, name="terms.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8-sig")
    return path


def test_imports_and_rerun_changes_nothing(tmp_path, people):
    p = {k: w.employee_no for k, w in people.items()}
    path = write(
        tmp_path,
        [
            f"{p['mentor']},{p['mentee']},2026-03-01,2026-07-01",
            f"{p['mentor']},{p['mentee2']},2026/3/15,2026年9月15日",
            f"{p['mentor2']},{p['mentee3']},2026-03-01,2026-06-01",
        ],
    )
    code, out, err = run(path)
    assert (code, err) == (0, "")
    assert "新建帮带期 3 个" in out
    assert MentorshipTerm.objects.count() == 3
    term = MentorshipTerm.objects.get(mentee=people["mentee2"])
    assert (term.start, term.planned_end, term.status, term.created_by) == (
        D(2026, 3, 15),
        D(2026, 9, 15),
        "进行中",
        None,
    )
    code, out, err = run(path)
    assert code == 0 and "新建帮带期 0 个，已存在未变 3 个" in out
    assert MentorshipTerm.objects.count() == 3


def test_every_bad_row_reported_and_nothing_written(tmp_path, people, settings):
    p = {k: w.employee_no for k, w in people.items()}
    path = write(
        tmp_path,
        [
            f"{p['mentor']},{p['mentee']},2026-03-01,2026-07-01",  # 1: fine
            f"{p['plain']},{p['mentee2']},2026-03-01,2026-07-01",  # 2: no mentor role
            f"{p['mentor']},{p['mentor']},2026-03-01,2026-07-01",  # 3: mentor = mentee
            f"{p['mentor2']},{p['mentee']},2026-06-01,2026-09-01",  # 4: overlaps row 1 (same file)
            f"{p['mentor2']},{p['mentee2']},2026-03-01,2026-05-31",  # 5: shorter than 3 months
            f"{p['mentor2']},{p['mentee3']},2026-03-01,2026-09-02",  # 6: longer than 6 months
            f"{p['mentor']},{p['mentee3']},2026-03-01,2026-07-01",  # 7: mentor's second — fine
            f"{p['mentor']},{p['plain']},2026-04-01,2026-08-01",  # 8: mentor's third at once
            f"X999,{p['mentee2']},2026-13-01,2026-07-01",  # 9: unknown mentor, bad date
        ],
    )
    code, out, err = run(path)
    assert code == 2
    lines = err.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["第2行", "第3行", "第4行", "第5行", "第6行", "第8行", "第9行"]
    assert "没有导师角色" in lines[0]
    assert "同一人" in lines[1]
    assert "重叠" in lines[2]
    assert "不足 3 个月" in lines[3]
    assert "超过 6 个月" in lines[4]
    assert "已带 2 名徒弟" in lines[5]
    assert "导师工号“X999”不存在" in lines[6] and "开始日期“2026-13-01”不是有效日期" in lines[6]
    assert MentorshipTerm.objects.count() == 0


def test_overlap_with_an_existing_term(tmp_path, people, make_term):
    make_term(people["mentor"], people["mentee"], start=D(2026, 3, 1), planned_end=D(2026, 7, 1))
    path = write(tmp_path, [f"{people['mentor2'].employee_no},{people['mentee'].employee_no},2026-05-01,2026-08-01"])
    code, _, err = run(path)
    assert code == 2 and err.startswith("第1行:") and "重叠" in err
    assert MentorshipTerm.objects.count() == 1


def test_xlsx_and_missing_columns(tmp_path, people):
    book = Workbook()
    sheet = book.active
    sheet.append(["导师工号", "徒弟工号", "开始日期", "计划结束日期"])
    sheet.append([people["mentor"].employee_no, people["mentee"].employee_no, dt.datetime(2026, 3, 1), "2026-07-01"])
    book.save(tmp_path / "terms.xlsx")
    assert run(tmp_path / "terms.xlsx")[0] == 0
    assert MentorshipTerm.objects.get().start == D(2026, 3, 1)
    bad = tmp_path / "bad.csv"
    bad.write_text("导师工号,徒弟工号\nA,B\n", encoding="utf-8")
    code, _, err = run(bad)
    assert code == 2 and "缺少必需的列：开始日期、计划结束日期" in err
