"""The Wagtail admin speaks Chinese to a trainer: Wagtail's zh_Hans catalogue leaves about a third of
its strings in English ("72 Pages", "Search all pages…"); locale/zh_Hans fills the ones trainers meet."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from lms import roles

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
ENGLISH_LEFT_BEFORE = (
    "Search all pages",
    "Pages <span",
    "Save changes",
    "Has child pages",
    "Date updated",
    "Edited by",
)


@pytest.mark.django_db
def test_admin_pages_render_chinese_for_a_trainer(client, city_tree, make_worker):
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    client.force_login(trainer.user)
    home = client.get("/admin/").content.decode()
    assert "搜索全部页面…" in home
    assert re.search(r"\d+ 个页面", home)
    explorer = client.get("/admin/pages/", follow=True).content.decode()
    for html in (home, explorer):
        for english in ENGLISH_LEFT_BEFORE:
            assert english not in html, english
    assert "更新日期" in explorer or "编辑人" in explorer or "有子页面" in explorer


def test_admin_offers_no_other_language():
    assert [code for code, _ in settings.WAGTAILADMIN_PERMITTED_LANGUAGES] == ["zh-hans"]


def test_compiled_catalogue_matches_its_source():
    """django.mo is committed (msgfmt is not needed to run the site); it must say what django.po says."""
    source = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    compiled = gettext.GNUTranslations((CATALOGUE / "django.mo").open("rb"))
    singular = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', source, flags=re.M)
    assert len(singular) > 30
    for msgid, msgstr in singular:
        unescape = lambda text: text.replace('\\"', '"')  # noqa: E731
        assert compiled.gettext(unescape(msgid)) == unescape(msgstr), msgid
