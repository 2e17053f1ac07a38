"""A Wagtail (modelsearch) database search backend that understands Chinese.

    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "casebank.search.backend"}}

It is modelsearch's own SQLite FTS5 / PostgreSQL tsvector backend with two changes:
indexed text is run through `segment_for_index` (jieba words + single characters) and a query
string through `query_terms`, words combined with OR by default. Everything else (the index
table, signal-driven updates, `update_index`, ranking) is upstream's, so a deployment can move to
Elasticsearch/OpenSearch with a Chinese analyzer by changing that setting alone.
"""

from __future__ import annotations

from django.db import connection
from django.db.models.sql import InsertQuery
from modelsearch.backends.base import EmptySearchResults
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import PlainText

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
        return super().search(query, model_or_queryset, fields=fields, operator=operator,
                              order_by_relevance=order_by_relevance)

    def autocomplete(self, query, model_or_queryset, fields=None, operator=None, order_by_relevance=True):
        query, operator = self._prepare(query, operator)
        if query is None:
            return EmptySearchResults()
        return super().autocomplete(query, model_or_queryset, fields=fields, operator=operator,
                                    order_by_relevance=order_by_relevance)


# The database ranks at most this many matching rows per query; only queries made entirely of very
# common words match more, and their candidates are then the first RANK_CAP matches.
RANK_CAP = 2000


def _restriction(queryset):
    """SQL and params of the pks a search is restricted to (live, category, indicator filters)."""
    sql, params = queryset.order_by().values_list("pk").query.sql_with_params()
    return sql, list(params)


class RankedIdsMixin:
    """`ranked_object_ids(terms, queryset, limit)` → (number of matches, best `limit` pks).

    One indexed query each for the count and the best matches, ranked in the database (FTS5 bm25 /
    ts_rank, title weighted); the case search uses it to pick the candidates it re-ranks. A
    backend without it (Elasticsearch/OpenSearch) is used through the standard `search()`.
    """

    def ranked_object_ids(self, terms, queryset, limit):
        from modelsearch.utils import get_descendants_content_types_pks

        terms = [t for t in terms if t and t.replace("_", "").isalnum()]
        if not terms:
            return 0, []
        content_types = list(get_descendants_content_types_pks(queryset.model))
        restrict_sql, restrict_params = _restriction(queryset)
        return self._ranked(terms, content_types, restrict_sql, restrict_params, limit)


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
                upstream.IndexEntry(content_type_id=content_type_pk, object_id=object_id, title=title,
                                    autocomplete=autocomplete, body=body)
                for object_id, (title, autocomplete, body) in data.items()
                if object_id not in indexed
            )
            self._refresh_title_norms()

    class ChineseSQLiteBackend(RankedIdsMixin, ChineseQueryMixin, upstream.SQLiteSearchBackend):
        index_class = ChineseSQLiteIndex

        def _ranked(self, terms, content_types, restrict_sql, restrict_params, limit):
            entries = upstream.IndexEntry._meta.db_table
            fts = upstream.SQLiteFTSIndexEntry._meta.db_table
            match = " OR ".join(f'"{t}"' for t in terms)
            ct = ", ".join(str(int(c)) for c in content_types)
            where = (f"{fts} MATCH %s AND e.content_type_id IN ({ct}) "
                     f"AND CAST(e.object_id AS INTEGER) IN ({restrict_sql})")
            params = [match, *restrict_params]
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {fts} JOIN {entries} e ON e.id = {fts}.rowid WHERE {where}", params)
                count = cursor.fetchone()[0]
                # bm25 weights per column (autocomplete, body, title): title matches count 4×
                # rank at most RANK_CAP matches (all of them unless the words are very common)
                cursor.execute(
                    f"SELECT object_id FROM (SELECT e.object_id AS object_id, bm25({fts}, 0.0, 1.0, 4.0) AS r "
                    f"FROM {fts} JOIN {entries} e ON e.id = {fts}.rowid WHERE {where} LIMIT %s) "
                    f"ORDER BY r, object_id LIMIT %s", [*params, RANK_CAP, int(limit)])
                ids = [int(row[0]) for row in cursor.fetchall()]
            return count, ids

    return ChineseSQLiteBackend


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
        index_class = ChinesePostgresIndex

        def _ranked(self, terms, content_types, restrict_sql, restrict_params, limit):
            entries = upstream.IndexEntry._meta.db_table
            tsquery = " | ".join(f"'{t}'" for t in terms)
            ct = ", ".join(str(int(c)) for c in content_types)
            where = (f"e.content_type_id IN ({ct}) AND (e.title @@ q OR e.body @@ q) "
                     f"AND e.object_id IN (SELECT r.pk::text FROM ({restrict_sql}) r(pk))")
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {entries} e, to_tsquery('simple', %s) q WHERE {where}",
                               [tsquery, *restrict_params])
                count = cursor.fetchone()[0]
                cursor.execute(
                    f"SELECT m.object_id FROM (SELECT e.object_id, 4 * ts_rank(e.title, q) + ts_rank(e.body, q) AS r "
                    f"FROM {entries} e, to_tsquery('simple', %s) q WHERE {where} LIMIT %s) m "
                    f"ORDER BY m.r DESC, m.object_id LIMIT %s",
                    [tsquery, *restrict_params, RANK_CAP, int(limit)])
                ids = [int(row[0]) for row in cursor.fetchall()]
            return count, ids

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
