import pytest
from django.db import connection

from lms import roles
from tests.factories import WorkerFactory, org
from tests.hypothesis_guard import install as install_hypothesis_guard

install_hypothesis_guard()


@pytest.fixture(autouse=True)
def private_media(request, settings, tmp_path_factory):
    """Every test writes private files (certificate PDFs, exports, compilations) to a folder of its
    own. Tests with a real Celery worker keep the configured root: the worker process writes there."""
    if request.node.get_closest_marker("celery_worker") is None:
        settings.PRIVATE_MEDIA_ROOT = tmp_path_factory.mktemp("private")
    return settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(scope="session", autouse=True)
def stray_connections_closed(django_db_setup, django_db_blocker):
    """On PostgreSQL, end the sessions the live server's request threads still hold when the run
    ends (a browser's keep-alive connection outlives its test), so the test database can be dropped."""
    yield
    if connection.vendor != "postgresql":
        return
    if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
        # No test of this run asked for the database (tests/journeys alone: the site has its own), so
        # pytest-django never created the test database and there is nothing to end.
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def city_tree(db):
    """Two streets (街道 A and B) of one city, a grid in each."""
    return {
        "city": org("测试市"),
        "street_a": org("测试市/甲区/甲街道"),
        "street_b": org("测试市/甲区/乙街道"),
        "grid_a": org("测试市/甲区/甲街道/一社区/一网格"),
        "grid_a2": org("测试市/甲区/甲街道/一社区/二网格"),
        "grid_b": org("测试市/甲区/乙街道/二社区/一网格"),
    }


@pytest.fixture
def make_worker(db):
    def make(*, unit, role_codes=(roles.TRAINEE,), **kwargs):
        return WorkerFactory(org_unit=unit, roles=set(role_codes), **kwargs)

    return make


from tests.browser import phone_page  # noqa: E402,F401  (fixture for browser tests)
