"""Reading common misspellings of the rulebook's serious words as the words themselves.

A hurried "she dislcosed that her stepdad has been abusing her" must not read as
nothing. Before matching, each word of five letters or more that is not an English
word (spaCy's English lemma lookup tables) and is one typing slip (a letter missed,
added, changed, or two neighbours swapped) from a word in the rulebook's `spelling`
list is replaced by that word. Offsets of everything found in the corrected text are
mapped back to the caller's own text, so evidence is always quoted as typed.

Correction can only add mentions: a real English word is never changed.

Shorthand is read the same way: a caller typing on a phone writes "living w his mates
family abt 6 wks", "att down to 70%", "no tea last nite cos dad was asleep". The
rulebook's `shorthand` maps such whole tokens to the words the patterns are written in
("w" -> "with", "att" -> "attendance"), so one set of patterns reads both. A token of
one or two letters is read only in lower case ("Mrs W" is a name, not "with").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

WORD = re.compile(r"[A-Za-z]{5,}")
LETTERS = re.compile(r"[a-z]+")  # (in lower-cased text) words, and "yr" of "yr9"
_CACHE: dict[frozenset, dict[str, str | None]] = {}  # per spelling list: word -> correction
_UNSEEN = object()


@lru_cache(maxsize=1)
def _english() -> tuple:
    from spacy.lookups import load_lookups  # spacy-lookups-data, installed with the app

    table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    return table, frozenset(table.values())


def is_english(word: str) -> bool:
    table, lemmas = _english()
    return word in lemmas or word in table


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def _one_slip(a: str, b: str) -> bool:
    """True when a and b differ by one insertion, deletion, substitution or swap."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def shorthand_pattern(keys) -> re.Pattern | None:
    """Whole tokens only: not inside a word ("sw" in "swim"), a number or a contraction.
    A digit may follow ("yr9", "x2"), as callers run them together."""
    if not keys:
        return None
    alts = "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k)))
    return re.compile(rf"(?<![\w'\u2019/&-])(?:{alts})(?![A-Za-z'\u2019/&-])", re.IGNORECASE)


@dataclass(frozen=True)
class Speller:
    targets: frozenset[str]
    index: dict  # a target, or one of its single-letter deletions -> targets
    shorthand: dict = field(default_factory=dict)  # token (lower case) -> words
    shorthand_rx: re.Pattern | None = None
    # for the quick look: tokens of letters only, and the others ("x2", "w/", "&")
    shorthand_letters: frozenset = frozenset()
    shorthand_other: tuple = ()

    @classmethod
    def build(cls, words: tuple[str, ...], shorthand: tuple[tuple[str, str], ...] = ()) -> Speller:
        index: dict[str, set[str]] = {}
        for w in words:
            for key in {w} | _deletions(w):
                index.setdefault(key, set()).add(w)
        table = {k.lower(): v for k, v in shorthand}
        letters = frozenset(k for k in table if k.isalpha())
        return cls(frozenset(words), {k: tuple(sorted(v)) for k, v in index.items()}, table,
                   shorthand_pattern(table), letters, tuple(sorted(set(table) - letters)))

    def _shorthand_fixes(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, words) for each shorthand token to read as words."""
        out = []
        for m in self.shorthand_rx.finditer(text):
            token = m.group()
            if len(token) < 3 and token != token.lower():
                continue  # "W", "N", "R": an initial, not shorthand
            words = self.shorthand[token.lower()]
            if m.end() < len(text) and text[m.end()].isdigit():
                words += " "  # "yr9" -> "year 9"
            out.append((m.start(), m.end(), words))
        return out

    def suggest(self, word: str) -> str | None:
        w = word.lower()
        cache = _CACHE.setdefault(self.targets, {})
        if w in cache:
            return cache[w]
        if len(cache) > 100_000:  # bounded: a long-running server sees endless new words
            cache.clear()
        cache[w] = fix = self._suggest(w)
        return fix

    def _suggest(self, w: str) -> str | None:
        if w in self.targets:
            return None
        found: set[str] = set()
        for key in {w} | _deletions(w):
            found.update(self.index.get(key, ()))
        # prefer a word at least as long as the one typed: a slip usually drops a letter
        good = sorted((len(t) < len(w), t) for t in found if _one_slip(w, t))
        # (the English word list is looked at only for a near miss: most words have none,
        # and loading the list is most of the speller's start-up)
        return good[0][1] if good and not is_english(w) else None

    def correct(self, text: str) -> tuple[str, Edits | None]:
        # one pass for the words, shared by both readings (most texts need neither)
        lowered = text.lower()
        words = set(LETTERS.findall(lowered))
        spans = self._shorthand_fixes(text) if self.shorthand_rx is not None and (
            not self.shorthand_letters.isdisjoint(words) or
            any(k in lowered for k in self.shorthand_other)) else []
        if self.targets:
            cache = _CACHE.setdefault(self.targets, {})
            fixes = {}
            for w in words:
                if len(w) < 5:
                    continue
                f = cache.get(w, _UNSEEN)
                if f is _UNSEEN:
                    f = self.suggest(w)
                if f is not None:
                    fixes[w] = f
            if fixes:
                spans += [(m.start(), m.end(), fixes[m.group().lower()]) for m in WORD.finditer(text)
                          if m.group().lower() in fixes]
                spans.sort()
        if not spans:  # the usual case: nothing to correct
            return text, None
        pieces: list[str] = []
        edits: list[tuple[int, int, int, int]] = []  # (orig start, orig end, new start, new end)
        last, shift = 0, 0
        for start, end, fix in spans:
            if start < last:  # (a shorthand token is never five letters of a word, but be sure)
                continue
            pieces.append(text[last:start])
            new_start = start + shift
            pieces.append(fix)
            edits.append((start, end, new_start, new_start + len(fix)))
            shift += len(fix) - (end - start)
            last = end
        pieces.append(text[last:])
        return "".join(pieces), Edits(edits)


class Edits:
    """Maps offsets in the corrected text back to the text as typed."""

    def __init__(self, edits: list[tuple[int, int, int, int]]):
        self.edits = edits
        self.new_starts = [e[2] for e in edits]

    def back(self, pos: int, end: bool = False) -> int:
        i = bisect_right(self.new_starts, pos if not end else pos - 1) - 1
        if i < 0:
            return pos
        o0, o1, n0, n1 = self.edits[i]
        if n0 <= pos < n1 or (end and n0 < pos <= n1):
            return o1 if end else o0  # inside a corrected word: the whole word as typed
        return pos - n1 + o1


@lru_cache(maxsize=8)
def speller(words: tuple[str, ...], shorthand: tuple[tuple[str, str], ...] = ()) -> Speller:
    return Speller.build(words, shorthand)
