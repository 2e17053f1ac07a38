"""Synonym groups (docs/rules.md §10): a query word expands to its group, the word typed ranking
above its synonyms; FAQs and snippets follow; trainers edit the groups in the Wagtail admin and
the next search sees the edit; workers cannot reach them; the shipped groups are seeded once."""

import datetime as dt

import pytest

from casebank import selectors, services
from casebank.models import CaseCategory, Faq, SearchIndexState, SynonymGroup
from casebank.search import postings, segment, synonyms
from casebank.search.synonyms import SYNONYM_WEIGHT
from lms import roles

pytestmark = pytest.mark.django_db

ADMIN = "/admin/snippets/casebank/synonymgroup/"


def _case(title, problem, category="燃气安全", day="2026-01-05"):
    page, _ = services.case_publish(
        data=services.CaseData(
            title=title,
            category=CaseCategory.objects.get(name=category),
            problem=problem,
            handling="网格员上门处理。",
            case_date=dt.date.fromisoformat(day),
        )
    )
    return page


@pytest.fixture
def trainer(city_tree, make_worker):
    return make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))


@pytest.fixture
def trainee(city_tree, make_worker):
    return make_worker(unit=city_tree["grid_a"])


def test_the_shipped_groups_are_seeded_once_and_never_over_a_trainers_edits():
    # seeded by the migrate that built the test database
    assert SynonymGroup.objects.count() >= 150
    assert SynonymGroup.objects.count() == len(segment.shipped_synonym_lines())
    for words in (["燃气", "煤气", "天然气"], ["夫妻", "两口子", "老两口"], ["低保", "最低生活保障"]):
        assert any(set(words) <= set(g.word_list()) for g in SynonymGroup.objects.all())
    SynonymGroup.objects.all().delete()
    assert services.synonym_groups_seed() == 0
    assert not SynonymGroup.objects.exists()  # a trainer who deleted them all keeps it that way
    SearchIndexState.objects.filter(key=services.SYNONYMS_SEEDED_KEY).delete()
    assert services.synonym_groups_seed() == len(segment.shipped_synonym_lines())


def test_a_synonym_finds_the_case_and_the_word_typed_ranks_first():
    gas = _case("楼道燃气泄漏处置", "居民闻到燃气味，网格员组织疏散。")
    coal = _case("楼道煤气泄漏处置", "居民闻到煤气味，网格员组织疏散。", day="2026-01-01")
    # each finds both; the case with the word typed comes first (though the other is newer)
    assert [h.id for h in selectors.search_cases("煤气")[1]] == [coal.pk, gas.pk]
    assert [h.id for h in selectors.search_cases("燃气")[1]] == [gas.pk, coal.pk]
    # a synonym's match counts SYNONYM_WEIGHT of the same match typed
    _, hits = selectors.search_cases("煤气")
    typed = {h.id: h.score for h in selectors.search_cases("燃气")[1]}
    assert hits[1].score == pytest.approx(SYNONYM_WEIGHT * typed[gas.pk])


def test_expansion_weights_and_multi_word_synonyms():
    weights = selectors.search_weights("两口子吵架")
    assert weights["两口子"] == 1.0 and weights["吵架"] == 1.0
    assert weights["夫妻"] == SYNONYM_WEIGHT and weights["争吵"] == SYNONYM_WEIGHT
    # a word added later that the dictionary does not hold is looked up as its words
    group = SynonymGroup.objects.create(words="垃圾分类 分拣生活废物")
    assert synonyms.search_words_of("分拣生活废物") == segment.query_terms("分拣生活废物")
    assert set(selectors.search_weights("垃圾分类")) >= set(segment.query_terms("分拣生活废物"))
    group.delete()
    assert "分拣" not in selectors.search_weights("垃圾分类")


def test_ranked_ids_scales_each_term_by_its_weight():
    from casebank.models import CasePage

    case = _case("燃气表读数异常", "燃气表走字很快。")
    _, plain = postings.ranked_ids(CasePage, ["燃气"], 5)
    _, scaled = postings.ranked_ids(CasePage, ["燃气"], 5, weights={"燃气": 0.5})
    assert plain[0][0] == scaled[0][0] == case.pk and scaled[0][1] == pytest.approx(plain[0][1] / 2)


def test_synonym_hits_are_marked_in_the_snippet():
    _case("燃气灶具漏气", "居民家燃气灶漏气。")
    _, hits = selectors.search_cases("煤气")
    assert "<mark>燃气</mark>" in hits[0].snippet_html


