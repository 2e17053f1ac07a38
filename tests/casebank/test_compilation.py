"""The monthly 《网格员工作案例汇编》: previous month's cases as a PDF with a CJK font embedded, a
table of contents, listed for download; the beat entry for the 1st of each month."""

import datetime as dt
import shutil
import subprocess

import pytest
from django_celery_beat.models import PeriodicTask

from casebank import services, tasks
from casebank.models import CaseCategory, CaseCompilation
from tests.services import service_missing

pytestmark = pytest.mark.django_db


def _case(title, day):
    services.case_publish(
        data=services.CaseData(
            title=title,
            category=CaseCategory.objects.get(name="燃气安全"),
            problem="楼道里闻到燃气味。",
            handling="疏散居民并通知抢修。",
            lessons="严禁明火。",
            feedback="处置及时。",
            case_date=day,
        )
    )


def pdf_text(path):
    if not shutil.which("pdftotext"):
        service_missing("未安装 poppler-utils（pdftotext）")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout


def test_previous_month_compilation_pdf(tmp_path, settings, client, city_tree, make_worker):
    settings.MEDIA_ROOT = tmp_path
    _case("十月燃气泄漏应急疏散案例", dt.date(2026, 10, 5))
    _case("十月燃气软管老化排查案例", dt.date(2026, 10, 28))
    _case("十一月的案例不应收录", dt.date(2026, 11, 2))
    assert services.previous_month(dt.date(2026, 11, 1)) == dt.date(2026, 10, 1)
    compilation = services.compilation_render(month=dt.date(2026, 10, 1))
    assert compilation.case_count == 2
    text = pdf_text(compilation.file.path)
    assert "网格员工作案例汇编" in text and "目录" in text
    assert "十月燃气泄漏应急疏散案例" in text and "十月燃气软管老化排查案例" in text
    assert "十一月的案例不应收录" not in text
    fonts = subprocess.run(["pdffonts", compilation.file.path], capture_output=True, check=True, text=True).stdout
    cjk = [line for line in fonts.splitlines()[2:] if "CJK" in line or "GACommon" in line or "Noto" in line]
    assert cjk and all(" yes " in line for line in cjk), fonts  # embedded
    # rendering again replaces the month's file
    again = services.compilation_render(month=dt.date(2026, 10, 1))
    assert again.pk == compilation.pk and CaseCompilation.objects.count() == 1
    # listed for download on the library page
    client.force_login(make_worker(unit=city_tree["grid_a"]).user)
    assert "网格员工作案例汇编（2026年10月）" in client.get("/cases/").content.decode()
    response = client.get(f"/cases/compilations/{compilation.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_beat_entry_and_task(tmp_path, settings, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    entry = PeriodicTask.objects.get(task="casebank.compilation_previous_month")
    assert entry.crontab.day_of_month == "1" and entry.crontab.hour == "6" and entry.enabled
    monkeypatch.setattr(services, "previous_month", lambda today=None: dt.date(2026, 9, 1))
    _case("九月的案例", dt.date(2026, 9, 9))
    pk = tasks.compilation_previous_month_task.delay().get()
    compilation = CaseCompilation.objects.get(pk=pk)
    assert compilation.month == dt.date(2026, 9, 1) and compilation.case_count == 1
    assert "九月的案例" in pdf_text(compilation.file.path)


def test_an_empty_month_still_renders(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    compilation = services.compilation_render(month=dt.date(2026, 1, 1))
    assert compilation.case_count == 0 and "本月没有发布的案例" in pdf_text(compilation.file.path)
