"""Property-based fuzzing of the public API from its own OpenAPI document.

Schemathesis generates requests for every operation in /openapi.json (valid and
invalid bodies, odd strings, wrong types) and sends them to the real gateway, which
talks to the real engine. The one property checked: the server never answers 5xx.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import token_for

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


def test_no_server_errors_for_generated_requests(stack, client):
    token = token_for(client, "demo.teacher")
    report = ROOT / "reports" / "schemathesis"
    report.mkdir(parents=True, exist_ok=True)
    cmd = [
        str(Path(sys.executable).parent / "schemathesis"), "run",
        f"{stack.base_url}/openapi.json",
        "--checks", "not_a_server_error",
        "--header", f"Authorization: Bearer {token}",
        "--max-examples", "25", "--seed", "20261122",
        "--request-timeout", "30",
        "--report", "junit", "--report-dir", str(report),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=900)
    (report / "output.txt").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 0, proc.stdout[-6000:] + proc.stderr[-2000:]
