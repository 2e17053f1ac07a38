"""The ranking index of the case search: per word, which objects contain it and what it scores.

Why not rank with FTS5 bm25 / PostgreSQL ts_rank: with 50,000 cases a common word (居民, 老人)
matches half of them, and both databases then score every match — PostgreSQL detoasts each
tsvector — which took 250–500 ms a query. Here a word's postings are two packed arrays per bucket
of 4,096 object ids; a query reads the rows of its words (a few dozen blobs) and numpy sums them,
so counting and ranking take milliseconds however common the words are. The score of an object is
the sum over query words of `segment.term_impact` — the same number on SQLite and PostgreSQL,
because the database only stores it.

Only *listed* objects are in it (a case must be live and not behind a view restriction), so a
query needs no join against the page tree. The Wagtail search backend keeps it up to date: its
`add_items` / `delete_item` (signal-driven on every save, publish, unpublish and delete, and
`update_index`) call `index_objects` / `unindex_objects` for the models registered here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from casebank.search.segment import segment_for_index, term_impact

BUCKET_BITS = 12
SORT_KEY_TERM = ""  # the per-bucket row of tie-break keys
MAX_TERM_LENGTH = 64
_ID_DTYPE = np.dtype("<u4")
_VALUE_DTYPE = np.dtype("<f8")
_EMPTY_IDS = np.zeros(0, dtype=_ID_DTYPE)
_EMPTY_VALUES = np.zeros(0, dtype=_VALUE_DTYPE)
# advisory-lock namespace on PostgreSQL: writers of the same bucket queue up instead of losing
# each other's postings (SQLite already runs one writer at a time)
_LOCK_NAMESPACE = 0x5EA7C4 << 32


@dataclass(frozen=True)
class RankedModel:
    document: Callable[[object], tuple[str, str]]  # (title, body) of an object
    sort_key: Callable[[object], float]  # larger first among equal scores
    listed: Callable[[list], set]  # pks of the given objects that search may return


_REGISTRY: dict[type, RankedModel] = {}


def register_ranked_model(model, *, document, sort_key=lambda obj: 0.0, listed=None) -> None:
    """Keep a ranking index for `model` (called from an AppConfig.ready)."""
    _REGISTRY[model] = RankedModel(
        document=document,
        sort_key=sort_key,
        listed=listed or (lambda objs: {obj.pk for obj in objs}),
    )


def restricted_paths() -> list[str]:
    """Tree paths of the pages with a view restriction (their subtrees are private).

    Two plain queries instead of Wagtail's join: SQLite plans that join from the page table when
    the (usually empty) restriction table has no statistics, which cost 20 ms at 50,000 pages.
    """
    from wagtail.models import Page, PageViewRestriction

    page_ids = list(PageViewRestriction.objects.values_list("page_id", flat=True))
    return list(Page.objects.filter(pk__in=page_ids).values_list("path", flat=True)) if page_ids else []


def live_public_pages(pages) -> set:
    """pks of the pages a reader may find: live and not under a view restriction."""
    restricted = restricted_paths()
    return {page.pk for page in pages if page.live and not any(page.path.startswith(path) for path in restricted)}


def ranked_model(model) -> RankedModel | None:
    return _REGISTRY.get(model)


def document_impacts(title: str, body: str) -> dict[str, float]:
    """Every indexed word of a document and its impact (see `segment.term_impact`)."""
    title_l, body_l = (title or "").lower(), (body or "").lower()
    impacts = {}
    for term in set(segment_for_index(f"{title}\n{body}").split()):
        if len(term) <= MAX_TERM_LENGTH:
            impact = term_impact(term, title_l, body_l)
            if impact > 0:
                impacts[term] = impact
    return impacts


def _content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


# --- writing ------------------------------------------------------------------------------------


def index_objects(model, objs: Iterable) -> None:
    """(Re)index `objs`: listed ones get their current words, the others are removed."""
    spec = ranked_model(model)
    objs = list(objs)
    if spec is None or not objs:
        return
    listed = spec.listed(objs)
    new = {
        int(obj.pk): (float(spec.sort_key(obj)), document_impacts(*spec.document(obj)))
        for obj in objs
        if obj.pk in listed
    }
    _write(_content_type_id(model), [int(obj.pk) for obj in objs], new)


def unindex_objects(model, pks: Iterable[int]) -> None:
    if ranked_model(model) is None:
        return
    pks = [int(pk) for pk in pks]
    if pks:
        _write(_content_type_id(model), pks, {})


def prune_missing(model) -> None:
    """Drop postings of objects that no longer exist (run by `update_index`)."""
    from casebank.models import SearchDocument

    if ranked_model(model) is None:
        return
    indexed = set(
        SearchDocument.objects.filter(content_type_id=_content_type_id(model)).values_list("object_id", flat=True)
    )
    existing = set(model._default_manager.filter(pk__in=indexed).values_list("pk", flat=True))
    unindex_objects(model, indexed - existing)


def is_empty(model) -> bool:
    from casebank.models import SearchDocument

    return not SearchDocument.objects.filter(content_type_id=_content_type_id(model)).exists()


def reset() -> None:
    from casebank.models import SearchDocument, SearchPostingList

    SearchPostingList.objects.all().delete()
    SearchDocument.objects.all().delete()


def _lock_buckets(content_type_id: int, buckets: list[int]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for bucket in buckets:  # sorted, so two writers cannot deadlock
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_NAMESPACE | (content_type_id << 20) | bucket])


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(content_type_id: int, object_ids: list[int], new: dict[int, tuple[float, dict[str, float]]]) -> None:
    from casebank.models import SearchDocument

    by_bucket: dict[int, list[int]] = defaultdict(list)
    for pk in object_ids:
        by_bucket[pk >> BUCKET_BITS].append(pk)
    with transaction.atomic():
        _lock_buckets(content_type_id, sorted(by_bucket))
        previous = {}
        for chunk in _chunks(object_ids):
            previous.update(
                SearchDocument.objects.filter(content_type_id=content_type_id, object_id__in=chunk).values_list(
                    "object_id", "terms"
                )
            )
        for bucket, pks in sorted(by_bucket.items()):
            _write_bucket(content_type_id, bucket, pks, previous, new)
        for chunk in _chunks(object_ids):
            SearchDocument.objects.filter(content_type_id=content_type_id, object_id__in=chunk).delete()
        SearchDocument.objects.bulk_create(
            (
                SearchDocument(content_type_id=content_type_id, object_id=pk, terms=" ".join(sorted(impacts)))
                for pk, (_, impacts) in new.items()
            ),
            batch_size=500,
        )


def _write_bucket(content_type_id, bucket, pks, previous, new) -> None:
    from casebank.models import SearchPostingList

    additions: dict[str, list[tuple[int, float]]] = defaultdict(list)
    terms = {SORT_KEY_TERM}
    for pk in pks:
        terms.update((previous.get(pk) or "").split())
        if pk in new:
            sort_key, impacts = new[pk]
            additions[SORT_KEY_TERM].append((pk, sort_key))
            for term, impact in impacts.items():
                additions[term].append((pk, impact))
    terms.update(additions)
    existing = {}
    for chunk in _chunks(sorted(terms)):
        for pk, term, ids, values in SearchPostingList.objects.filter(
            content_type_id=content_type_id, bucket=bucket, term__in=chunk
        ).values_list("pk", "term", "object_ids", "impacts"):
            existing[term] = (pk, np.frombuffer(ids, dtype=_ID_DTYPE), np.frombuffer(values, dtype=_VALUE_DTYPE))
    replaced = np.array(sorted(pks), dtype=_ID_DTYPE)
    rows = []
    for term in sorted(terms):
        _, ids, values = existing.get(term, (None, _EMPTY_IDS, _EMPTY_VALUES))
        keep = ~np.isin(ids, replaced, assume_unique=True)
        ids, values = ids[keep], values[keep]
        if term in additions:
            added = additions[term]
            ids = np.concatenate([ids, np.fromiter((pk for pk, _ in added), dtype=_ID_DTYPE, count=len(added))])
            values = np.concatenate([values, np.fromiter((v for _, v in added), dtype=_VALUE_DTYPE, count=len(added))])
        if len(ids):
            rows.append(
                SearchPostingList(
                    content_type_id=content_type_id,
                    term=term,
                    bucket=bucket,
                    object_ids=ids.tobytes(),
                    impacts=values.tobytes(),
                )
            )
    stale = [pk for pk, _, _ in existing.values()]
    for chunk in _chunks(stale):
        SearchPostingList.objects.filter(pk__in=chunk).delete()
    SearchPostingList.objects.bulk_create(rows, batch_size=200)


# --- reading ------------------------------------------------------------------------------------


def ranked_ids(
    model, terms: list[str], limit: int, *, only_ids=None, weights: dict[str, float] | None = None
) -> tuple[int, list[tuple[int, float]]]:
    """(number of listed objects matching any of `terms`, best `limit` as (pk, score)).

    Best first: score, then the sort key (newest case first), then pk. `only_ids` restricts the
    search to those pks (category and indicator filters). `weights` scales a term's impacts (a
    synonym counts less than the word typed; docs/rules.md §10); terms not in it count in full.
    """
    from casebank.models import SearchPostingList

    terms = [t for t in dict.fromkeys(terms) if t and len(t) <= MAX_TERM_LENGTH]
    if not terms or limit <= 0:
        return 0, []
    rows = list(
        SearchPostingList.objects.filter(content_type_id=_content_type_id(model), term__in=[*terms, SORT_KEY_TERM])
        .order_by("term", "bucket")
        .values_list("term", "object_ids", "impacts")
    )
    id_parts, value_parts, key_ids, key_values = [], [], [], []
    weights = weights or {}
    for term, ids, values in rows:
        values = np.frombuffer(values, dtype=_VALUE_DTYPE)
        if term != SORT_KEY_TERM and weights.get(term, 1.0) != 1.0:
            values = values * weights[term]
        (key_ids if term == SORT_KEY_TERM else id_parts).append(np.frombuffer(ids, dtype=_ID_DTYPE))
        (key_values if term == SORT_KEY_TERM else value_parts).append(values)
    if not id_parts:
        return 0, []
    ids = np.concatenate(id_parts).astype(np.intp)
    size = int(ids.max()) + 1
    scores = np.bincount(ids, weights=np.concatenate(value_parts), minlength=size)
    matched = np.flatnonzero(np.bincount(ids, minlength=size))
    if only_ids is not None:
        allowed = np.fromiter((int(pk) for pk in only_ids), dtype=np.intp)
        matched = np.intersect1d(matched, allowed[allowed < size], assume_unique=False)
    count = int(len(matched))
    if not count:
        return 0, []
    sort_keys = np.zeros(size, dtype=_VALUE_DTYPE)
    if key_ids:
        key_pks = np.concatenate(key_ids).astype(np.intp)
        inside = key_pks < size
        sort_keys[key_pks[inside]] = np.concatenate(key_values)[inside]
    candidates = matched
    if count > limit:
        # everything scoring at least the limit-th best score, ties included, goes to the sort
        kth = np.partition(scores[matched], count - limit)[count - limit]
        candidates = matched[scores[matched] >= kth]
    order = np.lexsort((candidates, -sort_keys[candidates], -scores[candidates]))
    best = candidates[order[:limit]]
    return count, [(int(pk), float(scores[pk])) for pk in best]


def registered_models() -> list[type]:
    return list(_REGISTRY)
