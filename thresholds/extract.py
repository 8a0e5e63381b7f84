"""Finding the rulebook's indicators in free text, and the context that changes them.

A blank English spaCy pipeline splits sentences; a registered component matches the
rulebook's patterns and marks each match with ConText-style rules: negated ("no
bruises"), hypothetical ("if he were hit"), historical ("a CP plan years ago") or
about someone else (a parent's own childhood). A worry about another *child* (a
friend who is being hit) is not discounted: it is a worry about that child.

Context rules only ever remove a mention; the engine then raises human review when a
serious mention was removed for a reason other than plain negation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .rulebook import Rulebook

# Cues: kept short and explicit, so each decision can be explained.
NEGATION = re.compile(
    r"\b(no|not|never|without|denies|denied|deny|nor|none|neither|n't|no sign(s)? of|"
    r"no evidence of|ruled out|free of|nothing to suggest)\b|n't\b", re.IGNORECASE)
PSEUDO_NEGATION = re.compile(
    r"\b(not only|no doubt|didn'?t mean to|not sure (if|whether|why)|no longer|not just|"
    r"can'?t (explain|say)|won'?t (explain|say)|would(n'?t| not) (explain|say)|"
    r"could(n'?t| not) (explain|say)|did(n'?t| not) (explain|say))\b", re.IGNORECASE)
HYPOTHETICAL = re.compile(
    r"\b(if|what if|in case|hypothetical(ly)?|supposing|suppose|would you|should (he|she|they) ever|"
    r"in the event)\b", re.IGNORECASE)
HISTORICAL = re.compile(
    r"\b(years ago|in the past|previously|historic(al|ally)?|used to|a long time ago|"
    r"when (he|she|they) (was|were) (a baby|younger|little|small)|(was|were) closed|"
    r"closed (in|last)|no longer)\b", re.IGNORECASE)
OTHER_PERSON = re.compile(
    r"\b((mum|mom|dad|mother|father|parent|grandmother|grandfather|nan)('?s)? (own )?"
    r"(childhood|past|history)|when (mum|dad|mother|father) was (a child|young|"
    r"growing up|a teenager)|(mum|mom|dad|mother|father|parents?)\b[^.?!]{0,60}\bas "
    r"(a child|children|a teenager|a young (girl|boy|person)))\b", re.IGNORECASE)
TERMINATION = re.compile(r"\b(but|however|although|though|yet|except|because|whereas|now)\b|[;:]",
                         re.IGNORECASE)
NEGATION_WINDOW_WORDS = 5

ENGLISH_COMMON = frozenset(
    "the a an and or but is are was were he she they it his her their him them i we you to of in "
    "on at for with has have had not no be been this that at from as by my our your mum dad "
    "child school said says told".split())


@dataclass(frozen=True)
class Mention:
    indicator_id: str
    start: int
    end: int
    evidence: str
    context: str | None  # None when it applies to this child now


def _context_for(text: str, sent_start: int, m_start: int, m_end: int) -> str | None:
    """Which context rule, if any, removes this mention (checked in a fixed order)."""
    before = text[sent_start:m_start]
    # Look back only to the nearest termination cue ("but", "however", ";"...).
    cut = 0
    for t in TERMINATION.finditer(before):
        cut = t.end()
    scope = before[cut:]
    inside = text[m_start:m_end]
    window = " ".join(scope.split()[-NEGATION_WINDOW_WORDS:])
    clean_window = PSEUDO_NEGATION.sub(" ", window)
    clean_inside = PSEUDO_NEGATION.sub(" ", inside)
    if NEGATION.search(clean_window) or NEGATION.search(clean_inside):
        return "negated"
    if HYPOTHETICAL.search(scope):
        return "hypothetical"
    sentence_end = text.find(".", m_end)
    tail = text[m_end: sentence_end if sentence_end != -1 else len(text)]
    if HISTORICAL.search(scope) or HISTORICAL.search(tail[:60]):
        return "historical"
    if OTHER_PERSON.search(text[sent_start:m_end] + tail[:60]):
        return "other_person"
    return None


@Language.factory("indicator_matcher", default_config={})
def make_indicator_matcher(nlp: Language, name: str):
    """Registered so the pipeline can be built and configured like any spaCy pipeline;
    the rulebook is attached at build time (thresholds data is the configuration)."""
    return IndicatorMatcher()


class IndicatorMatcher:
    def __init__(self) -> None:
        self.rulebook: Rulebook | None = None

    def __call__(self, doc: Doc) -> Doc:
        rb = self.rulebook
        text = doc.text
        lowered = text.lower()
        mentions: list[Mention] = []
        sents = [(s.start_char, s.end_char) for s in doc.sents]
        for ind in rb.indicators.values():
            for rx, gate in zip(ind.patterns, ind.gates or ((),) * len(ind.patterns)):
                if not all(any(g in lowered for g in options) for options in gate):
                    continue  # exact: the pattern cannot match without these literals
                for m in rx.finditer(text):
                    s0 = next((a for a, b in sents if a <= m.start() < b), 0)
                    ctx = _context_for(text, s0, m.start(), m.end())
                    if ctx in ind.context_exempt:
                        ctx = None
                    mentions.append(Mention(ind.id, m.start(), m.end(), m.group(0), ctx))
        doc.user_data["mentions"] = mentions
        return doc


@lru_cache(maxsize=8)
def pipeline(rulebook_key: str, rb: Rulebook) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    matcher = nlp.add_pipe("indicator_matcher")
    matcher.rulebook = rb
    return nlp


def extract(text: str, rb: Rulebook) -> list[Mention]:
    nlp = pipeline(f"{rb.path}:{rb.version}", rb)
    return nlp(text).user_data["mentions"]


def english_ratio(text: str) -> tuple[float, int]:
    """Share of words that are common English words, and the number of words."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    if not words:
        return 0.0, 0
    return sum(w in ENGLISH_COMMON for w in words) / len(words), len(words)
