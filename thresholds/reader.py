"""The second reader: a statistical reading of the whole description, beside the rules.

The rules recognise what they were written to recognise. Measured on consultations
written independently of them (thresholds/reference/fresh/), each new round met old harms
told in new words, and the rules' first reading stayed near 86% agreement with the
writers' levels, with level-4 cases read lower in most rounds. A reader trained on the
reference consultations (each written with the level an experienced advisor gave it)
reads the whole description the way those advisors did, and generalises beyond listed
phrasings. It is used only where it cannot make a child less safe:

- where the rules found something, it can only raise the level (to L when the chance
  that the case is at level L or above is at least `raise_at`; `raise_to_4_at` for level
  4, as the cost of missing that level is highest) and name a special route;
- where the rules recognised nothing, its reading replaces the rulebook's default
  `unrecognised_level` (`read_unrecognised`); the case is sent for review either way;
- whatever it changes raises `needs_human_review`, with the words that weighed most;
- it never lowers a level the rules gave and never touches a 999 emergency.

It is trained with scikit-learn (word and word-pair TF-IDF, multinomial logistic
regression; one yes/no model per special route) the first time a rulebook is used, and
kept on disk beside the compiled rulebook, keyed by the corpus, the settings and this
code. Reading a text needs only numpy: a dictionary look-up per word and one small
matrix product, well under a millisecond for 500 words. Same corpus, same reading.
"""

from __future__ import annotations

import glob
import hashlib
import io
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from .rulebook import ROUTES, Rulebook, RulebookError, read_cache_file, write_cache_file

READER_FORMAT = 1
DEFAULTS = {"raise_at": 0.6, "raise_to_4_at": 0.4, "route_at": 0.5, "read_unrecognised": True,
            "read_alone": [], "min_words": 30, "min_cases": 200, "regularisation": 4.0}
SETTINGS = {"corpus", *DEFAULTS}
MIN_ROUTE_CASES = 5  # a route with fewer examples in the corpus gets no model
_TOKEN = re.compile(r"\b\w\w+\b")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def terms(text: str) -> list[str]:
    """The words of a text (lower case, two letters or more) and each pair of neighbours."""
    words = _TOKEN.findall(text.translate(_QUOTES).lower())
    return words + [f"{a} {b}" for a, b in zip(words, words[1:])]


@dataclass(frozen=True)
class Case:
    text: str
    level: int
    routes: tuple[str, ...]


REFERENCE = Path(__file__).parent / "reference"  # the product's own reference consultations
BUILTIN = "@reference/"


def corpus_files(rb_path: Path, globs: list[str]) -> list[Path]:
    """The corpus files a rulebook names: globs relative to the rulebook's folder, absolute,
    or under `@reference/` (the product's own reference consultations, wherever the
    rulebook file itself lives)."""
    base = rb_path.parent
    out: set[Path] = set()
    for g in globs:
        if g.startswith(BUILTIN):
            pattern = str(REFERENCE / g[len(BUILTIN):])
        else:
            pattern = g if os.path.isabs(g) else str(base / g)
        out.update(Path(p) for p in glob.glob(pattern, recursive=True) if p.endswith((".yml", ".yaml")))
    return sorted(out)


def load_corpus(files: list[Path]) -> list[Case]:
    """Every case with a text and a level 1-4 in the files; anything else is passed over."""
    cases = []
    for f in files:
        data = yaml.load(f.read_bytes(), Loader=_LOADER)
        for v in data if isinstance(data, list) else []:
            if (isinstance(v, dict) and isinstance(v.get("text"), str) and v["text"].strip()
                    and v.get("level") in (1, 2, 3, 4)):
                routes = tuple(r for r in (v.get("routes") or []) if r in ROUTES)
                cases.append(Case(v["text"], int(v["level"]), routes))
    return cases


@dataclass(frozen=True)
class Reading:
    probs: dict[int, float]  # level -> chance
    routes: dict[str, float]  # route -> chance
    _reader: "Reader"
    _idx: np.ndarray
    _vals: np.ndarray

    def at_least(self, level: int) -> float:
        return sum(p for lv, p in self.probs.items() if lv >= level)

    def level_from(self, base: int) -> int:
        """The highest level above `base` the reading reaches; `base` if none."""
        s = self._reader.settings
        out = base
        for lv in (2, 3, 4):
            if lv > out and self.at_least(lv) >= (s["raise_to_4_at"] if lv == 4 else s["raise_at"]):
                out = lv
        return out

    def words_for(self, level: int, against: int, n: int = 3) -> list[str]:
        """The words in the text that weighed most towards `level` rather than `against`."""
        r = self._reader
        ci, cj = r.classes.index(level), r.classes.index(against)
        return self._heaviest(r.coef[ci, self._idx] - r.coef[cj, self._idx], n)

    def words_for_route(self, route: str, n: int = 3) -> list[str]:
        """The words in the text that weighed most towards naming `route`."""
        r = self._reader
        return self._heaviest(r.route_coef[r.route_names.index(route), self._idx], n)

    def _heaviest(self, coef: np.ndarray, n: int) -> list[str]:
        weight = self._vals * coef
        order = np.argsort(-weight, kind="stable")[:n]
        return [self._reader.vocab[self._idx[k]] for k in order if weight[k] > 0]


