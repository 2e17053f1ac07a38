"""Private files are never public: certificate PDFs and scans, batch PDFs, export files and case
compilations live under PRIVATE_MEDIA_ROOT, no URL reaches them, and only the views that check
who is asking send them (directly, or through nginx with X-Accel-Redirect)."""

import datetime as dt
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.checks import Error, Warning
from django.core.files.base import ContentFile
from django.test import override_settings

from casebank.models import CaseCompilation
from certificates.models import Certificate, CertificateType, IssuanceJob
from certificates.services.documents import pdf_relpath
from lms import roles
from lms.models import ExportJob
from lms.private_media import (
    LEGACY_PRIVATE_DIRS,
    legacy_private_files_move,
    private_media_check,
    private_storage,
)
from tests.certificates.conftest import default_types, make_cert  # noqa: F401  (fixtures)

D = dt.date
pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def files(media, private_media, city_tree, make_worker, make_cert):  # noqa: F811
    """One private file of each kind, and who should (and should not) get it."""
    holder = make_worker(unit=city_tree["grid_a"], employee_no="A001")
    hr = make_worker(unit=city_tree["street_a"], role_codes={roles.HR}, employee_no="HR-A")
    people = {
        "holder": holder,
        "hr": hr,
        "peer": make_worker(unit=city_tree["grid_a"], employee_no="A002"),
        "hr_other": make_worker(unit=city_tree["street_b"], role_codes={roles.HR}, employee_no="HR-B"),
        "hr_peer": make_worker(unit=city_tree["street_a"], role_codes={roles.HR}, employee_no="HR-A2"),
    }
    cert = make_cert(holder, "PSY", D(2024, 1, 1), serial_no="PSY-A001")
    cert.scan.save("a1b2c3d4e5f60718.png", ContentFile(PNG), save=False)
    cert.pdf_path = pdf_relpath(cert.pk)
    cert.save()
    private_storage().save(cert.pdf_path, ContentFile(b"%PDF-1.4 certificate"))
    job = IssuanceJob.objects.create(
        title="批次",
        certificate_type=CertificateType.objects.get(code="COURSE"),
        issued_on=D(2024, 1, 1),
        org_unit=city_tree["street_a"],
        status=IssuanceJob.Status.DONE,
        batch_pdf="certificates/batches/job-1.pdf",
    )
    private_storage().save(job.batch_pdf, ContentFile(b"%PDF-1.4 batch"))
    export = ExportJob.objects.create(
        requested_by=hr.user, kind="certificates.register", title="持证登记表（CSV）", status=ExportJob.Status.DONE
    )
    export.file.save("持证登记表.csv", ContentFile("工号\nA001\n".encode()), save=False)
    export.file_name, export.content_type = "持证登记表.csv", "text/csv; charset=utf-8"
    export.save()
    compilation = CaseCompilation(month=D(2026, 10, 1), case_count=0)
    compilation.file.save("anli-huibian-2026-10.pdf", ContentFile(b"%PDF-1.4 compilation"), save=True)
    return {
        "people": people,
        "names": {
            "pdf": cert.pdf_path,
            "scan": cert.scan.name,
            "batch": job.batch_pdf,
            "export": export.file.name,
            "compilation": compilation.file.name,
        },
        "views": {
            "pdf": f"/certificates/{cert.verification_code}.pdf",
            "scan": f"/certificates/hr/c/{cert.verification_code}/scan/",
            "batch": f"/certificates/hr/jobs/{job.pk}/batch.pdf",
            "export": f"/exports/{export.pk}/download/",
            "compilation": f"/cases/compilations/{compilation.pk}.pdf",
        },
    }


def test_every_private_file_is_under_the_private_root_only(files, media, private_media):
    for kind, name in files["names"].items():
        assert (private_media / name).is_file(), kind
        assert not (media / name).exists(), kind
    with pytest.raises(ValueError, match="没有公开网址"):
        _ = Certificate.objects.get(serial_no="PSY-A001").scan.url


@override_settings(ROOT_URLCONF="tests.urls_debug_media")
def test_no_guessable_url_serves_a_private_file(client, files, media, private_media):
    (media / "public.txt").write_text("课程资料")
    assert client.get("/media/public.txt").status_code == 200  # the DEBUG media route is really there
    guesses = ("/media/{}", "/{}", "/private/{}", "/_private/{}", "/var/private/{}", "/media/private/{}")
    guesses += ("/static/{}", "/documents/{}", "/exports/{}", "/certificates/{}")
    for who in (None, "peer", "hr_other"):
        if who is None:
            client.logout()
        else:
            client.force_login(files["people"][who].user)
        for kind, name in files["names"].items():
            for guess in guesses:
                url = guess.format(name)
                assert client.get(url).status_code == 404, (who, kind, url)
            # … nor the file's absolute path, nor a way out of MEDIA_ROOT (refused as a bad request)
            assert client.get(f"/media{private_media / name}").status_code == 404, (who, kind)
            escape = f"/media/../{private_media.name}/{name}"
            assert client.get(escape).status_code in (400, 404), (who, kind)


RIGHT = {"pdf": "holder", "scan": "hr", "batch": "hr", "export": "hr", "compilation": "peer"}
WRONG = {
    "pdf": ("peer", "hr_other"),
    "scan": ("peer", "holder", "hr_other"),
    "batch": ("peer", "hr_other"),
    "export": ("hr_peer", "hr_other", "holder"),
    "compilation": (),
}