def test_faqs_expand_too(client, trainee):
    category = CaseCategory.objects.get(name="燃气安全")
    faq = Faq.objects.create(
        question="闻到燃气味怎么办？", answer="不开关电器，开窗通风，离开后拨打燃气公司电话。", category=category
    )
    count, hits = selectors.search_faqs("煤气")
    assert count == 1 and hits[0].id == faq.pk and "<mark>燃气</mark>" in hits[0].snippet_html
    client.force_login(trainee.user)
    html = client.get("/faq/", {"q": "煤气"}).content.decode()
    assert "闻到燃气味怎么办？" in html


def _admin_form(group, words):
    return {"words": words, "note": group.note if group else ""}


def test_a_trainer_edits_a_group_in_the_admin_and_the_next_search_sees_it(client, trainer):
    case = _case("厨房异常排查", "居民家中灶台旁有异味，网格员联系燃气公司。")
    assert selectors.search_cases("沼气")[0] == 0
    group = next(g for g in SynonymGroup.objects.all() if "燃气" in g.word_list())
    client.force_login(trainer.user)
    assert client.get(f"{ADMIN}edit/{group.pk}/").status_code == 200
    response = client.post(f"{ADMIN}edit/{group.pk}/", _admin_form(group, f"{group.words} 沼气"))
    assert response.status_code == 302
    assert "沼气" in SynonymGroup.objects.get(pk=group.pk).word_list()
    assert case.pk in [h.id for h in selectors.search_cases("沼气")[1]]
    # a new group through the admin
    assert selectors.search_cases("炉台")[0] == 0
    response = client.post(f"{ADMIN}add/", {"words": "灶台、炉台", "note": "培训测试"})
    assert response.status_code == 302
    assert case.pk in [h.id for h in selectors.search_cases("炉台")[1]]
    # and its deletion
    created = SynonymGroup.objects.get(note="培训测试")
    response = client.post(f"{ADMIN}delete/{created.pk}/")
    assert response.status_code == 302 and not SynonymGroup.objects.filter(pk=created.pk).exists()
    assert selectors.search_cases("炉台")[0] == 0


@pytest.mark.parametrize(
    "words, message",
    [
        ("沼气", "同义词组至少要有两个不同的词"),
        ("沼气 沼气", "同义词组至少要有两个不同的词"),
        ("沼气 " + "长" * 21, "过长（不超过 20 字）"),
        ("沼气 煤气", "“煤气”已在同义词组"),
    ],
)
def test_the_admin_refuses_a_bad_group_in_chinese(client, trainer, words, message):
    client.force_login(trainer.user)
    before = SynonymGroup.objects.count()
    response = client.post(f"{ADMIN}add/", {"words": words, "note": ""})
    assert response.status_code == 200 and message in response.content.decode()
    assert SynonymGroup.objects.count() == before


def test_only_trainers_and_admins_reach_the_synonym_groups(client, trainee, city_tree, make_worker, django_user_model):
    group = SynonymGroup.objects.first()
    response = client.get(ADMIN)
    assert response.status_code == 302 and "/login" in response["Location"]
    for role in (roles.TRAINEE, roles.MENTOR, roles.HR, roles.MANAGER):
        user = make_worker(unit=city_tree["grid_a"], role_codes=(role,)).user
        client.force_login(user)
        for url in (ADMIN, f"{ADMIN}edit/{group.pk}/", f"{ADMIN}add/"):
            assert client.get(url).status_code in (302, 403), (role, url)
        client.post(f"{ADMIN}edit/{group.pk}/", {"words": "被改了 改了", "note": ""})
        assert SynonymGroup.objects.get(pk=group.pk).words == group.words
    trainer = make_worker(unit=city_tree["city"], role_codes=(roles.TRAINER,))
    client.force_login(trainer.user)
    listing = client.get(ADMIN)
    assert listing.status_code == 200 and "同义词" in listing.content.decode()
    assert client.get(ADMIN, {"q": "煤气"}).status_code == 200
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    assert client.get(f"{ADMIN}edit/{group.pk}/").status_code == 200


def test_the_services_keep_a_word_in_one_group_too():
    gas = next(g for g in SynonymGroup.objects.all() if "燃气" in g.word_list())
    with pytest.raises(services.SynonymRefused, match="“夫妻”已在同义词组"):
        services.synonym_word_add(group=gas, word="夫妻")
    with pytest.raises(services.SynonymRefused, match="“煤气”已在同义词组"):
        services.synonym_group_create(words=["沼气", "煤气"])
    assert "沼气" in services.synonym_word_add(group=gas, word="沼气").word_list()
    assert (
        services.synonym_word_add(group=gas, word="煤气").word_list() == SynonymGroup.objects.get(pk=gas.pk).word_list()
    )
    assert services.synonym_group_create(words=["灶台", "炉台"]).word_list() == ["灶台", "炉台"]
