"""The rulebook: a council's continuum of need as validated, versioned data.

One home per fact: indicator definitions here feed the extractor, the engine, the
chat's follow-up questions and the dashboard's labels. `check()` reports every
problem with the file and line it is on, so a council can fix its own rulebook.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import re
import re._compiler as sre_compile
import re._constants as sre_c
import re._parser as sre_parse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).parent / "rulebooks" / "default.yml"
RECOMMENDATIONS = ("hold_case", "early_help_assessment", "mash_referral", "emergency_999")
ROUTES = ("lado", "prevent", "police_fgm", "private_fostering")
CONTEXTS = ("negated", "hypothetical", "historical", "other_person")
OVERRIDES = ("immediate_danger", "injury_non_mobile_baby", "sexual_activity_under_13",
             "homeless_16_17", "pre_birth_concern")
INDICATOR_FIELDS = {"id", "domain", "subdomain", "level", "descriptor", "patterns", "questions",
                    "route", "emergency", "context_exempt", "review", "below_years", "level_from_age", "same_need_as",
                    "unborn_only", "from_years"}
REQUIRED_INDICATOR_FIELDS = ("id", "domain", "level", "descriptor", "patterns", "questions")


# a character class of sentence-final marks that is not negated ("[.?!]", not "[^.?!]")
CROSSES_SENTENCE = re.compile(r"(?<!\\)\[(?!\^)[^\]]*\.[^\]]*[?!][^\]]*\]|(?<!\\)\[(?!\^)[^\]]*[?!][^\]]*\.[^\]]*\]")


def spaced(pattern: str) -> str:
    """A space in a rulebook pattern matches any run of white space (typed text has double
    spaces and line breaks); an optional space (" ?") matches any white space or none."""
    return re.sub(r" \?(?![?+])", r"\\s*", pattern).replace(" ", r"\s+")


@lru_cache(maxsize=4096)
def _parsed(source: str) -> list:
    """The parse tree of a pattern, read (never changed) by the analyses below; parsed
    once, as parsing is most of the cost of loading a rulebook."""
    return list(sre_parse.parse(source, re.IGNORECASE))


@lru_cache(maxsize=4096)  # the validator and the loader compile the same patterns
def compile_pattern(pattern: str) -> re.Pattern:
    """A rulebook pattern as a case-insensitive regex, spaced as `spaced` says."""
    warm = _warm_code.get(pattern)
    if warm is not None:  # compiled by an earlier process (see `load`)
        try:
            return _sre_compile(*warm)
        except Exception:  # noqa: BLE001 - a stale or damaged entry: compile it afresh
            pass
    source = spaced(pattern)
    first = first_letters(source)
    if first:  # a cheap look-ahead lets the scanner skip most positions at once
        chars = "".join(sorted({c for ch in first for c in (ch.lower(), ch.upper())}))
        # a match that must start at a word boundary is tried only at word starts, before
        # any look-behinds are checked (all are zero-width, so the order changes nothing)
        boundary = r"\b" if starts_at_boundary(source) else ""
        source = f"(?=[{re.escape(chars)}]){boundary}(?:{source})"
    rx, args = compile_keeping_code(source, re.IGNORECASE)
    _fresh_code[pattern] = args
    return rx


# -- the compiled-rulebook cache ------------------------------------------------------
# Checking a rulebook and compiling its ~750 patterns is most of a process's start-up
# (about a second). Both depend only on the file's bytes, this module and the Python
# that runs it, so the result is kept on disk, keyed by all three: a process that finds
# it skips the check (the same bytes passed it before) and builds each regex from its
# stored code, which is exactly the code `re.compile` makes (the tests compare them).
CACHE_FORMAT = 3  # 2: gates as alternatives (see `gate_alternatives`); 3: no word-boundary flag
_sre_compile = sre_compile._sre.compile
_warm_code: dict[str, tuple] = {}  # pattern -> arguments for _sre.compile, from the cache
_fresh_code: dict[str, tuple] = {}  # the same, for patterns compiled in this process


def compile_keeping_code(source: str, flags: int) -> tuple[re.Pattern, tuple]:
    """`re.compile(source, flags)`, and the arguments that rebuild it without parsing:
    the steps of `re._compiler.compile`, keeping what it passes to `_sre.compile`."""
    flags = int(flags)
    tree = sre_parse.parse(source, flags)
    code = [int(c) for c in sre_compile._code(tree, flags)]  # plain ints, to store
    groupindex = dict(tree.state.groupdict)
    indexgroup = [None] * tree.state.groups
    for k, i in groupindex.items():
        indexgroup[i] = k
    args = (source, flags | tree.state.flags, code, tree.state.groups - 1, groupindex, tuple(indexgroup))
    return _sre_compile(*args), args


def cache_dir() -> Path | None:
    """TRIAGE_CACHE_DIR, else $XDG_CACHE_HOME/triage or ~/.cache/triage; None when
    TRIAGE_CACHE_DIR is "off" (every process then checks and compiles afresh)."""
    raw = os.environ.get("TRIAGE_CACHE_DIR", "").strip()
    if raw.lower() in ("off", "0", "no", "false"):
        return None
    if raw:
        return Path(raw)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "triage"


def _cache_key(raw: bytes) -> str:
    h = hashlib.sha256()
    for part in (raw, Path(__file__).read_bytes(), sys.version.encode(),
                 str(sre_compile._sre.MAGIC).encode(), str(CACHE_FORMAT).encode()):
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def read_cache_file(name: str) -> bytes | None:
    """The body of a file kept in the cache folder, or None (no folder, missing, or
    truncated or altered: each file starts with the SHA-256 of its body)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        blob = (folder / name).read_bytes()
    except OSError:
        return None
    digest, body = blob[:32], blob[32:]
    if hashlib.sha256(body).digest() != digest:
        return None
    return body


def write_cache_file(name: str, body: bytes) -> None:
    """Keep `body` in the cache folder. Best effort and atomic: a read-only or full disk
    only costs the next start-up."""
    folder = cache_dir()
    if folder is None:
        return
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".triage-", suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(hashlib.sha256(body).digest() + body)
        os.replace(tmp, folder / name)
    except (OSError, ValueError):
        if tmp:
            try:
                os.unlink(tmp)
            except OSError:
                pass


def _read_cache(key: str) -> dict | None:
    """The analysis stored for this key, or None (missing, damaged or for other bytes)."""
    body = read_cache_file(f"rulebook-{key[:40]}.bin")
    if body is None:
        return None
    try:
        data = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    return data


