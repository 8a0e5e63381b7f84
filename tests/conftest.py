"""Shared test set-up: the repository root on sys.path, and the CI rule that a test
needing a real part (PostgreSQL, Chromium) fails rather than skips when CI asks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def skip_or_fail(reason: str, require_var: str) -> None:
    """Skip with a clear reason, unless CI forbids skipping this kind of test."""
    if os.environ.get(require_var, "") in {"1", "true", "yes"}:
        pytest.fail(f"{reason} ({require_var} is set, so this may not be skipped)")
    pytest.skip(reason)
