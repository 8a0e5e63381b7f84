"""`triage`: the threshold engine from the command line.

    triage assess            one JSON case on stdin -> one JSON result on stdout
    triage assess --jsonl    one case a line -> one result a line, in order, in one
                             process (TRIAGE_WORKERS=n shares a long batch between n
                             processes forked after start-up, at most one per core)
    triage rulebook check F  every problem in a rulebook file, with its line

Exit status: 0 success; 2 bad input (with {"error": "..."} on stdout); 1 a rulebook
with problems. In --jsonl mode a bad line gives {"error": ..., "line": n} in its place,
the other lines are still assessed, and the exit status is 2 at the end.
Nothing is written to any database.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

from .engine import CaseError, assess
from .reader import second_reader
from .rulebook import RulebookError, check, load_rulebook


def _dump(obj: dict) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _parse(raw: str) -> object:
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CaseError(f"not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None


def cmd_assess(jsonl: bool) -> int:
    try:
        rb = load_rulebook()
        second_reader(rb)  # trained or read from the cache now, before any case is read
    except RulebookError as exc:
        print(_dump({"error": "the rulebook in force has problems: " + "; ".join(exc.problems)}))
        return 2
    try:
        data = sys.stdin.buffer.read().decode("utf-8")
    except UnicodeDecodeError:
        print(_dump({"error": "input is not UTF-8 text"}))
        return 2
    if not jsonl:
        try:
            if not data.strip():
                raise CaseError("no input: send one JSON object on standard input")
            print(_dump(assess(_parse(data), rb)))
            return 0
        except CaseError as exc:
            print(_dump({"error": str(exc)}))
            return 2
    lines = data.splitlines()
    if not any(line.strip() for line in lines):
        print(_dump({"error": "no input: send one JSON object a line"}))
        return 2
    failed = _assess_batch(lines, rb)
    return 2 if failed else 0


def _assess_lines(lines: list[str], first: int, rb, out) -> bool:
    """Assess lines numbered from `first`, one result a line to `out`; True if any failed."""
    failed = False
    for n, line in enumerate(lines, start=first):
        if not line.strip():
            continue
        try:
            out.write(_dump(assess(_parse(line), rb)) + "\n")
        except CaseError as exc:
            failed = True
            out.write(_dump({"error": str(exc), "line": n}) + "\n")
    return failed


LINES_PER_WORKER = 1000  # below this a second process is not worth starting


def workers_wanted() -> int:
    """TRIAGE_WORKERS (at most one per core, and 8), else 1: by default a batch is one
    process, as the contract says; a council running large batches can opt in."""
    raw = os.environ.get("TRIAGE_WORKERS", "").strip()
    if raw.isdigit() and int(raw) >= 1:
        return min(int(raw), os.cpu_count() or 1, 8) if int(raw) > 1 else 1
    return 1


def _assess_batch(lines: list[str], rb) -> bool:
    """A long batch is shared between processes forked after the engine is ready (so none
    pays the start-up again): each takes a contiguous share and writes to its own
    temporary file, and the results are written out in input order. A share whose process
    failed is assessed again here, so a batch never loses a line."""
    out = sys.stdout
    n = min(workers_wanted(), max(1, len(lines) // LINES_PER_WORKER))
    if n == 1 or not hasattr(os, "fork"):
        failed = _assess_lines(lines, 1, rb, out)
        out.flush()
        return failed
    assess({"text": "warm up: build the pipeline once, before forking"}, rb)
    size = -(-len(lines) // n)
    shares = [(i, lines[i:i + size]) for i in range(0, len(lines), size)]
    out.flush()
    children = []
    for start, share in shares[1:]:
        spool = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        pid = os.fork()
        if pid == 0:  # the child: its share, then leave at once (no cleanup of the parent's)
            code = 1
            try:
                code = 2 if _assess_lines(share, start + 1, rb, spool) else 0
                spool.flush()
            finally:
                os._exit(code)
        children.append((pid, start, share, spool))
    failed = _assess_lines(shares[0][1], 1, rb, out)
    for pid, start, share, spool in children:
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code in (0, 2):
            spool.seek(0)
            shutil.copyfileobj(spool, out)
            failed = failed or code == 2
        else:  # the process died: assess its share here
            print(f"triage: a batch worker stopped (exit {code}); assessing its lines again",
                  file=sys.stderr)
            failed = _assess_lines(share, start + 1, rb, out) or failed
        spool.close()
    out.flush()
    return failed


def cmd_check(path: str) -> int:
    problems = check(path)
    for p in problems:
        print(p)
    if not problems:
        rb = load_rulebook(path)
        print(f"{path}: OK: {rb.name} version {rb.version}, {len(rb.indicators)} indicators")
        return 0
    print(f"{len(problems)} problem(s) found", file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="triage", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assess", help="assess a case (JSON on standard input)")
    a.add_argument("--jsonl", action="store_true", help="one case a line, one result a line")
    rb = sub.add_parser("rulebook", help="rulebook tools")
    rbs = rb.add_subparsers(dest="rb_command", required=True)
    c = rbs.add_parser("check", help="check a rulebook file")
    c.add_argument("file")
    args = parser.parse_args(argv)
    if args.command == "assess":
        return cmd_assess(args.jsonl)
    return cmd_check(args.file)


if __name__ == "__main__":
    sys.exit(main())
