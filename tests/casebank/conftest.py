import datetime as dt

import pytest


def ensure_site():
    """Root → 站点首页 → Site, as migrations leave them; a transactional test's flush removes them."""
    from wagtail.models import Locale, Page, Site

    from lms.models import HomePage

    if HomePage.objects.exists():
        return
    Locale.objects.get_or_create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=HomePage(title="网格学院", slug="home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "网格学院"}
    )


@pytest.fixture
def demo_library(db, settings, tmp_path):
    """The demo's 42 cases, 30 FAQs and 4 drills (published through the real services)."""
    from casebank import demo

    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_site()
    demo.load(None, with_compilation=False)


@pytest.fixture
def small_library(db):
    """A few of the demo's cases, FAQs and drills — for page tests that need content, not volume."""
    from casebank import services
    from casebank.demo_cases import CASES
    from casebank.demo_drills import DRILLS
    from casebank.demo_faqs import FAQS
    from casebank.models import CaseCategory

    ensure_site()
    services.casebank_defaults_ensure()
    categories = {c.name: c for c in CaseCategory.objects.all()}
    wanted = {
        "楼上漏水引发的邻里纠纷调解",
        "小区燃气泄漏的应急疏散",
        "如何处理高空抛物：3号楼连续掉落瓷砖的真相",
        "宠物狗扰邻的调解经过",
    }
    for title, category, problem, handling, lessons, feedback, tags, codes, day in CASES:
        if title in wanted:
            services.case_publish(
                data=services.CaseData(
                    title=title,
                    category=categories[category],
                    problem=problem,
                    handling=handling,
                    lessons=lessons,
                    feedback=feedback,
                    tags=tags.split(";"),
                    indicator_codes=codes.split(";"),
                    case_date=dt.date.fromisoformat(day),
                )
            )
    for category, question, answer in FAQS:
        if category in ("燃气安全", "传销线索"):
            services.faq_save(question=question, answer=answer, category=categories[category])
    library = services.drill_library_ensure()
    for drill in DRILLS:
        if drill["slug"] in ("gas-leak", "noise-complaint"):
            services.drill_publish(
                parent=library,
                title=drill["title"],
                slug=drill["slug"],
                summary=drill["summary"],
                steps=drill["steps"],
                indicator_codes=drill["indicators"],
            )