def _write_cache(key: str, data: dict) -> None:
    write_cache_file(f"rulebook-{key[:40]}.bin", marshal.dumps({**data, "key": key}))


def starts_at_boundary(source: str) -> bool:
    """True when every match of `source` starts with `\b` (after any look-arounds)."""
    def seq(items) -> bool:
        for op, av in items:
            if op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
                continue
            if op is sre_c.AT:
                return av is sre_c.AT_BOUNDARY
            if op is sre_c.SUBPATTERN:
                return seq(list(av[3]))
            if op is sre_c.BRANCH:
                return all(seq(list(b)) for b in av[1])
            return False
        return False

    try:
        return seq(_parsed(source))
    except re.error:
        return False


def first_letters(source: str) -> set[str] | None:
    """The characters a match of `source` can start with, or None if that cannot be
    told simply (a class such as \\w, a pattern that can match empty text...)."""
    def one(op, av) -> tuple[set[str] | None, bool]:  # (first chars, can be empty)
        if op is sre_c.LITERAL:
            return {chr(av)}, False
        if op is sre_c.IN:
            chars: set[str] = set()
            for op2, av2 in av:
                if op2 is sre_c.LITERAL:
                    chars.add(chr(av2))
                elif op2 is sre_c.RANGE and av2[1] - av2[0] < 64:
                    chars.update(chr(c) for c in range(av2[0], av2[1] + 1))
                else:
                    return None, False
            return chars, False
        if op is sre_c.SUBPATTERN:
            return seq(list(av[3]))
        if op is sre_c.BRANCH:
            out: set[str] = set()
            empty = False
            for branch in av[1]:
                got, e = seq(list(branch))
                if got is None:
                    return None, False
                out |= got
                empty = empty or e
            return out, empty
        if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT):
            got, e = seq(list(av[2]))
            return got, e or av[0] == 0
        return None, False

    def seq(items) -> tuple[set[str] | None, bool]:
        out: set[str] = set()
        for op, av in items:
            # zero-width: an anchor, or a look-around (skipping a look-ahead can only widen
            # the set, so the look-ahead added in front stays exact)
            if op is sre_c.AT or op in (sre_c.ASSERT, sre_c.ASSERT_NOT):
                continue
            got, empty = one(op, av)
            if got is None:
                return None, False
            out |= got
            if not empty:
                return out, False
        return out, True

    try:
        got, empty = seq(_parsed(source))
    except re.error:
        return None
    return None if empty or not got else got


# Words so common in what callers write that a gate on them filters little: a set holding
# one is ranked as if it were one letter long (speed only; every gate stays exact).
_FREQUENT = frozenset(
    "the and her his him she has had have was were are with for you they them their this that "
    "out about all not day days one our but said says home mum dad from who when what into "
    "school class time things over always often late nursery well good very really just been "
    "some more make made doing does going come came back after before there here then".split())


@lru_cache(maxsize=4096)
def match_prefixes(pattern: str) -> frozenset[str] | None:
    """Lower-case strings one of which every match of `pattern` starts with (read from
    its parse tree: a leading literal run, a group or alternation of them, or a leading
    look-ahead that requires one), or None when that cannot be told simply. The
    extractor tries such a pattern only where one of them occurs, not at every position
    of a sentence."""
    def first(items) -> set[str] | None:
        items = list(items)
        i = 0
        while i < len(items):
            op, av = items[i]
            if op is sre_c.AT or op is sre_c.ASSERT_NOT or (op is sre_c.ASSERT and av[0] < 0):
                i += 1  # zero width, and no promise about the text ahead
                continue
            if op is sre_c.ASSERT:  # a look-ahead: the text here must start with it
                got = first(av[1])
                if got:
                    return got
                i += 1
                continue
            if op is sre_c.LITERAL:
                run = ""
                while i < len(items) and items[i][0] is sre_c.LITERAL:
                    run += chr(items[i][1])
                    i += 1
                # the parser factors a shared start out of an alternation ("b(ruis|lack)")
                rest = first(items[i:]) if i < len(items) and items[i][0] is sre_c.BRANCH else None
                return {(run + r).lower() for r in rest} if rest else {run.lower()}
            if op is sre_c.SUBPATTERN:
                return first(av[3])
            if op is sre_c.BRANCH:
                out: set[str] = set()
                for alt in av[1]:
                    got = first(alt)
                    if not got:
                        return None
                    out |= got
                return out
            if op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
                return first(av[2])
            return None
        return None

    try:
        got = first(_parsed(spaced(pattern)))
    except (re.error, RecursionError):
        return None
    return frozenset(got) if got and all(got) else None


def _rarity(options: set[str] | frozenset[str]) -> int:
    return min(1 if x in _FREQUENT or len(x) < 3 else len(x) for x in options)


# -- gates: which literals must be in the text wherever a pattern matches ---------------
# A gate is an "or" of alternatives, each an "and" of sets of strings, each set an "or":
# wherever the pattern matches, the lower-cased text holds, for some alternative, a
# string of every one of its sets. Inside the functions below an alternative is a
# frozenset of sets, and a gate a list of alternatives; [frozenset()] is "no requirement".
GATE_ALTERNATIVES = 64  # the most alternatives a gate keeps (see `_both`)
_NONE = frozenset()  # the alternative that requires nothing


@lru_cache(maxsize=None)  # (the memos here are cleared after each pattern)
def _set_key(options: frozenset[str]) -> tuple:
    """Rarest set first (see `_rarity`), then the fewer strings; the rest makes it stable."""
    return (-_rarity(options), len(options), sorted(options))


@lru_cache(maxsize=None)
def _alt_key(alt: frozenset) -> tuple:
    """Fewest sets first; the rest makes it stable."""
    return (len(alt), sorted(_set_key(x) for x in alt))


@lru_cache(maxsize=None)
def _implies(y: frozenset[str], x: frozenset[str]) -> bool:
    """True when a text holding a string of `y` surely holds one of `x` (each string of
    `y` contains a string of `x`)."""
    return y <= x or all(any(s in t for s in x) for t in y)


def _implies_all(b: frozenset, a: frozenset) -> bool:
    """True when alternative `b` implies alternative `a` (each set of `a` is implied by a
    set of `b`)."""
    for x in a:
        for y in b:
            if _implies(y, x):
                break
        else:
            return False
    return True


def _minimal(options: frozenset[str]) -> frozenset[str]:
    """The same set without the strings that contain another of its strings ("bruising"
    beside "bruis": a text holding the one holds the other)."""
    if len(options) < 2:
        return options
    if len(options) < 12:
        return frozenset(t for t in options if not any(s != t and s in t for s in options))
    # many strings: look each one's shorter substrings up instead
    return frozenset(t for t in options if not any(
        t[i:j] in options for i in range(len(t)) for j in range(i + 1, len(t) + (i > 0))))