def test_each_view_gives_the_file_to_the_right_person_and_404_to_a_peer(client, files):
    people = files["people"]
    for kind, url in files["views"].items():
        client.force_login(people[RIGHT[kind]].user)
        response = client.get(url)
        assert response.status_code == 200, kind
        body = b"".join(response.streaming_content)
        assert body == private_storage().open(files["names"][kind]).read(), kind
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], kind
        for who in WRONG[kind]:
            client.force_login(people[who].user)
            assert client.get(url).status_code == 404, (kind, who)
    client.force_login(people["hr"].user)  # HR of the holder's subtree also gets the certificate PDF
    assert client.get(files["views"]["pdf"]).status_code == 200
    client.logout()
    for kind, url in files["views"].items():
        assert client.get(url).status_code in (302, 404), kind  # to the login page, or not found
        assert client.get(url).status_code != 200


def test_with_nginx_the_views_answer_with_x_accel_redirect_and_no_body(client, files, settings):
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    people = files["people"]
    for kind, url in files["views"].items():
        client.force_login(people[RIGHT[kind]].user)
        response = client.get(url)
        assert response.status_code == 200, kind
        assert response["X-Accel-Redirect"] == "/_private/" + quote(files["names"][kind]), kind
        assert response.content == b"", kind
        assert response["Content-Disposition"], kind
        for who in WRONG[kind]:
            client.force_login(people[who].user)
            response = client.get(url)
            assert response.status_code == 404 and "X-Accel-Redirect" not in response, (kind, who)
    client.force_login(people["holder"].user)
    response = client.get(files["views"]["pdf"])
    assert response["X-Accel-Redirect"] == f"/_private/{files['names']['pdf']}"
    assert response["Content-Type"] == "application/pdf"


def test_a_missing_file_is_404_not_an_error(client, files, private_media):
    (private_media / files["names"]["batch"]).unlink()
    client.force_login(files["people"]["hr"].user)
    assert client.get(files["views"]["batch"]).status_code == 404


def test_files_from_before_the_change_move_to_the_private_root_and_still_download(client, files, media, private_media):
    # An upgraded deployment: the files sit under MEDIA_ROOT where earlier versions wrote them.
    for name in files["names"].values():
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (private_media / name).rename(media / name)
    (media / "original_images").mkdir()
    (media / "original_images" / "photo.jpg").write_bytes(b"public")
    (private_media / files["names"]["compilation"]).parent.mkdir(parents=True, exist_ok=True)
    (private_media / files["names"]["compilation"]).write_bytes(b"newer")  # already there: never overwritten
    warnings = [w for w in private_media_check() if isinstance(w, Warning)]
    assert [w.id for w in warnings] == ["lms.W001"]

    report = legacy_private_files_move()
    assert report.moved == 4 and report.conflicts == [files["names"]["compilation"]]
    assert (media / files["names"]["compilation"]).exists()  # the conflicting one stays where it was
    assert (private_media / files["names"]["compilation"]).read_bytes() == b"newer"
    assert (media / "original_images" / "photo.jpg").exists()  # public media is not touched
    for kind in ("pdf", "scan", "batch", "export"):
        assert (private_media / files["names"][kind]).is_file() and not (media / files["names"][kind]).exists()
    for folder in LEGACY_PRIVATE_DIRS[:4]:
        assert not (media / folder).exists(), folder  # emptied folders are removed
    assert legacy_private_files_move().moved == 0  # idempotent
    for kind in ("pdf", "scan", "batch", "export"):
        client.force_login(files["people"][RIGHT[kind]].user)
        assert client.get(files["views"][kind]).status_code == 200, kind


def test_the_migration_moves_the_files_and_reverses(files, media, private_media):
    import importlib

    migration = importlib.import_module("lms.migrations.0005_private_media")
    name = files["names"]["pdf"]
    migration.move_back_to_media_root(None, None)
    assert (media / name).is_file() and not (private_media / name).exists()
    migration.move_to_private_root(None, None)
    assert (private_media / name).is_file() and not (media / name).exists()


def test_system_check_refuses_a_private_root_inside_a_public_one(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "media" / "private"
    errors = [e for e in private_media_check() if isinstance(e, Error)]
    assert [e.id for e in errors] == ["lms.E001"]
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "_private"
    assert [e.id for e in private_media_check() if isinstance(e, Error)] == ["lms.E002"]
    settings.PRIVATE_MEDIA_ACCEL_REDIRECT = "/_private/"
    assert not private_media_check()


def test_default_private_root_is_outside_media_and_env_overridable(monkeypatch, tmp_path):
    import importlib

    import lms.settings

    assert Path(lms.settings.PRIVATE_MEDIA_ROOT) == lms.settings.VAR_DIR / "private"
    assert lms.settings.PRIVATE_MEDIA_ACCEL_REDIRECT == ""
    monkeypatch.setenv("PRIVATE_MEDIA_ROOT", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PRIVATE_MEDIA_ACCEL_REDIRECT", "/_private/")
    try:
        reloaded = importlib.reload(lms.settings)
        assert reloaded.PRIVATE_MEDIA_ROOT == tmp_path / "elsewhere"
        assert reloaded.PRIVATE_MEDIA_ACCEL_REDIRECT == "/_private/"
    finally:
        monkeypatch.undo()
        importlib.reload(lms.settings)
