"""Downloaded files get Chinese names (RFC 6266 `filename*=UTF-8''…`) with an ASCII fallback, all
through lms.downloads; no view writes Content-Disposition by hand."""

import ast
from pathlib import Path
from urllib.parse import unquote

import pytest

from lms.downloads import ascii_fallback, content_disposition, safe_filename

ROOT = Path(__file__).resolve().parents[2]


def _filename_star(header: str) -> str:
    for part in header.split(";"):
        key, _, value = part.strip().partition("=")
        if key.lower() == "filename*":
            charset, _, encoded = value.partition("''")
            assert charset.upper() == "UTF-8"
            return unquote(encoded)
    raise AssertionError(f"no filename* in {header!r}")


def test_chinese_name_with_ascii_fallback():
    header = content_disposition("培训记录-张三-wg0002.xlsx", ascii_name="training-record-wg0002.xlsx")
    assert header.startswith('attachment; filename="training-record-wg0002.xlsx"; ')
    assert _filename_star(header) == "培训记录-张三-wg0002.xlsx"
    assert header.isascii()


def test_fallback_is_derived_when_not_given_and_unsafe_characters_go():
    header = content_disposition('学时达标/"甲街道"\r\n-2026.xlsx', attachment=False)
    assert header.startswith('inline; filename="2026.xlsx"')
    assert _filename_star(header) == "学时达标-甲街道-2026.xlsx"
    assert ascii_fallback("证书.pdf") == "download.pdf"
    assert safe_filename("...") == "download"
    assert content_disposition("report.pdf") == 'attachment; filename="report.pdf"'


def test_no_view_sets_content_disposition_by_hand():
    """Every download goes through lms.downloads (FileResponse(filename=…) and Django's
    content_disposition_header give no ASCII fallback)."""
    offenders = []
    for app in ("lms", "courses", "casebank", "assessments", "certificates"):
        for path in (ROOT / app).rglob("*.py"):
            if path.name == "downloads.py" or "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and node.value == "Content-Disposition":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.Name) and node.id == "content_disposition_header":
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("FileResponse"):
                    if any(keyword.arg == "filename" for keyword in node.keywords):
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not offenders, offenders


@pytest.mark.django_db
def test_training_record_download_has_a_chinese_name(client, city_tree, make_worker):
    worker = make_worker(unit=city_tree["grid_a"], name="张三")
    client.force_login(worker.user)
    response = client.get("/courses/my/record.xlsx")
    assert response.status_code == 200
    header = response["Content-Disposition"]
    assert f'filename="training-record-{worker.employee_no}.xlsx"' in header
    assert _filename_star(header) == f"培训记录-张三-{worker.employee_no}.xlsx"


@pytest.mark.django_db
def test_private_files_get_the_same_header(settings, private_media):
    from lms.private_media import private_file_response

    (private_media / "exports").mkdir()
    (private_media / "exports" / "x.csv").write_text("a")
    response = private_file_response("exports/x.csv", filename="持证登记表.csv", as_attachment=True)
    assert response["Content-Disposition"].startswith('attachment; filename="download.csv"')
    assert _filename_star(response["Content-Disposition"]) == "持证登记表.csv"
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    response = private_file_response("exports/x.csv", filename="持证登记表.csv", as_attachment=True)
    assert _filename_star(response["Content-Disposition"]) == "持证登记表.csv"