def _tidied(alt: frozenset) -> frozenset:
    """An alternative without the sets another of its sets implies."""
    if len(alt) < 2:
        return alt
    kept: list[frozenset[str]] = []
    for x in sorted(alt, key=_set_key):
        for y in kept:
            if _implies(y, x):
                break
        else:
            for k in kept:
                if _implies(x, k):
                    kept = [k for k in kept if not _implies(x, k)]
                    break
            kept.append(x)
    return alt if len(kept) == len(alt) else frozenset(kept)


def _merged(alts: set) -> set:
    """Alternatives that differ in one set only, made one: (A and X) or (A and Y) is
    A and (X or Y), and "X or Y" is the union of the two sets."""
    while len(alts) > 1:
        groups: dict[frozenset, list[frozenset[str]]] = {}
        for a in alts:
            for x in a:
                groups.setdefault(a - {x}, []).append(x)
        used: set[frozenset] = set()
        out: set[frozenset] = set()
        # (in a stable order: which merge wins where two overlap must not vary by run)
        for rest, xs in sorted(((rest, xs) for rest, xs in groups.items() if len(xs) > 1),
                               key=lambda g: (_alt_key(g[0]), sorted(map(_set_key, g[1])))):
            members = [rest | {x} for x in xs]
            if any(m in used for m in members):
                continue
            used.update(members)
            out.add(_tidied(rest | {_minimal(frozenset().union(*xs))}))
        if not used:
            break
        alts = out | (alts - used)
    return alts


def _simplified(alts: list) -> list:
    """The same condition with fewer, smaller alternatives (each tidied, see `_tidied`),
    by exact rewrites only: alternatives that differ in one set are merged (see
    `_merged`), and an alternative that implies another is dropped (the other holds
    wherever it does)."""
    if not all(alts):
        return [_NONE]  # one alternative needs nothing: neither does the whole
    if len(alts) == 1:
        return alts
    if all(len(a) == 1 for a in alts):  # "X or Y or ...": one set, their union
        return [frozenset({_minimal(frozenset().union(*(x for a in alts for x in a)))})]
    alts = set(alts)
    while True:
        alts = _merged(alts)
        kept: list[frozenset] = []
        for b in sorted(alts, key=_alt_key):  # fewest sets first: an implier comes first
            for a in kept:
                if a <= b or (len(a) <= len(b) and _implies_all(b, a)):
                    break
            else:
                kept.append(b)
        if len(kept) == len(alts) or len(kept) == 1:
            return kept
        alts = set(kept)


def _collapsed(alts: list) -> list:
    """One alternative that each of `alts` implies: a single set, the union of each
    alternative's rarest set (or no requirement, if one of them has none)."""
    if not all(alts):
        return [_NONE]
    return [frozenset({_minimal(frozenset().union(*(min(a, key=_set_key) for a in alts)))})]


def _both(a: list, b: list) -> list:
    """The gate of "`a` and then `b`", of at most GATE_ALTERNATIVES alternatives: where
    the product would have more, the side with more is collapsed (see `_collapsed`)."""
    if len(a) == 1 and len(b) == 1:
        return [_tidied(a[0] | b[0])]
    if len(a) * len(b) > GATE_ALTERNATIVES:
        if len(a) >= len(b):
            a = _collapsed(a)
        else:
            b = _collapsed(b)
        if len(a) * len(b) > GATE_ALTERNATIVES:
            a, b = _collapsed(a), _collapsed(b)
    return _simplified([_tidied(x | y) for x in a for y in b])


def _opened(items) -> list:
    """A sequence of parse-tree items as an equivalent one whose literals run on as far
    as they can: groups opened, and a literal run next to an alternation moved into
    each of its branches, so that "c(ame|ome)" (as the parser factors "came|come")
    yields "came" or "come", not "ame" or "ome"."""
    out: list = []
    for op, av in items:
        if op is sre_c.SUBPATTERN:
            out += _opened(av[3].data)
            continue
        if op is sre_c.BRANCH:
            run: list = []
            while out and out[-1][0] is sre_c.LITERAL:
                run.insert(0, out.pop())
            out.append((op, (None, [run + _opened(b.data if isinstance(b, sre_parse.SubPattern) else b)
                                    for b in av[1]])))
        elif op is sre_c.LITERAL and out and out[-1][0] is sre_c.BRANCH:
            out[-1] = (sre_c.BRANCH, (None, [b + [(op, av)] for b in out[-1][1][1]]))
        else:
            out.append((op, av))
    return out


def _sequence_gate(items: list) -> list:
    """The gate of a sequence of parse-tree items, opened (see `_opened`)."""
    fixed: set[frozenset[str]] = set()  # the sets of the items with one alternative
    choices: list[list] = []  # the gates of the others
    i, n = 0, len(items)
    while i < n:
        op, av = items[i]
        got = [_NONE]
        if op is sre_c.LITERAL:
            j = i
            while j < n and items[j][0] is sre_c.LITERAL:
                j += 1
            run = "".join(chr(a) for _, a in items[i:j]).lower()
            if len(run) >= 2:  # a one-letter string would filter nothing
                got = [frozenset({frozenset({run})})]
            i = j
        else:
            if op is sre_c.BRANCH:  # (groups are opened above)
                if all(b and all(x[0] is sre_c.LITERAL for x in b) for b in av[1]):
                    # the usual "(son|daughter|child)": one set (the general way, faster)
                    words = frozenset("".join(chr(x[1]) for x in b).lower() for b in av[1])
                    if min(map(len, words)) >= 2:
                        got = [frozenset({_minimal(words)})]
                else:
                    got = _simplified([a for branch in av[1] for a in _sequence_gate(branch)])
                    if len(got) > GATE_ALTERNATIVES:
                        got = _collapsed(got)
            elif op in (sre_c.MAX_REPEAT, sre_c.MIN_REPEAT) and av[0] >= 1:
                got = _sequence_gate(_opened(av[2].data))
            # anything else (a class, an optional item, a look-around, an anchor) puts
            # no literal in the match
            i += 1
        if len(got) == 1:
            fixed |= got[0]
        else:
            choices.append(got)
    out = [_tidied(frozenset(fixed))]
    for got in choices:
        out = _both(out, got)
    return out


