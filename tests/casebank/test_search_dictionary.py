"""The project's jieba dictionary (casebank/search/dictionary.txt, docs/rules.md §10): each domain
word is one word in a sentence, on a tokenizer of its own (jieba's shared one is left alone), and
a change of the dictionary rebuilds the search index at the next `ranking_index_ensure`."""

import datetime as dt

import jieba
import pytest

from casebank import selectors, services
from casebank.models import CaseCategory, SearchDocument, SearchIndexState, SearchPostingList
from casebank.search import segment

# the words added because jieba's general dictionary cuts them (网格员 → 网格 / 员)
ADDED = [line.split()[0] for line in segment.DICTIONARY_PATH.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_dictionary_lists_grid_work_words():
    assert len(ADDED) >= 100
    for word in ("网格员", "独居老人", "高空抛物", "噪音扰民", "燃气泄漏", "消防通道", "群租房", "社区民警"):
        assert word in ADDED


@pytest.mark.parametrize("word", ADDED)
def test_each_dictionary_word_is_one_word_in_a_sentence(word):
    assert word in segment.cut(f"今天社区里{word}的事情处理完了"), segment.cut(f"今天社区里{word}的事情处理完了")


def test_each_shipped_synonym_stands_as_one_word():
    split = []
    for line in segment.shipped_synonym_lines():
        for word in segment.split_words(line):
            if len(word) > 1 and segment.cut(word) != [word]:
                split.append((word, segment.cut(word)))
    assert split == []


def test_jiebas_shared_tokenizer_keeps_the_general_dictionary():
    segment.cut("网格员")
    assert jieba.lcut("网格员") == ["网格", "员"]
    assert segment.cut("网格员") == ["网格员"]


def test_the_fingerprint_covers_both_word_files_and_the_version(tmp_path, monkeypatch):
    before = segment.dictionary_fingerprint()
    changed = tmp_path / "dictionary.txt"
    changed.write_text(segment.DICTIONARY_PATH.read_text(encoding="utf-8") + "窨井盖 2000 n\n", encoding="utf-8")
    monkeypatch.setattr(segment, "DICTIONARY_PATH", changed)
    assert segment.dictionary_fingerprint() != before
    monkeypatch.undo()
    monkeypatch.setattr(segment, "SEGMENTATION_VERSION", "test")
    assert segment.dictionary_fingerprint() != before


def _case(title, problem):
    page, _ = services.case_publish(
        data=services.CaseData(
            title=title,
            category=CaseCategory.objects.get(name="环境卫生"),
            problem=problem,
            handling="网格员上报后，城管当天清理。",
            case_date=dt.date(2026, 3, 1),
        )
    )
    return page


@pytest.mark.django_db
def test_the_index_is_rebuilt_when_the_dictionary_changes(tmp_path, monkeypatch):
    services.ranking_index_ensure()
    state = SearchIndexState.objects.get(key=services.DICTIONARY_STATE_KEY)
    assert state.value == segment.dictionary_fingerprint()
    case = _case("路口窨井盖缺失", "居民反映路口窨井盖缺失，夜里有人踩空。")
    assert "窨井盖" in SearchDocument.objects.get(object_id=case.pk).terms.split()

    # an unchanged dictionary: nothing is rebuilt (postings removed by hand stay removed)
    SearchPostingList.objects.filter(term="窨井盖").delete()
    services.ranking_index_ensure()
    assert not SearchPostingList.objects.filter(term="窨井盖").exists()

    # a new dictionary word (踩空 is two words in jieba's dictionary): the fingerprint differs and
    # the case is indexed again, with the new word as one word
    assert "踩空" not in segment.cut("夜里有人踩空")
    changed = tmp_path / "dictionary.txt"
    changed.write_text(segment.DICTIONARY_PATH.read_text(encoding="utf-8") + "踩空 3000 v\n", encoding="utf-8")
    monkeypatch.setattr(segment, "DICTIONARY_PATH", changed)
    monkeypatch.setattr(segment, "_tokenizer", jieba.Tokenizer())
    monkeypatch.setattr(segment, "_initialised", False)
    segment.term_weight.cache_clear()
    try:
        assert segment.dictionary_fingerprint() != state.value
        services.ranking_index_ensure()
        state.refresh_from_db()
        assert state.value == segment.dictionary_fingerprint()
        assert SearchPostingList.objects.filter(term="窨井盖").exists()
        assert selectors.search_cases("踩空")[1][0].id == case.pk
        assert "踩空" in SearchDocument.objects.get(object_id=case.pk).terms.split()
        assert SearchPostingList.objects.filter(term="踩空").exists()
    finally:
        monkeypatch.undo()
        segment.term_weight.cache_clear()
