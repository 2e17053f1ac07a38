import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Recommendations are cached per worker id; ids repeat across rolled-back tests."""
    cache.clear()
    yield
    cache.clear()
