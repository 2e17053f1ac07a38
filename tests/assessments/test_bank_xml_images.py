"""Pictures embedded in Moodle XML question text become Wagtail images in 题库图片, are reused on
re-import (same content, same image) and go back out as base64 `@@PLUGINFILE@@` files."""

import base64
import io
import os
from xml.etree import ElementTree as ET

import pytest
from django.db import transaction
from PIL import Image as PILImage
from wagtail.images import get_image_model

from assessments.bank_moodle_xml import parse_moodle_xml
from assessments.models import Question, Quiz
from assessments.services import questions_import, quiz_export_bank
from assessments.services.bank_images import IMAGE_COLLECTION
from lms.importing import ImportRejected
from tests.assessments.test_bank_moodle_xml import quiz_xml

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png(colour=(200, 30, 30), size=(8, 6)) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def picture_question(name="路口.png", data=None, stem_name=None, encoded=None) -> str:
    encoded = encoded if encoded is not None else base64.b64encode(data or png()).decode()
    src = "@@PLUGINFILE@@/" + (stem_name or name.replace(" ", "%20"))
    return f"""<question type="truefalse">
  <name><text>看图判断</text></name>
  <questiontext format="html">
    <text><![CDATA[<p>图中路口可以停车吗？</p><p><img src="{src}" alt="路口" onerror="alert(1)"></p>]]></text>
    <file name="{name}" path="/" encoding="base64">{encoded}</file>
  </questiontext>
  <answer fraction="0"><text>true</text></answer>
  <answer fraction="100"><text>false</text></answer>
</question>"""


def import_file(tmp_path, data: bytes, title="看图题"):
    path = tmp_path / "bank.xml"
    path.write_bytes(data)
    return questions_import(path=path, quiz_title=title)


def test_an_embedded_picture_becomes_a_wagtail_image_and_the_stem_points_at_it(tmp_path):
    picture = png()
    import_file(tmp_path, quiz_xml(picture_question(name="路口 照片.png", data=picture)))
    image = get_image_model().objects.get()
    assert image.collection.name == IMAGE_COLLECTION and image.title == "路口 照片.png"
    assert (image.width, image.height) == (8, 6)
    with image.open_file() as handle:
        assert handle.read() == picture
    question = Question.objects.get()
    assert question.stem_format == "html"
    assert f'src="{image.file.url}"' in question.stem
    assert "@@PLUGINFILE@@" not in question.stem and "onerror" not in question.stem


def test_importing_again_reuses_the_image_and_changes_nothing(tmp_path):
    data = quiz_xml(picture_question(data=png()))
    import_file(tmp_path, data)
    summary = import_file(tmp_path, data)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert get_image_model().objects.count() == 1
    # the same picture under another name in another file is still the one image
    import_file(tmp_path, quiz_xml(picture_question(name="别名.png", data=png())), title="另一个测验")
    assert get_image_model().objects.count() == 1


def test_export_embeds_the_image_as_base64_and_the_round_trip_is_exact(tmp_path):
    picture = png(colour=(10, 120, 200))
    import_file(tmp_path, quiz_xml(picture_question(name="路口.png", data=picture)))
    quiz = Quiz.objects.get(title="看图题")
    out = tmp_path / "out.xml"
    assert quiz_export_bank(quiz=quiz, target=str(out), fmt="xml") == []
    question = ET.parse(out).getroot().find("question[@type='truefalse']")
    text = question.findtext("questiontext/text")
    file = question.find("questiontext/file")
    assert file.get("name") == "路口.png" and 'src="@@PLUGINFILE@@/%E8%B7%AF%E5%8F%A3.png"' in text
    assert (file.get("path"), file.get("encoding")) == ("/", "base64")
    assert base64.b64decode(file.text) == picture
    summary = questions_import(path=out, quiz_title="看图题")
    assert (summary.created, summary.updated) == (0, 0)
    assert get_image_model().objects.count() == 1


def test_a_rolled_back_check_leaves_only_the_file_the_import_then_uses(tmp_path, settings):
    """The import page checks a file by importing it in a transaction it rolls back."""
    data = quiz_xml(picture_question(data=png()))
    with pytest.raises(RuntimeError), transaction.atomic():
        import_file(tmp_path, data)
        raise RuntimeError("rolled back like the page's check")
    assert not get_image_model().objects.exists()
    stored = sorted((settings.MEDIA_ROOT / "original_images").iterdir())
    assert len(stored) == 1
    import_file(tmp_path, data)
    import_file(tmp_path, data, title="再导一次")
    assert sorted((settings.MEDIA_ROOT / "original_images").iterdir()) == stored
    assert get_image_model().objects.get().file.name == f"original_images/{stored[0].name}"


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (picture_question(encoded="这不是base64!!"), "图片“路口.png”的 base64 内容无效"),
        (
            picture_question(name="说明.txt", data="只是一段文字".encode()),
            "文件“说明.txt”不是可识别的图片（支持 PNG、JPEG、GIF、WebP）",
        ),
        (picture_question(stem_name="别的.png"), "题干引用的图片“别的.png”没有随文件提供"),
    ],
)
def test_bad_pictures_are_refused_with_a_reason_and_nothing_is_written(tmp_path, question, reason):
    with pytest.raises(ImportRejected) as refused:
        import_file(tmp_path, quiz_xml(question))
    assert refused.value.lines == [f"第1题（看图判断，第3行）：{reason}"]
    assert not get_image_model().objects.exists() and not Question.objects.exists()


def test_pictures_over_2_mb_are_refused():
    noisy = PILImage.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    buffer = io.BytesIO()
    noisy.save(buffer, format="BMP")  # uncompressed, ~3 MB
    big = buffer.getvalue()
    assert len(big) > 2 * 1024 * 1024
    _, errors = parse_moodle_xml(quiz_xml(picture_question(name="大图.bmp", data=big)))
    assert errors.lines() == ["第1题（看图判断，第3行）：图片“大图.bmp”大于 2 MB，请压缩后再导入"]


def test_a_picture_only_stem_round_trips_without_a_name(tmp_path):
    question = (
        picture_question(data=png())
        .replace("<p>图中路口可以停车吗？</p>", "")
        .replace("<name><text>看图判断</text></name>", "")
    )
    import_file(tmp_path, quiz_xml(question))
    stored = Question.objects.get()
    assert stored.title == "" and "<img" in stored.stem
    out = tmp_path / "out.xml"
    quiz_export_bank(quiz=Quiz.objects.get(title="看图题"), target=str(out), fmt="xml")
    assert ET.parse(out).getroot().findtext("question/name/text") == "图片题"  # Moodle needs a name
    summary = questions_import(path=out, quiz_title="看图题")
    assert (summary.created, summary.updated) == (0, 0)
