"""Batch rendering: one file per certificate plus the joined batch, rare characters kept."""

import datetime as dt
import shutil
import subprocess

import pytest

from certificates import rendering

pytestmark = pytest.mark.skipif(shutil.which("pdfunite") is None, reason="poppler-utils 未安装")


def sheet(n, name):
    return rendering.CertificateSheet(
        holder_name=name,
        employee_no=f"R{n:04d}",
        type_name="竞赛获奖证书",
        type_code="AWARD",
        serial_no=f"GA-2025-{n:06d}",
        issued_on=dt.date(2025, 9, 1),
        valid_until=None,
        issuer="网格学院",
        source_label="在技能比武中获奖",
        verify_url=f"https://example.org/verify/{n}/",
    )


def test_render_many_with_batch_font_and_processes(tmp_path, settings):
    settings.CERTIFICATE_RENDER_PROCESSES = 2
    names = [f"网格员{n}" for n in range(24)]
    names[7] = "李䶮"  # U+4DAE, outside GB 2312: falls back to the full font
    sheets = [sheet(n, name) for n, name in enumerate(names)]
    paths = [tmp_path / f"{n}.pdf" for n in range(24)]
    batch = tmp_path / "out" / "batch.pdf"
    done = []
    rendering.render_many(sheets, paths, batch, progress=done.append, chunk_size=10)
    assert sum(done) == 24 and done == [10, 10, 4]
    text = subprocess.run(["pdftotext", str(paths[7]), "-"], capture_output=True, text=True).stdout
    assert "李䶮" in text
    fonts = subprocess.run(["pdffonts", str(paths[3])], capture_output=True, text=True).stdout
    assert "GABatch" in fonts and " yes " in fonts
    info = subprocess.run(["pdfinfo", str(batch)], capture_output=True, text=True).stdout
    assert "Pages:           24" in info or "Pages:          24" in info
    batch_text = subprocess.run(["pdftotext", str(batch), "-"], capture_output=True, text=True).stdout
    assert "网格员23" in batch_text and "李䶮" in batch_text
    assert not [p for p in (tmp_path / "out").iterdir() if p.name != "batch.pdf"]  # work files removed
