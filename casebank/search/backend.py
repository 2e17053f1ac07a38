"""A Wagtail (modelsearch) database search backend that understands Chinese.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "casebank.search.backend"}}

It is modelsearch's own SQLite FTS5 / PostgreSQL tsvector backend with three changes:
indexed text is run through `segment_for_index` (jieba words + single characters); a query
string through `query_terms`, words combined with OR by default; and the index also keeps the
ranking index of `casebank.search.postings` (cases and FAQs) up to date, which the case search
ranks with (`ranked_object_ids`). Everything else (the index table, signal-driven updates,
`update_index`, `search()` as Wagtail's admin uses it) is upstream's, so a deployment can move to
Elasticsearch/OpenSearch with a Chinese analyzer by changing that setting alone.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.db.models.sql import InsertQuery
from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import PlainText

from casebank.search import postings
from casebank.search.segment import query_terms, segment_for_index


def _segmenting(indexer_class):
    class SegmentingIndexer(indexer_class):
        def prepare_field(self, obj, field):
            if isinstance(field, (SearchField, AutocompleteField)):
                for item in super().prepare_field(obj, field):
                    yield (*item[:-1], segment_for_index(item[-1]))
            else:  # RelatedFields: recurses into prepare_field for each sub-field
                yield from super().prepare_field(obj, field)

    SegmentingIndexer.__name__ = f"Segmenting{indexer_class.__name__}"
    return SegmentingIndexer


class ChineseQueryMixin:
    """Segments a plain query string before upstream's compiler splits it on whitespace."""

    DEFAULT_OPERATOR = "or"

    def _prepare(self, query, operator):
        if isinstance(query, str):
            terms = query_terms(query)
            if not terms:
                return None, operator
            return " ".join(terms), operator or self.DEFAULT_OPERATOR
        if isinstance(query, PlainText):
            terms = query_terms(query.query_string)
            if not terms:
                return None, operator
            return PlainText(" ".join(terms), operator=query.operator), operator
        return query, operator

    def search(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True):
        query, operator = self._prepare(query, operator)
        if query is None:
            return EmptySearchResults()
        return super().search(
            query, model_or_queryset, fields=fields, operator=operator, order_by_relevance=order_by_relevance
        )

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True):
        query, operator = self._prepare(query, operator)
        if query is None:
            return EmptySearchResults()
        return super().autocomplete(
            query, model_or_queryset, fields=fields, operator=operator, order_by_relevance=order_by_relevance
        )


class RankedIdsMixin:
    """`ranked_object_ids(terms, model, limit, only_ids=None, weights=None)` → (number of matches, [(pk, score)]).

    Served by the ranking index of `casebank.search.postings` for the models registered there;
    a backend without it (Elasticsearch/OpenSearch) is used through the standard `search()`.
    """

    def has_ranking_index(self, model) -> bool:
        return postings.ranked_model(model) is not None

    def ranked_object_ids(self, terms, model, limit, *, only_ids=None, weights=None):
        return postings.ranked_ids(model, terms, limit, only_ids=only_ids, weights=weights)


def _with_ranking_index(index_class):
    """The index class, also keeping the ranking index of registered models up to date."""

    class RankingIndex(index_class):
        def add_items(self, model, objs):
            objs = list(objs)
            super().add_items(model, objs)
            postings.index_objects(model, objs)

        def delete_item(self, item):
            super().delete_item(item)
            postings.unindex_objects(type(item), [item.pk])

        def delete_stale_entries(self):
            super().delete_stale_entries()
            for model in postings.registered_models():
                postings.prune_missing(model)

        def reset(self):
            super().reset()
            postings.reset()

    RankingIndex.__name__ = f"Ranking{index_class.__name__}"
    return RankingIndex


