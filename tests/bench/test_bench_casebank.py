"""Benchmark of the case library search (`make bench`); figures printed with [bench], never asserted.

Loads 50,000 cases (rows written in bulk — creating Wagtail pages one by one would take hours —
then indexed through the production path: the configured search backend's `add_bulk`, i.e. the
jieba-segmenting backend, which writes both Wagtail's full-text index and the case ranking index),
and times searches, some with a category filter, through `casebank.selectors.search_cases`, the
function behind the page and the API — with synonym expansion (as served), without it, and beside
a floor (reading the postings rows of the expanded words, no scoring). Target on the 2-core machine: p95 < 50 ms on SQLite and on
PostgreSQL. The test runs on the suite's database; on SQLite it also runs itself once more against
PostgreSQL (CASEBANK_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/ga_cases_bench)
in a subprocess, or prints why it cannot.
"""

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from casebank import selectors, services
from casebank.demo_cases import CASES
from casebank.models import CaseCategory, CasePage, SearchPostingList
from casebank.search import synonyms
from casebank.search.segment import query_terms
from tests.bench.report import scaled

N_CASES = int(os.environ.get("CASEBANK_BENCH_CASES", scaled(50_000, 200)))
PG_URL = os.environ.get("CASEBANK_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ga_cases_bench")
QUERIES = [
    "纠纷",
    "漏水",
    "燃气泄漏",
    "传销",
    "吵",
    "狗",
    "高空抛物 监控",
    "独居老人 突发疾病",
    "噪音",
    "低保",
    "楼上邻居家的卫生间一直漏水把我家天花板泡坏了该找谁",
    "电动车推进楼道里充电会不会有危险",
    "居民",
    "老人",
    "消防通道",
    "医保缴费",
    "押金",
    "暴雨 地下室",
    "广场舞 音量",
    "婆媳",
]
# searches with a category filter (the filter becomes a pk list for the ranking index)
FILTERED = [("纠纷", "邻里纠纷"), ("老人", "独居老人"), ("居民 投诉", "噪音扰民"), ("燃气", "燃气安全")]
COMMUNITIES = ["春晖", "柳岸", "湖光", "荷塘", "南苑", "锦绣", "桂香", "安居"]


def _quantile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bulk_cases(count: int) -> list[int]:
    """Page + CasePage rows in bulk under the case library (treebeard paths computed here)."""
    rng = random.Random(5)
    library = services.case_library_ensure()
    categories = {c.name: c.pk for c in CaseCategory.objects.all()}
    content_type = ContentType.objects.get_for_model(CasePage)
    locale = Locale.get_default()
    start = library.numchild
    now = dt.datetime.now(dt.UTC)
    ids: list[int] = []
    batch = 2000
    for offset in range(0, count, batch):
        pages, details = [], []
        for n in range(offset, min(count, offset + batch)):
            base = CASES[rng.randrange(len(CASES))]
            other = CASES[rng.randrange(len(CASES))]
            title = f"{rng.choice(COMMUNITIES)}社区{base[0]}（第{n + 1}号）"
            slug = f"bench-{n + 1}"
            pages.append(
                Page(
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    path=CasePage._get_path(library.path, library.depth + 1, start + n + 1),
                    depth=library.depth + 1,
                    numchild=0,
                    url_path=f"{library.url_path}{slug}/",
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    locale=locale,
                    translation_key=uuid.uuid4(),
                )
            )
            details.append(
                (
                    categories[base[1]],
                    base[2] + other[4],
                    base[3],
                    base[4],
                    base[5],
                    dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300)),
                )
            )
        with transaction.atomic():
            created = Page.objects.bulk_create(pages)
            rows = [(p.pk, d[5], d[0], d[1], d[2], d[3], d[4]) for p, d in zip(created, details, strict=True)]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {CasePage._meta.db_table} (page_ptr_id, case_date, category_id, problem, handling, lessons, feedback)"
                    " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    rows,
                )
        ids.extend(p.pk for p in created)
    Page.objects.filter(pk=library.pk).update(numchild=start + count)
    return ids


def index_cases(ids: list[int]) -> None:
    backend = get_search_backend()
    for offset in range(0, len(ids), 1000):
        chunk = ids[offset : offset + 1000]
        pages = list(CasePage.objects.filter(pk__in=chunk).select_related("category").prefetch_related("tags"))
        backend.add_bulk(CasePage, pages)


