"""`triage`: the threshold engine from the command line.

    triage assess            one JSON case on stdin -> one JSON result on stdout
    triage assess --jsonl    one case a line -> one result a line (one process)
    triage rulebook check F  every problem in a rulebook file, with its line

Exit status: 0 success; 2 bad input (with {"error": "..."} on stdout); 1 a rulebook
with problems. In --jsonl mode a bad line gives {"error": ..., "line": n} in its place,
the other lines are still assessed, and the exit status is 2 at the end.
Nothing is written to any database.
"""

from __future__ import annotations

import argparse
import json
import sys

from .engine import CaseError, assess
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
    failed = False
    out = sys.stdout
    lines = data.splitlines()
    if not any(line.strip() for line in lines):
        print(_dump({"error": "no input: send one JSON object a line"}))
        return 2
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.write(_dump(assess(_parse(line), rb)) + "\n")
        except CaseError as exc:
            failed = True
            out.write(_dump({"error": str(exc), "line": n}) + "\n")
    out.flush()
    return 2 if failed else 0


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
