"""Query-time synonym expansion (docs/rules.md §10).

A query word expands to the other words of its synonym groups (`casebank.SynonymGroup`, edited by
trainers in the admin). The word typed keeps its full weight; a synonym counts SYNONYM_WEIGHT of
what the same word would count if typed, so a case using the reader's own word ranks first.

The groups are cached per process and the cache is keyed by (number of groups, latest
`updated_at`): one cheap query per search notices an edit or a deletion made through any worker
process, so an admin change shows in the next search without a restart.
"""

from __future__ import annotations

import threading

from casebank.search.segment import STOPWORDS, _words

SYNONYM_WEIGHT = 0.5
# A query word with a very large group would otherwise read dozens of posting rows.
MAX_EXPANDED_TERMS = 64

_lock = threading.Lock()
_cache: tuple[object, dict[str, tuple[str, ...]]] = (None, {})


def _version():
    from django.db.models import Count, Max

    from casebank.models import SynonymGroup

    row = SynonymGroup.objects.aggregate(n=Count("pk"), latest=Max("updated_at"))
    return row["n"], row["latest"]


def search_words_of(word: str) -> list[str]:
    """How a synonym is looked up: as itself when it segments to one word (the shipped groups are
    all in the dictionary), else as its meaningful segmented words (a word a trainer added later)."""
    words = _words(word)
    if word in words:
        return [word]
    meaningful = [w for w in dict.fromkeys(words) if w not in STOPWORDS]
    longer = [w for w in meaningful if len(w) > 1]
    return longer or meaningful


def synonym_map() -> dict[str, tuple[str, ...]]:
    """word → the search words of its synonyms (all groups it is in), from the current groups."""
    global _cache
    version = _version()
    if _cache[0] == version:
        return _cache[1]
    from casebank.models import SynonymGroup

    related: dict[str, dict[str, None]] = {}
    for words in SynonymGroup.objects.values_list("words", flat=True):
        group = SynonymGroup(words=words).word_list()
        for word in group:
            bucket = related.setdefault(word, {})
            for other in group:
                if other != word:
                    for term in search_words_of(other):
                        if term != word:
                            bucket[term] = None
    mapping = {word: tuple(others) for word, others in related.items() if others}
    with _lock:
        _cache = (version, mapping)
    return mapping


def expand(terms: list[str]) -> dict[str, float]:
    """term → weight: the query's own words at 1.0, then their synonyms at SYNONYM_WEIGHT."""
    weights = {term: 1.0 for term in terms}
    if not terms:
        return weights
    mapping = synonym_map()
    for term in terms:
        for synonym in mapping.get(term, ()):
            if len(weights) >= MAX_EXPANDED_TERMS:
                return weights
            weights.setdefault(synonym, SYNONYM_WEIGHT)
    return weights