@pytest.mark.django_db(transaction=True)
def test_bench_case_search(bench_report):
    services.casebank_defaults_ensure()
    started = time.perf_counter()
    ids = bulk_cases(N_CASES)
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    index_cases(ids)
    index_seconds = time.perf_counter() - started
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # warm-up (jieba's dictionary, caches), then each query 5 times, with synonym expansion (as
    # served) and without it, beside a floor: reading the postings rows of the expanded words alone
    searches = [(query, "") for query in QUERIES] + FILTERED
    for query, category in searches:
        selectors.search_cases(query, category=category, limit=20)
    timings, per_query = _timed(searches)
    plain_expand = synonyms.expand
    synonyms.expand = lambda terms: dict.fromkeys(terms, 1.0)
    try:
        plain_timings, _ = _timed(searches)
    finally:
        synonyms.expand = plain_expand
    floor_timings = _floor_timings(searches)
    t = time.perf_counter()
    for q in ("！！？？", "长" * 500, "怎么办"):
        assert selectors.search_cases(q) == (0, [])
    bad_ms = (time.perf_counter() - t) * 1000 / 3
    slowest = sorted(((statistics.median(v), q) for q, v in per_query.items()), reverse=True)[:3]
    expanded = statistics.mean(len(selectors.search_weights(q)) / max(1, len(query_terms(q))) for q, _ in searches)
    print(
        f"\n[bench] {connection.vendor}: {N_CASES} cases written in {load_seconds:.1f}s, "
        f"search index built in {index_seconds:.1f}s ({N_CASES / index_seconds:.0f} cases/s)"
        f"\n[bench] {connection.vendor}: search over {N_CASES} cases, {len(timings)} queries with synonym expansion "
        f"(×{expanded:.1f} words): p50 {statistics.median(timings):.1f} ms, p95 {_quantile(timings, 0.95):.1f} ms, "
        f"max {max(timings):.1f} ms (target p95 < 50 ms); without expansion p50 {statistics.median(plain_timings):.1f} ms, "
        f"p95 {_quantile(plain_timings, 0.95):.1f} ms; floor (postings rows read, no scoring) "
        f"p50 {statistics.median(floor_timings):.1f} ms, p95 {_quantile(floor_timings, 0.95):.1f} ms; "
        f"punctuation/500-char/question-only query {bad_ms:.2f} ms"
        f"\n[bench] {connection.vendor}: slowest queries (median ms): "
        + ", ".join(f"{q[:12]} {ms:.1f}" for ms, q in slowest)
    )
    common = dict(
        unit="ms",
        better="lower",
        database=connection.vendor,
        scale=f"{N_CASES:,} 个案例",
        floor=_quantile(floor_timings, 0.95),
        floor_label="只读检索词（扩展后）的倒排行，不计分",
    )
    reason = f"最慢的查询：{'、'.join(q[:12] for _, q in slowest)}；计分要合并每个词的全部倒排行"
    bench_report.figure(
        key="casebank.search.p95",
        label="案例检索 p95（同义词扩展，与线上相同）",
        value=_quantile(timings, 0.95),
        target=50,
        note=f"p50 {statistics.median(timings):.1f} ms，每词扩展为 {expanded:.1f} 个词",
        missed_because=reason,
        **common,
    )
    bench_report.figure(
        key="casebank.search_plain.p95",
        label="案例检索 p95（不扩展同义词）",
        value=_quantile(plain_timings, 0.95),
        note=f"p50 {statistics.median(plain_timings):.1f} ms",
        **common,
    )
    bench_report.figure(
        key="casebank.index.seconds",
        label="案例索引全量重建",
        value=index_seconds,
        unit="s",
        better="lower",
        database=connection.vendor,
        scale=f"{N_CASES:,} 个案例",
        floor=load_seconds,
        floor_label="批量写入同样的案例行（页面和案例表）",
        note=f"{N_CASES / index_seconds:.0f} 个/秒",
    )


def _timed(searches):
    timings, per_query = [], {}
    for _ in range(5):
        for query, category in searches:
            t = time.perf_counter()
            count, hits = selectors.search_cases(query, category=category, limit=20)
            elapsed = (time.perf_counter() - t) * 1000
            timings.append(elapsed)
            per_query.setdefault(f"{query}[{category}]" if category else query, []).append(elapsed)
            assert hits or count == 0
    return timings, per_query


def _floor_timings(searches):
    content_type_id = ContentType.objects.get_for_model(CasePage).pk
    timings = []
    for _ in range(5):
        for query, _category in searches:
            terms = list(selectors.search_weights(query))
            t = time.perf_counter()
            list(
                SearchPostingList.objects.filter(content_type_id=content_type_id, term__in=terms).values_list(
                    "term", "object_ids", "impacts"
                )
            )
            timings.append((time.perf_counter() - t) * 1000)
    return timings


def test_bench_case_search_on_postgresql_too(bench_report, tmp_path):
    """When the suite runs on SQLite, run the same benchmark against PostgreSQL in a subprocess."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3" or os.environ.get(
        "CASEBANK_BENCH_CHILD"
    ):
        pytest.skip("已在 PostgreSQL 上运行")
    if (
        not shutil.which("pg_isready")
        or subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode != 0
    ):
        print("\n[bench] postgresql: 跳过 — 127.0.0.1:5432 上没有可用的 PostgreSQL")
        pytest.skip("PostgreSQL 不可用")
    figures = tmp_path / "figures.json"  # the child's figures, recorded here with this run's stamp
    env = dict(os.environ, DATABASE_URL=PG_URL, CASEBANK_BENCH_CHILD="1", BENCH_REPORT_CHILD_OUT=str(figures))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            __file__ + "::test_bench_case_search",
            "-s",
            "-q",
            "-p",
            "no:randomly",
            "--create-db",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("[bench]")]
    print(
        "\n" + "\n".join(lines)
        if lines
        else f"\n[bench] postgresql: 运行失败\n{result.stdout[-3000:]}{result.stderr[-2000:]}"
    )
    assert result.returncode == 0, result.stdout[-3000:]
    bench_report.extend_from_file(figures)