@lru_cache(maxsize=4096)
def gate_alternatives(pattern: str) -> tuple[tuple[frozenset[str], ...], ...]:
    """The literals wherever `pattern` matches, read from its parse tree: alternatives,
    each a tuple of sets of lower-case strings (rarest set first), such that the
    lower-cased text of every match holds, for some alternative, a string of each of its
    sets; `()` when nothing can be told. Lets the extractor skip, exactly, a pattern that
    cannot match in this text or this sentence.

    A literal run is one set; a sequence requires what each of its items requires; an
    alternation, what one of its branches requires (nothing, if one branch requires
    nothing); a group, or a repeat of at least once, what its contents require; anything
    else (a class, an optional item, a look-around) nothing. So `\\b(happy|doing well)`
    needs "happy", or both "doing" and "well", not just one of the three."""
    try:
        alts = _simplified(_sequence_gate(_opened(_parsed(spaced(pattern)))))
        if not all(alts):
            return ()
        return tuple(tuple(sorted(a, key=_set_key)) for a in sorted(alts, key=_alt_key))
    except (re.error, RecursionError):
        return ()
    finally:  # the memos serve one pattern: kept, they would only grow
        _implies.cache_clear()
        _set_key.cache_clear()
        _alt_key.cache_clear()


class RulebookError(ValueError):
    """A rulebook that cannot be used; `problems` lists every one found, with lines."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Indicator:
    id: str
    domain: str
    level: int
    descriptor: str
    patterns: tuple[re.Pattern, ...]
    questions: tuple[str, ...]
    subdomain: str | None = None
    route: str | None = None
    emergency: bool = False
    context_exempt: frozenset[str] = frozenset()
    review: bool = False  # an advisor always checks a case where this is found
    below_years: float | None = None  # applies only to a child younger than this
    # applies only to a child at least this old, or to a baby not yet born (a pregnancy told
    # in a text about a young child is the mother's, not the child's)
    from_years: float | None = None
    # applies only to a baby not yet born: the text is then about the mother ("she smokes
    # cannabis most days" is the mother's drug use in pregnancy, not a child's)
    unborn_only: bool = False
    # read at another level from an age ("five words" is serious delay at three, not at two)
    level_from_age: tuple[float, int] | None = None
    same_need_as: str | None = None  # counted as that indicator when needs are combined
    # Per pattern, its gate (see `gate_alternatives`): alternatives, each a tuple of sets
    # of literals; wherever the pattern matches, the text holds one literal of each set of
    # at least one alternative. `()` for a pattern, or for the indicator: no gate.
    gates: tuple[tuple[tuple[frozenset[str], ...], ...], ...] = ()
    # per pattern: the strings every match starts with, or None (see match_prefixes)
    prefixes: tuple[frozenset[str] | None, ...] = ()


@dataclass(eq=False)  # identity hash: a loaded rulebook keys its cached pipeline
class Rulebook:
    name: str
    version: str
    effective_date: str
    path: Path
    levels: dict[int, dict]
    domains: dict[str, dict]
    indicators: dict[str, Indicator]
    overrides: dict[str, dict]
    combinations: list[dict]
    special_routes: dict[str, dict]
    outcomes: dict[str, dict]
    contacts: dict[str, str]
    emergency_recommendation: str = "emergency_999"
    unrecognised_level: int = 2
    spelling: tuple[str, ...] = ()
    shorthand: tuple[tuple[str, str], ...] = ()  # (token, the words it stands for)
    alarm_pattern: re.Pattern | None = None  # every alarm word, as one pattern
    alarm_gate: tuple[tuple[frozenset[str], ...], ...] = ()  # its gate, as an indicator's
    raw: dict = field(default_factory=dict, repr=False)

    # -- accessors used by the chat and the pages ----------------------------------
    def level(self, n: int) -> dict:
        return self.levels[int(n)]

    def indicator(self, indicator_id: str) -> dict:
        ind = self.indicators.get(indicator_id)
        if ind is None:
            ov = self.overrides.get(indicator_id)
            if ov is None:
                raise KeyError(indicator_id)
            return {"id": indicator_id, "descriptor": ov["text"], "domain": ov.get("domain", ""),
                    "level": ov["level"], "questions": []}
        return {"id": ind.id, "descriptor": ind.descriptor, "domain": ind.domain,
                "level": ind.level, "questions": list(ind.questions)}

    def outcome(self, recommendation: str) -> dict:
        return self.outcomes[recommendation]

    def route(self, route_id: str) -> dict:
        return self.special_routes[route_id]

    def recommendation_for(self, level: int) -> str:
        return self.levels[level]["recommendation"]


# -- loading with line numbers --------------------------------------------------------
def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is there


def _construct(node: yaml.Node) -> Any:
    """Plain Python data built from a composed node (whose nodes keep their lines)."""
    return yaml.SafeLoader("").construct_document(node)


def _key_nodes(node: yaml.Node) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def check(path: str | Path) -> list[str]:
    """Every problem in a rulebook file, as 'file:line: message' strings (empty if fine)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [f"{path}: cannot read: {exc.strerror or exc}"]
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return [f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]
    problems: list[str] = []

    def add(node, msg):
        problems.append(f"{path}:{_line(node)}: {msg}")

    if not isinstance(root, yaml.MappingNode):
        return [f"{path}:1: a rulebook must be a mapping with name, version, levels, indicators..."]
    top = _key_nodes(root)
    for key in ("name", "version", "effective_date", "levels", "domains", "indicators",
                "outcomes", "special_routes", "contacts"):
        if key not in top:
            add(root, f"missing top-level field '{key}'")
    data = _construct(root) or {}

    # levels
    levels = data.get("levels") or {}
    lnode = top.get("levels", (None, None))[1]
    for n in (1, 2, 3, 4):
        if n not in levels:
            add(lnode, f"level {n} is missing from 'levels'")
    for k, (kn, vn) in _key_nodes(lnode).items() if lnode is not None else []:
        lv = levels.get(int(k)) if str(k).isdigit() else None
        if not str(k).isdigit() or int(k) not in (1, 2, 3, 4):
            add(kn, f"unknown level '{k}' (levels are 1 to 4)")
            continue
        for f in ("name", "description", "recommendation"):
            if not (lv or {}).get(f):
                add(kn, f"level {k} is missing '{f}'")
        rec = (lv or {}).get("recommendation")
        if rec and rec not in RECOMMENDATIONS:
            add(kn, f"level {k}: unknown recommendation '{rec}' (one of {', '.join(RECOMMENDATIONS)})")

    domains = data.get("domains") or {}
    outcomes = data.get("outcomes") or {}
    routes = data.get("special_routes") or {}
    onode = top.get("outcomes", (None, None))[1]
    for rec in RECOMMENDATIONS:
        if rec not in outcomes:
            add(onode or root, f"outcome '{rec}' is missing from 'outcomes'")
    for k, (kn, _v) in (_key_nodes(onode).items() if onode is not None else []):
        for f in ("title", "timescale", "next_steps", "consent_guidance"):
            if not (outcomes.get(k) or {}).get(f):
                add(kn, f"outcome '{k}' is missing '{f}'")
    rnode = top.get("special_routes", (None, None))[1]
    for k, (kn, _v) in (_key_nodes(rnode).items() if rnode is not None else []):
        if k not in ROUTES:
            add(kn, f"unknown special route '{k}' (one of {', '.join(ROUTES)})")
    onode2 = top.get("overrides", (None, None))[1]
    for k, (kn, _v) in (_key_nodes(onode2).items() if onode2 is not None else []):
        if k not in OVERRIDES:
            add(kn, f"unknown override '{k}' (one of {', '.join(OVERRIDES)})")

    # indicators
    inode = top.get("indicators", (None, None))[1]
    seen_ids: dict[str, int] = {}
    seen_patterns: dict[str, tuple[str, int]] = {}
    levels_reached = set()
    ids_all = {i.get("id") for i in data.get("indicators") or [] if isinstance(i, dict)}

    def check_ids(node, where: str, val, key: str = "indicators") -> None:
        if not isinstance(val, list) or not val:
            add(node, f"{where}: '{key}' must be a non-empty list of indicator ids")
        for iid in val if isinstance(val, list) else []:
            if iid not in ids_all:
                add(node, f"{where}: names unknown indicator '{iid}'")

    def check_patterns(node, where: str, pats) -> None:
        for pat in pats:
            try:
                compile_pattern(str(pat))  # exactly as the engine will
            except re.error as exc:
                add(node, f"{where}: pattern does not compile: {exc}")
    if inode is not None and not isinstance(inode, yaml.SequenceNode):
        add(inode, "'indicators' must be a list")
    for item in (inode.value if isinstance(inode, yaml.SequenceNode) else []):
        fields = _key_nodes(item)
        ind = _construct(item) or {}
        iid = ind.get("id", "?")
        for f in REQUIRED_INDICATOR_FIELDS:
            if f not in fields:
                add(item, f"indicator '{iid}' is missing '{f}'")
        for f, (kn, _v) in fields.items():
            if f not in INDICATOR_FIELDS:
                add(kn, f"indicator '{iid}': unknown field '{f}'")
        if iid in seen_ids:
            add(fields.get("id", (item,))[0],
                f"duplicate indicator id '{iid}' (first defined on line {seen_ids[iid]})")
        else:
            seen_ids[iid] = _line(item)
        if "domain" in fields and ind.get("domain") not in domains:
            add(fields["domain"][1], f"indicator '{iid}': unknown domain '{ind.get('domain')}'")
        sub = ind.get("subdomain")
        if sub and sub not in ((domains.get(ind.get("domain")) or {}).get("subdomains") or []):
            add(fields["subdomain"][1], f"indicator '{iid}': unknown subdomain '{sub}'")
        lvl = ind.get("level")
        if "level" in fields and lvl not in (1, 2, 3, 4):
            add(fields["level"][1], f"indicator '{iid}': level must be 1 to 4, not {lvl!r}")
        else:
            levels_reached.add(lvl)
        route = ind.get("route")
        if route is not None and route not in ROUTES:
            add(fields["route"][1], f"indicator '{iid}': unknown special route '{route}'")
        if "review" in fields and not isinstance(ind.get("review"), bool):
            add(fields["review"][1], f"indicator '{iid}': review must be true or false")
        if "unborn_only" in fields and not isinstance(ind.get("unborn_only"), bool):
            add(fields["unborn_only"][1], f"indicator '{iid}': unborn_only must be true or false")
        if ind.get("unborn_only") is True and "below_years" in fields:
            add(fields["unborn_only"][1], f"indicator '{iid}': unborn_only and below_years cannot "
                "both apply (a baby not yet born has no age)")
        by = ind.get("below_years")
        if "below_years" in fields and (isinstance(by, bool) or not isinstance(by, (int, float))
                                        or not 1 <= by <= 25):
            add(fields["below_years"][1], f"indicator '{iid}': below_years must be an age from 1 to 25")
        fy = ind.get("from_years")
        if "from_years" in fields and (isinstance(fy, bool) or not isinstance(fy, (int, float))
                                       or not 1 <= fy <= 25):
            add(fields["from_years"][1], f"indicator '{iid}': from_years must be an age from 1 to 25")
        elif "from_years" in fields and "below_years" in fields and isinstance(by, (int, float)) and fy >= by:
            add(fields["from_years"][1], f"indicator '{iid}': from_years must be below below_years")
        if "same_need_as" in fields and ind.get("same_need_as") not in ids_all - {iid}:
            add(fields["same_need_as"][1], f"indicator '{iid}': same_need_as names unknown indicator "
                f"'{ind.get('same_need_as')}'")
        lfa = ind.get("level_from_age")
        if "level_from_age" in fields and not (
                isinstance(lfa, dict) and set(lfa) == {"years", "level"} and lfa["level"] in (1, 2, 3, 4)
                and isinstance(lfa["years"], (int, float)) and not isinstance(lfa["years"], bool)
                and 0 < lfa["years"] <= 25):
            add(fields["level_from_age"][1], f"indicator '{iid}': level_from_age must be "
                "{years: an age above 0, at most 25, level: 1 to 4}")
        for c in ind.get("context_exempt") or []:
            if c not in CONTEXTS:
                add(fields["context_exempt"][1], f"indicator '{iid}': unknown context '{c}'")
        pnode = fields.get("patterns", (None, None))[1]
        if pnode is not None:
            if not isinstance(pnode, yaml.SequenceNode) or not pnode.value:
                add(pnode, f"indicator '{iid}': 'patterns' must be a non-empty list")
            for pn in (pnode.value if isinstance(pnode, yaml.SequenceNode) else []):
                pat = pn.value if isinstance(pn, yaml.ScalarNode) else None
                if not pat:
                    add(pn, f"indicator '{iid}': empty pattern")
                    continue
                try:
                    rx = compile_pattern(pat)  # exactly as the engine will
                except re.error as exc:
                    add(pn, f"indicator '{iid}': pattern does not compile: {exc}")
                    continue
                if rx.search("") is not None:
                    add(pn, f"indicator '{iid}': pattern matches empty text")
                # every pattern is matched within one sentence: one written to cross a
                # sentence break ("...[.?!]\\s+She grabbed") could never match
                if CROSSES_SENTENCE.search(pat):
                    add(pn, f"indicator '{iid}': pattern tries to match across a sentence break "
                        "(patterns are matched one sentence at a time)")
                key = pat.lower()
                if key in seen_patterns and seen_patterns[key][0] != iid:
                    other, line = seen_patterns[key]
                    add(pn, f"indicator '{iid}': pattern duplicates one of '{other}' (line {line})")
                elif key in seen_patterns:
                    add(pn, f"indicator '{iid}': the same pattern twice")
                seen_patterns[key] = (iid, _line(pn))
    # overrides that name indicators must name real ones
    for k, ov in (data.get("overrides") or {}).items():
        for ref in (ov or {}).get("injury_indicators", []) + (ov or {}).get("indicators", []):
            if ref not in ids_all:
                kn = _key_nodes(onode2).get(k, (onode2,))[0]
                add(kn, f"override '{k}' names unknown indicator '{ref}'")
    # every level must be reachable by some indicator or override
    for n in (1, 2, 3, 4):
        if n not in levels_reached and not any((ov or {}).get("level") == n
                                               for ov in (data.get("overrides") or {}).values()):
            add(inode or root, f"level {n} is unreachable: no indicator or override gives it")
    oi = data.get("ordinary_injury")
    if oi is not None:
        oinode = top.get("ordinary_injury", (root, root))[1]
        if not isinstance(oi, dict):
            add(oinode, "'ordinary_injury' must be a mapping")
        else:
            if oi.get("indicator") not in ids_all:
                add(oinode, f"ordinary_injury names unknown indicator '{oi.get('indicator')}'")
            if oi.get("level") not in (1, 2, 3, 4):
                add(oinode, "ordinary_injury: level must be 1 to 4")
            also = oi.get("also_from_years") or {}
            if not isinstance(also, dict):
                add(oinode, "ordinary_injury: 'also_from_years' must map indicator ids to ages")
            for iid, years in (also.items() if isinstance(also, dict) else []):
                if iid not in ids_all:
                    add(oinode, f"ordinary_injury: also_from_years names unknown indicator '{iid}'")
                if not isinstance(years, (int, float)) or isinstance(years, bool) or years < 1:
                    add(oinode, f"ordinary_injury: also_from_years for '{iid}' must be an age of 1 or more")
            if not oi.get("text"):
                add(oinode, "ordinary_injury is missing 'text'")
            # the accounts of an accident (required), and of a baby on the move (optional)
            for key, what, required in (("explanation_patterns", "pattern", True),
                                        ("mobile_patterns", "mobile pattern", False)):
                pats = oi.get(key)
                if (required or pats is not None) and (not isinstance(pats, list) or not pats):
                    add(oinode, f"ordinary_injury: '{key}' must be a non-empty list")
                for pat in pats if isinstance(pats, list) else []:
                    try:
                        re.compile(str(pat))
                    except re.error as exc:
                        add(oinode, f"ordinary_injury: {what} does not compile: {exc}")
    rr = data.get("route_rules")
    if rr is not None:
        rrnode = top.get("route_rules", (root, root))[1]
        if not isinstance(rr, list):
            add(rrnode, "'route_rules' must be a list")
        for n, rule in enumerate(rr if isinstance(rr, list) else [], start=1):
            where = f"route_rules[{n}]"
            if not isinstance(rule, dict):
                add(rrnode, f"{where} must be a mapping")
                continue
            if rule.get("route") not in (data.get("special_routes") or {}):
                add(rrnode, f"{where}: unknown route '{rule.get('route')}'")
            check_ids(rrnode, where, rule.get("indicators"))
            pats = rule.get("patterns")
            if not isinstance(pats, list) or not pats:
                add(rrnode, f"{where}: 'patterns' must be a non-empty list")
            check_patterns(rrnode, where, pats if isinstance(pats, list) else [])
    lr = data.get("level_rules")
    if lr is not None:
        lrnode = top.get("level_rules", (root, root))[1]
        for n, rule in enumerate(lr if isinstance(lr, list) else [None], start=1):
            where = f"level_rules[{n}]"
            if not isinstance(rule, dict):
                add(lrnode, f"{where} must be a mapping with id, when_all, when_any, level and text")
                continue
            if not rule.get("id") or rule.get("id") in ids_all:
                add(lrnode, f"{where}: needs an id of its own (not an indicator id)")
            for key in ("when_all", "when_any"):
                check_ids(lrnode, where, rule.get(key), key)
            unless = rule.get("unless_all")
            if unless is not None and (not isinstance(unless, list) or not unless or not all(
                    isinstance(g, list) and g for g in unless)):
                add(lrnode, f"{where}: 'unless_all' must be a non-empty list of non-empty lists of patterns")
            for g in unless if isinstance(unless, list) else []:
                check_patterns(lrnode, where, g if isinstance(g, list) else [])
            if rule.get("unless_none") is not None and unless is None:
                add(lrnode, f"{where}: 'unless_none' needs 'unless_all'")
            check_patterns(lrnode, where, rule.get("unless_none") or [])
            if rule.get("level") not in (1, 2, 3, 4):
                add(lrnode, f"{where}: level must be 1 to 4")
            if not rule.get("text"):
                add(lrnode, f"{where} is missing 'text'")
    er = data.get("emergency_rules")
    if er is not None:
        ernode = top.get("emergency_rules", (root, root))[1]
        for n, rule in enumerate(er if isinstance(er, list) else [None], start=1):
            where = f"emergency_rules[{n}]"
            if not isinstance(rule, dict) or not rule.get("id") or not rule.get("when_all"):
                add(ernode, f"{where} must be a mapping with id and when_all (indicator ids)")
                continue
            check_ids(ernode, where, rule.get("when_all"), "when_all")
    ex = data.get("explained")
    if ex is not None:
        exnode = top.get("explained", (root, root))[1]
        items = exnode.value if isinstance(exnode, yaml.SequenceNode) else []
        for n, rule in enumerate(ex if isinstance(ex, list) else [None], start=1):
            where, node = f"explained[{n}]", items[n - 1] if n <= len(items) else exnode
            if not isinstance(rule, dict):
                add(node, f"{where} must be a mapping with id, indicators, level, when_all and text")
                continue
            if not rule.get("id") or rule.get("id") in ids_all:
                add(node, f"{where}: needs an id of its own (not an indicator id)")
            check_ids(node, where, rule.get("indicators"))
            if rule.get("level") not in (1, 2, 3, 4):
                add(node, f"{where}: level must be 1 to 4")
            groups = rule.get("when_all")
            if not isinstance(groups, list) or not groups or not all(
                    isinstance(g, list) and g for g in groups):
                add(node, f"{where}: 'when_all' must be a non-empty list of non-empty lists of patterns")
            for g in groups if isinstance(groups, list) else []:
                check_patterns(node, where, g if isinstance(g, list) else [])
            ua = rule.get("unless_any")
            if ua is not None and (not isinstance(ua, list) or not ua):
                add(node, f"{where}: 'unless_any' must be a non-empty list of patterns")
            check_patterns(node, where, ua if isinstance(ua, list) else [])
            if not rule.get("text"):
                add(node, f"{where} is missing 'text'")
    pbo = (data.get("overrides") or {}).get("pre_birth_concern")
    if isinstance(pbo, dict):
        pbnode = _key_nodes(onode2).get("pre_birth_concern", (root, root))[1]
        for key in ("mother_indicators", "not_counted"):
            for iid in pbo.get(key) or []:
                if iid not in ids_all:
                    add(pbnode, f"pre_birth_concern: {key} names unknown indicator '{iid}'")
        ral = pbo.get("read_at_level")
        if ral is not None and not isinstance(ral, dict):
            add(pbnode, "pre_birth_concern: read_at_level must map indicator ids to levels")
        for iid, lvl in (ral.items() if isinstance(ral, dict) else []):
            if iid not in ids_all:
                add(pbnode, f"pre_birth_concern: read_at_level names unknown indicator '{iid}'")
            if lvl not in (1, 2, 3, 4):
                add(pbnode, f"pre_birth_concern: read_at_level for '{iid}' must be 1 to 4")
        for pat in pbo.get("young_mother_patterns") or []:
            try:
                re.compile(str(pat))
            except re.error as exc:
                add(pbnode, f"pre_birth_concern: young_mother_patterns: pattern does not compile: {exc}")
    if data.get("unrecognised_level", 2) not in (1, 2, 3, 4):
        add(top.get("unrecognised_level", (root, root))[1], "unrecognised_level must be 1 to 4")
    if "second_reader" in top:
        _check_second_reader(path, top["second_reader"], data.get("second_reader"), add, ids_all)
    spelling = data.get("spelling")
    if spelling is not None:
        snode = top.get("spelling", (root, root))[1]
        if not isinstance(spelling, list):
            add(snode, "'spelling' must be a list of words")
        else:
            for w in spelling:
                if not isinstance(w, str) or not re.fullmatch(r"[a-z]{5,}", w):
                    add(snode, f"spelling: {w!r} must be a lower-case word of five letters or more")
    shorthand = data.get("shorthand")
    if shorthand is not None:
        shnode = top.get("shorthand", (root, root))[1]
        if not isinstance(shorthand, dict):
            add(shnode, "'shorthand' must map tokens to the words they stand for")
        else:
            for k, (kn, _v) in _key_nodes(shnode).items():
                words = shorthand.get(k)
                if not re.fullmatch(r"[a-z0-9/&]{1,12}", str(k)) or not re.search(r"[a-z&]", str(k)):
                    add(kn, f"shorthand: {k!r} must be one lower-case token (letters, digits, '/' or '&')")
                if not isinstance(words, str) or not re.fullmatch(r"[a-z']+( [a-z']+)*", words):
                    add(kn, f"shorthand: {k!r} must stand for lower-case words, not {words!r}")
    alarms = data.get("alarm_words")
    if alarms is not None:
        anode = top.get("alarm_words", (root, root))[1]
        if not isinstance(alarms, list):
            add(anode, "'alarm_words' must be a list of patterns")
        for i, pat in enumerate(alarms if isinstance(alarms, list) else []):
            where = anode.value[i] if isinstance(anode, yaml.SequenceNode) else anode
            if not isinstance(pat, str) or not pat.strip():
                add(where, "alarm_words: an entry must be a non-empty pattern")
                continue
            try:
                compile_pattern(pat)
            except re.error as exc:
                add(where, f"alarm_words: pattern does not compile: {exc}")
    for c in data.get("combinations") or []:
        if (c or {}).get("raise_to") not in (2, 3, 4):
            add(top.get("combinations", (root,))[0], f"combination '{(c or {}).get('id')}': raise_to must be 2 to 4")
    return problems


