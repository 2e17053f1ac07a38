"""`schemathesis` as its console script runs it, with tests.hypothesis_guard installed first."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.hypothesis_guard import install  # noqa: E402

install()

from schemathesis.cli import schemathesis  # noqa: E402

if __name__ == "__main__":
    sys.exit(schemathesis())
