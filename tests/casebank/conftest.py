import pytest


@pytest.fixture
def demo_library(db):
    """The demo's 42 cases, 30 FAQs and 4 drills (published through the real services)."""
    from casebank import demo

    demo.load(None)