class Reader:
    def __init__(self, settings: dict, vocab: list[str], idf: np.ndarray, classes: list[int],
                 coef: np.ndarray, intercept: np.ndarray, route_names: list[str],
                 route_coef: np.ndarray, route_intercept: np.ndarray, n_cases: int, key: str):
        self.settings, self.vocab, self.idf = settings, vocab, idf
        self.index = {t: i for i, t in enumerate(vocab)}
        self.classes, self.coef, self.intercept = classes, coef, intercept
        self.route_names, self.route_coef, self.route_intercept = route_names, route_coef, route_intercept
        self.n_cases, self.key = n_cases, key

    def read(self, text: str) -> Reading | None:
        """The reading of a text, or None when it holds no word the corpus knows."""
        counts: dict[int, int] = {}
        index = self.index
        for t in terms(text):
            i = index.get(t)
            if i is not None:
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return None
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        vals = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))) * self.idf[idx]
        vals /= np.sqrt(vals @ vals)
        z = self.coef[:, idx] @ vals + self.intercept
        z = np.exp(z - z.max())
        z /= z.sum()
        rz = self.route_coef[:, idx] @ vals + self.route_intercept if self.route_names else np.zeros(0)
        rp = 1.0 / (1.0 + np.exp(-rz))
        return Reading({lv: float(p) for lv, p in zip(self.classes, z)},
                       {r: float(p) for r, p in zip(self.route_names, rp)}, self, idx, vals)


def settings_for(rb: Rulebook) -> dict | None:
    raw = rb.raw.get("second_reader")
    if not raw or raw.get("enabled") is False:
        return None
    return {**DEFAULTS, **{k: v for k, v in raw.items() if k in SETTINGS}}


def _sklearn_version() -> str:
    """The trained weights depend on it (read from the metadata: importing it is slow)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("scikit-learn")
    except PackageNotFoundError:
        return "none"


def _key(settings: dict, files: list[Path]) -> str:
    h = hashlib.sha256()
    parts = [str(READER_FORMAT).encode(), Path(__file__).read_bytes(), repr(sorted(settings.items())).encode(),
             _sklearn_version().encode(), np.__version__.encode()]
    for f in files:
        parts += [f.name.encode(), f.read_bytes()]
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def train(cases: list[Case], settings: dict, key: str = "") -> Reader:
    """Fit the reader to the cases. Deterministic: the same cases give the same reader."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [c.text for c in cases]
    vec = TfidfVectorizer(analyzer=terms, min_df=2, sublinear_tf=True)
    x = vec.fit_transform(texts)
    y = np.array([c.level for c in cases])
    c_reg = float(settings["regularisation"])
    model = LogisticRegression(C=c_reg, max_iter=5000, class_weight="balanced").fit(x, y)
    route_names, rcoef, rint = [], [], []
    for route in ROUTES:
        yr = np.array([route in c.routes for c in cases])
        if yr.sum() < MIN_ROUTE_CASES:
            continue
        m = LogisticRegression(C=c_reg, max_iter=5000, class_weight="balanced").fit(x, yr)
        route_names.append(route)
        rcoef.append(m.coef_[0])
        rint.append(m.intercept_[0])
    vocab = [t for t, _ in sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])]
    n_feat = len(vocab)
    return Reader(settings, vocab, vec.idf_.astype(np.float64), [int(c) for c in model.classes_],
                  model.coef_.astype(np.float64), model.intercept_.astype(np.float64), route_names,
                  np.array(rcoef, dtype=np.float64).reshape(len(route_names), n_feat),
                  np.array(rint, dtype=np.float64), len(cases), key)


def _save(reader: Reader) -> None:
    buf = io.BytesIO()
    np.savez(buf, key=np.frombuffer(reader.key.encode(), dtype=np.uint8),
             vocab=np.frombuffer("\n".join(reader.vocab).encode(), dtype=np.uint8),
             idf=reader.idf, classes=np.array(reader.classes), coef=reader.coef, intercept=reader.intercept,
             route_names=np.frombuffer("\n".join(reader.route_names).encode(), dtype=np.uint8),
             route_coef=reader.route_coef, route_intercept=reader.route_intercept,
             n_cases=np.array([reader.n_cases]))
    write_cache_file(f"reader-{reader.key[:40]}.npz", buf.getvalue())


def _load(key: str, settings: dict) -> Reader | None:
    body = read_cache_file(f"reader-{key[:40]}.npz")
    if body is None:  # none kept, or truncated or altered: trained afresh
        return None
    try:
        z = np.load(io.BytesIO(body), allow_pickle=False)
        if z["key"].tobytes().decode() != key:
            return None
        names = z["route_names"].tobytes().decode()
        return Reader(settings, z["vocab"].tobytes().decode().split("\n"), z["idf"],
                      [int(c) for c in z["classes"]], z["coef"], z["intercept"],
                      names.split("\n") if names else [], z["route_coef"], z["route_intercept"],
                      int(z["n_cases"][0]), key)
    except (ValueError, KeyError, OSError, UnicodeDecodeError):
        return None


_lock = threading.Lock()


@lru_cache(maxsize=8)  # a Rulebook hashes by identity: one reader per loaded rulebook
def second_reader(rb: Rulebook) -> Reader | None:
    """The rulebook's second reader, trained or read from the cache; None when the
    rulebook has none (or switches it off)."""
    settings = settings_for(rb)
    if settings is None:
        return None
    files = corpus_files(rb.path, list(settings["corpus"]))
    key = _key(settings, files)
    with _lock:
        reader = _load(key, settings)
        if reader is None:
            try:
                cases = load_corpus(files)
            except (OSError, yaml.YAMLError) as exc:
                raise RulebookError([f"{rb.path}: second_reader: a corpus file cannot be read: {exc}"]) from None
            if len(cases) < int(settings["min_cases"]) or len({c.level for c in cases}) < 4:
                raise RulebookError([f"{rb.path}: second_reader: the corpus holds {len(cases)} cases with a "
                                     f"text and a level; it needs at least {settings['min_cases']}, at every level"])
            reader = train(cases, settings, key)
            _save(reader)
    return reader