def _check_second_reader(path: Path, nodes: tuple, sr: Any, add, ids: set) -> None:
    """The `second_reader` section: known settings of the right kinds, and a corpus that
    holds enough cases at every level to learn from."""
    from .reader import DEFAULTS, SETTINGS, corpus_files, load_corpus

    key_node, node = nodes
    if not isinstance(sr, dict):
        add(key_node, "second_reader must be a mapping (corpus, raise_at, raise_to_4_at, route_at, ...)")
        return
    keys = _key_nodes(node)
    for k, (kn, _v) in keys.items():
        if k not in SETTINGS | {"enabled"}:
            add(kn, f"second_reader: unknown setting '{k}' (one of {', '.join(sorted(SETTINGS | {'enabled'}))})")
    alone = sr.get("read_alone", [])
    if not isinstance(alone, list) or not all(isinstance(i, str) for i in alone):
        add(keys.get("read_alone", (key_node, key_node))[1], "second_reader: read_alone must be a list of indicator ids")
    else:
        for i in alone:
            if i not in ids:
                add(keys["read_alone"][1], f"second_reader: read_alone names unknown indicator '{i}'")
    for k in ("enabled", "read_unrecognised"):
        if k in sr and not isinstance(sr[k], bool):
            add(keys[k][1], f"second_reader: {k} must be true or false")
    for k in ("raise_at", "raise_to_4_at", "route_at"):
        v = sr.get(k, DEFAULTS[k])
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 < v <= 1:
            add(keys.get(k, (key_node, key_node))[1], f"second_reader: {k} must be a number above 0 and at most 1")
    if "regularisation" in sr and (isinstance(sr["regularisation"], bool) or not isinstance(
            sr["regularisation"], (int, float)) or sr["regularisation"] <= 0):
        add(keys["regularisation"][1], "second_reader: regularisation must be a number above 0")
    if "min_words" in sr and (isinstance(sr["min_words"], bool) or not isinstance(sr["min_words"], int)
                              or sr["min_words"] < 0):
        add(keys["min_words"][1], "second_reader: min_words must be a whole number, 0 or more")
    min_cases = sr.get("min_cases", DEFAULTS["min_cases"])
    if isinstance(min_cases, bool) or not isinstance(min_cases, int) or min_cases < 1:
        add(keys.get("min_cases", (key_node, key_node))[1], "second_reader: min_cases must be a whole number above 0")
        min_cases = DEFAULTS["min_cases"]
    if sr.get("enabled") is False:
        return
    corpus = sr.get("corpus")
    cnode = keys.get("corpus", (key_node, key_node))[1]
    if not isinstance(corpus, list) or not corpus or not all(isinstance(g, str) and g for g in corpus):
        add(cnode, "second_reader: corpus must be a list of file patterns (relative to the rulebook)")
        return
    for g in corpus:
        if not corpus_files(path, [g]):
            add(cnode, f"second_reader: corpus pattern '{g}' matches no YAML file")
    try:
        cases = load_corpus(corpus_files(path, corpus))
    except (OSError, yaml.YAMLError) as exc:
        add(cnode, f"second_reader: a corpus file cannot be read: {exc}")
        return
    missing = sorted({1, 2, 3, 4} - {c.level for c in cases})
    if len(cases) < min_cases or missing:
        add(cnode, f"second_reader: the corpus holds {len(cases)} cases with a text and a level"
                   + (f", none at level {', '.join(map(str, missing))}" if missing else "")
                   + f"; it needs at least {min_cases}, at every level")


