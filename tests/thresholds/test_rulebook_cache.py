"""The compiled-rulebook cache: a process that finds it skips the check and the regex
compiler, and must then hold exactly the rulebook a cold start builds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from thresholds import assess
from thresholds import rulebook as R

ROOT = Path(__file__).resolve().parents[2]
TRIAGE = ROOT / ".venv" / "bin" / "triage"


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("TRIAGE_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def book(tmp_path):
    path = tmp_path / "council.yml"
    shutil.copy(R.DEFAULT_PATH, path)
    return path


def forget_compiled(monkeypatch):
    """As a new process: nothing compiled in memory, nothing warm."""
    R.compile_pattern.cache_clear()
    monkeypatch.setattr(R, "_warm_code", {})
    monkeypatch.setattr(R, "_fresh_code", {})


def summary(rb: R.Rulebook) -> dict:
    return {i.id: (i.patterns, i.gates, i.prefixes) for i in rb.indicators.values()}


def test_code_kept_is_the_code_re_compile_makes():
    """Pattern equality compares the compiled code itself, so this checks the rebuilt
    regexes byte for byte against the standard compiler, for every pattern in use."""
    import yaml

    data = yaml.safe_load(R.DEFAULT_PATH.read_text())
    patterns = R._rule_patterns(data)
    assert len(patterns) > 700
    for p in patterns:
        rx = R.compile_pattern(p)
        again, args = R.compile_keeping_code(rx.pattern, re.IGNORECASE)
        assert again == re.compile(rx.pattern, re.IGNORECASE) == rx, p
        assert R._sre_compile(*args) == rx


def test_a_warm_start_skips_the_check_and_builds_the_same_rulebook(cache, book, monkeypatch):
    forget_compiled(monkeypatch)
    cold = R.load(book)
    files = list(cache.glob("rulebook-*.bin"))
    assert len(files) == 1 and files[0].stat().st_size > 10_000

    forget_compiled(monkeypatch)
    def no_check(path):
        raise AssertionError("the check ran on a warm start")
    monkeypatch.setattr(R, "check", no_check)
    warm = R.load(book)
    assert summary(warm) == summary(cold)
    assert warm.alarm_pattern == cold.alarm_pattern and warm.alarm_gate == cold.alarm_gate
    # nothing was compiled from source: every pattern came from the cache
    assert not R._fresh_code
    for text in ("3 month old, not rolling, small bruise on his cheek",
                 "She said her stepdad touches her private parts",
                 "Attendance 97%, doing well, mum asked about potty training"):
        assert assess({"text": text}, warm) == assess({"text": text}, cold)


def test_changed_bytes_are_checked_again(cache, book, monkeypatch):
    forget_compiled(monkeypatch)
    R.load(book)
    text = book.read_text()
    book.write_text(text.replace("    level: 4\n", "    level: 7\n", 1))  # the same name, broken
    forget_compiled(monkeypatch)
    with pytest.raises(R.RulebookError) as err:
        R.load(book)
    assert any(f"{book}:" in p for p in err.value.problems)


def test_a_damaged_cache_is_ignored_and_rewritten(cache, book, monkeypatch):
    forget_compiled(monkeypatch)
    cold = R.load(book)
    (f,) = cache.glob("rulebook-*.bin")
    blob = bytearray(f.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one flipped byte
    f.write_bytes(bytes(blob))
    forget_compiled(monkeypatch)
    checked = []
    real_check = R.check
    monkeypatch.setattr(R, "check", lambda path: checked.append(path) or real_check(path))
    again = R.load(book)
    assert checked, "a damaged cache must not stand in for the check"
    assert summary(again) == summary(cold)
    assert f.read_bytes() != bytes(blob)  # rewritten whole

    f.write_bytes(f.read_bytes()[:100])  # truncated
    forget_compiled(monkeypatch)
    checked.clear()
    R.load(book)
    assert checked


def test_off_writes_nothing_and_an_unwritable_folder_is_no_error(tmp_path, book, monkeypatch):
    monkeypatch.setenv("TRIAGE_CACHE_DIR", "off")
    forget_compiled(monkeypatch)
    R.load(book)
    assert not list(tmp_path.rglob("rulebook-*.bin"))

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("TRIAGE_CACHE_DIR", str(blocker / "cache"))
    forget_compiled(monkeypatch)
    assert R.load(book).indicators


def test_the_cli_gives_the_same_answer_cold_and_warm(tmp_path):
    case = '{"text": "He is 15, came on his own from Eritrea, no documents, knows no one here", "child_age_years": 15}'
    env = {"PATH": "/usr/bin:/bin", "TRIAGE_CACHE_DIR": str(tmp_path / "c")}
    runs = [subprocess.run([str(TRIAGE), "assess"], input=case, capture_output=True, text=True,
                           env=env, timeout=120) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr
    assert runs[0].stdout == runs[1].stdout
    assert list((tmp_path / "c").glob("rulebook-*.bin"))