@cache
def _sqlite_backend_class():
    from modelsearch.backends.database.sqlite import sqlite as upstream

    Indexer = _segmenting(upstream.ObjectIndexer)

    class ChineseSQLiteIndex(upstream.SQLiteIndex):
        def add_items(self, model, objs):
            # upstream's add_items with the segmenting indexer
            if not model.get_search_fields():
                return
            indexers = [Indexer(obj, self.backend) for obj in objs]
            if not indexers:
                return
            content_type_pk = upstream.get_content_type_pk(model)
            data = {ix.id: (ix.title, ix.autocomplete, ix.body) for ix in indexers}
            entries = self.entries.filter(content_type_id=content_type_pk)
            indexed = frozenset(entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True))
            for object_id in indexed:
                title, autocomplete, body = data[object_id]
                entries.filter(object_id=object_id).update(title=title, autocomplete=autocomplete, body=body)
            self.entries.bulk_create(
                upstream.IndexEntry(
                    content_type_id=content_type_pk,
                    object_id=object_id,
                    title=title,
                    autocomplete=autocomplete,
                    body=body,
                )
                for object_id, (title, autocomplete, body) in data.items()
                if object_id not in indexed
            )
            self._refresh_title_norms()

    class ChineseSQLiteBackend(RankedIdsMixin, ChineseQueryMixin, upstream.SQLiteSearchBackend):
        index_class = _with_ranking_index(ChineseSQLiteIndex)

    return ChineseSQLiteBackend


@cache
def _postgres_backend_class():
    from modelsearch.backends.database.postgres import postgres as upstream

    Indexer = _segmenting(upstream.ObjectIndexer)

    class ChinesePostgresIndex(upstream.PostgresIndex):
        def add_items(self, model, objs):
            # upstream's add_items with the segmenting indexer
            if not model.get_search_fields():
                return
            indexers = [Indexer(obj, self.backend) for obj in objs]
            if not indexers:
                return
            IndexEntry = upstream.IndexEntry
            content_type_pk = upstream.get_content_type_pk(model)
            compiler = InsertQuery(IndexEntry).get_compiler(connection=self.write_connection)
            rows, params = [], []
            for ix in indexers:
                params.extend((content_type_pk, ix.id))
                parts = []
                for name, value in (("title", ix.title), ("autocomplete", ix.autocomplete), ("body", ix.body)):
                    sql, p = compiler.prepare_value(IndexEntry._meta.get_field(name), value).as_sql(
                        compiler, self.write_connection
                    )
                    parts.append(sql)
                    params.extend(p)
                params.extend((ix.title_text, ix.body_text))
                rows.append(f"(%s, %s, {parts[0]}, {parts[1]}, {parts[2]}, 1.0, %s, %s)")
            with self.write_connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    INSERT INTO {IndexEntry._meta.db_table}
                        (content_type_id, object_id, title, autocomplete, body, title_norm, title_text, body_text)
                    (VALUES {", ".join(rows)})
                    ON CONFLICT (content_type_id, object_id)
                    DO UPDATE SET title = EXCLUDED.title, title_norm = 1.0, autocomplete = EXCLUDED.autocomplete,
                                  body = EXCLUDED.body, title_text = EXCLUDED.title_text,
                                  body_text = EXCLUDED.body_text
                    """,
                    params,
                )
            self._refresh_title_norms()

    class ChinesePostgresBackend(RankedIdsMixin, ChineseQueryMixin, upstream.PostgresSearchBackend):
        index_class = _with_ranking_index(ChinesePostgresIndex)

        def __init__(self, params):
            params = {"SEARCH_CONFIG": "simple", **params}
            super().__init__(params)

    return ChinesePostgresBackend


def SearchBackend(params):  # noqa: N802 — the name Wagtail/modelsearch look up in a backend module
    """The segmenting backend for the default database's vendor (SQLite or PostgreSQL)."""
    if connection.vendor == "postgresql":
        return _postgres_backend_class()(params)
    if connection.vendor == "sqlite":
        return _sqlite_backend_class()(params)
    raise RuntimeError(f"中文检索后端只支持 SQLite 和 PostgreSQL，当前数据库为 {connection.vendor}")