def load(path: str | Path) -> Rulebook:
    """Load and validate a rulebook; raises RulebookError listing every problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RulebookError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    key = _cache_key(raw)
    cached = _read_cache(key)
    if cached is None:
        problems = check(path)
        if problems:
            raise RulebookError(problems)
        analysis: dict[str, tuple] = {}
    else:  # these very bytes passed the check before
        _warm_code.update(cached["code"])
        analysis = cached["analysis"]

    def analysed(p: str) -> tuple:
        """(gate, match prefixes) for a pattern."""
        got = analysis.get(p)
        if got is None:
            got = analysis[p] = (gate_alternatives(p), match_prefixes(p))
        return got

    data = yaml.load(raw.decode("utf-8"), Loader=_LOADER)
    indicators = {}
    for i in data["indicators"]:
        read = [analysed(p) for p in i["patterns"]]
        indicators[i["id"]] = Indicator(
            id=i["id"], domain=i["domain"], level=int(i["level"]), descriptor=i["descriptor"],
            patterns=tuple(compile_pattern(p) for p in i["patterns"]),
            questions=tuple(i.get("questions") or ()), subdomain=i.get("subdomain"),
            route=i.get("route"), emergency=bool(i.get("emergency")),
            context_exempt=frozenset(i.get("context_exempt") or ()),
            review=bool(i.get("review")),
            below_years=i.get("below_years"), from_years=i.get("from_years"),
            unborn_only=i.get("unborn_only") is True,
            level_from_age=(i["level_from_age"]["years"], i["level_from_age"]["level"])
            if i.get("level_from_age") else None,
            same_need_as=i.get("same_need_as"),
            gates=tuple(r[0] for r in read), prefixes=tuple(r[1] for r in read))
    alarms = _alarms(data) if data.get("alarm_words") else None
    rb = Rulebook(
        name=str(data["name"]), version=str(data["version"]),
        effective_date=str(data["effective_date"]), path=path,
        levels={int(k): v for k, v in data["levels"].items()}, domains=data["domains"],
        indicators=indicators, overrides=data.get("overrides") or {},
        combinations=data.get("combinations") or [], special_routes=data["special_routes"],
        outcomes=data["outcomes"], contacts={k: str(v) for k, v in data["contacts"].items()},
        emergency_recommendation=data.get("emergency_recommendation", "emergency_999"),
        unrecognised_level=int(data.get("unrecognised_level", 2)),
        spelling=tuple(data.get("spelling") or ()),
        shorthand=tuple((str(k).lower(), str(v)) for k, v in (data.get("shorthand") or {}).items()),
        # one pass over the text for all of them
        alarm_pattern=compile_pattern(alarms) if alarms else None,
        alarm_gate=analysed(alarms)[0] if alarms else (), raw=data)
    if cached is None:
        # every pattern the engine uses (indicators, rules, alarm words), compiled once
        for p in _rule_patterns(data):
            try:
                compile_pattern(p)
            except re.error:  # the engine will meet the same error; nothing to keep
                pass
        _write_cache(key, {"analysis": analysis,
                           "code": {p: _fresh_code[p] for p in _rule_patterns(data) if p in _fresh_code}})
    return rb


def _rule_patterns(data: dict) -> list[str]:
    """Every pattern string the engine compiles with `compile_pattern` for this rulebook."""
    out = [p for i in data["indicators"] for p in i["patterns"]]
    if data.get("alarm_words"):
        out.append(_alarms(data))
    oi = data.get("ordinary_injury") or {}
    out += list(oi.get("explanation_patterns") or []) + list(oi.get("mobile_patterns") or [])
    for rule in data.get("route_rules") or []:
        out += rule.get("patterns") or []
    for rule in data.get("level_rules") or []:
        out += [p for g in rule.get("unless_all") or [] for p in g] + list(rule.get("unless_none") or [])
    for rule in data.get("explained") or []:
        out += [p for g in rule.get("when_all") or [] for p in g] + list(rule.get("unless_any") or [])
    overrides = data.get("overrides") or {}
    out += list((overrides.get("pre_birth_concern") or {}).get("young_mother_patterns") or [])
    out += list((overrides.get("injury_non_mobile_baby") or {}).get("not_mobile_patterns") or [])
    return [str(p) for p in out]


def _alarms(data: dict) -> str:
    return "|".join(f"(?:{p})" for p in data["alarm_words"])


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime: float) -> Rulebook:
    return load(path)


RECHECK_SECONDS = 1.0  # how soon an edited rulebook file is picked up
_recent: dict[str, tuple[float, Rulebook]] = {}


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """The rulebook in force: `path`, else TRIAGE_RULEBOOK, else the default one. The file
    is looked at again (and reloaded if it changed) at most once a second, not on every
    assessment."""
    key = str(path or os.environ.get("TRIAGE_RULEBOOK") or DEFAULT_PATH)
    now = time.monotonic()
    hit = _recent.get(key)
    if hit is not None and now - hit[0] < RECHECK_SECONDS:
        return hit[1]
    p = Path(key)
    rb = _load_cached(str(p.resolve()), p.stat().st_mtime)
    _recent[key] = (now, rb)
    return rb
