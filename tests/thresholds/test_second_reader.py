"""The second reader (thresholds/reader.py): what it may change, what it may not, and that
its hand-written reading is exactly the model scikit-learn trained."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
import yaml

from thresholds import engine
from thresholds.reader import corpus_files, load_corpus, second_reader, terms, train
from thresholds.rulebook import DEFAULT_PATH, check, load

ROOT = Path(__file__).resolve().parents[2]
KEYS = ("text", "child_age_years", "unborn", "mobile", "immediate_danger", "consent")
ADVICE = ["hold_case", "early_help_assessment", "mash_referral", "emergency_999"]


def _rulebook(tmp_path: Path, name: str, **second_reader) -> Path:
    data = yaml.safe_load(DEFAULT_PATH.read_text())
    data["second_reader"] = second_reader
    p = tmp_path / f"{name}.yml"
    p.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return p


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The default rulebook, the same with the reader switched off, and one whose reader
    learns from a small invented corpus in which made-up words carry the level."""
    tmp = tmp_path_factory.mktemp("reader")
    rng = random.Random(7)
    filler = ("the child is at school and mum came to the meeting today with her sister and "
              "we talked about the week").split()
    cases = []
    for level, word in ((1, "quillet"), (2, "brisket"), (3, "marlock"), (4, "zorblax")):
        for i in range(12):
            words = rng.sample(filler, 8) + [word, word]
            cases.append({"text": " ".join(words), "level": level,
                          "routes": ["lado"] if level == 4 and i < 6 else []})
    for i in range(6):  # the route's word, at a low level
        cases.append({"text": " ".join(rng.sample(filler, 8) + ["frobnic", "frobnic"]), "level": 1,
                      "routes": ["lado"]})
    (tmp / "corpus.yml").write_text(yaml.safe_dump(cases))
    made_up = _rulebook(tmp, "made-up", corpus=[str(tmp / "corpus.yml")], min_cases=20, min_words=0,
                        read_alone=["low_mood"])
    off = _rulebook(tmp, "off", enabled=False)
    # a council whose level 2 is early help: the reader may not take a case below it
    data = yaml.safe_load(made_up.read_text())
    data["levels"][2]["recommendation"] = "early_help_assessment"
    strict = tmp / "strict.yml"
    strict.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return {"default": load(DEFAULT_PATH), "off": load(off), "made_up": load(made_up), "strict": load(strict)}


def test_the_hand_written_reading_is_the_trained_model():
    """`Reader.read` (numpy only) gives the probabilities scikit-learn's own pipeline does."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    files = corpus_files(DEFAULT_PATH, ["@reference/fresh/heldback1[0-3]*.yml"])
    cases = load_corpus(files)
    assert len(cases) > 300
    reader = train(cases, {"regularisation": 4.0})
    vec = TfidfVectorizer(analyzer=terms, min_df=2, sublinear_tf=True)
    x = vec.fit_transform([c.text for c in cases])
    model = LogisticRegression(C=4.0, max_iter=5000, class_weight="balanced").fit(x, [c.level for c in cases])
    others = load_corpus(corpus_files(DEFAULT_PATH, ["@reference/fresh/heldback2[0-3].yml"]))
    for c in others[:80]:
        want = model.predict_proba(vec.transform([c.text]))[0]
        got = reader.read(c.text)
        assert np.allclose([got.probs[lv] for lv in model.classes_], want, atol=1e-9)


def test_training_is_deterministic():
    cases = load_corpus(corpus_files(DEFAULT_PATH, ["@reference/fresh/heldback4[0-5].yml"]))
    a, b = train(cases, {"regularisation": 4.0}), train(cases, {"regularisation": 4.0})
    assert a.vocab == b.vocab
    assert np.array_equal(a.coef, b.coef) and np.array_equal(a.route_coef, b.route_coef)


def test_it_never_lowers_a_level_the_rules_gave(books):
    """Over 1,500 reference texts: the level with the reader is never below the rules' own,
    except where the rules recognised nothing; a 999 emergency is never touched; every
    change is sent for review and explained."""
    files = corpus_files(DEFAULT_PATH, ["@reference/**/*.yml"])
    cases = [v for f in files for v in yaml.safe_load(f.read_text())]
    random.Random(3).shuffle(cases)
    changed = 0
    for v in cases[:1500]:
        case = {k: v[k] for k in KEYS if k in v}
        with_reader = engine.assess(case, books["default"])
        rules = engine.assess(case, books["off"])
        slight = set(books["default"].raw["second_reader"].get("read_alone") or [])
        needs = {i["id"] for i in rules["indicators"] if i["level"] >= 2}
        if needs - slight:
            assert with_reader["level"] >= rules["level"], v["id"]
        # the advice itself is never lowered
        assert ADVICE.index(with_reader["recommendation"]) >= ADVICE.index(rules["recommendation"]), v["id"]
        if rules["recommendation"] == "emergency_999":
            assert with_reader["recommendation"] == "emergency_999"
        assert set(rules["special_routes"]) <= set(with_reader["special_routes"])
        if with_reader["level"] != rules["level"] or with_reader["special_routes"] != rules["special_routes"]:
            changed += 1
            assert with_reader["needs_human_review"], v["id"]
            assert any("second reader" in line for line in with_reader["rationale"]), v["id"]
    assert changed > 0  # the reader does read


def test_it_raises_a_level_from_words_the_rules_do_not_know(books):
    text = "Mum is struggling financially and they have been using the food bank. The zorblax again."
    rules = engine.assess({"text": text, "child_age_years": 8}, books["off"])
    out = engine.assess({"text": text, "child_age_years": 8}, books["made_up"])
    assert rules["level"] == 2 and rules["indicators"]
    assert out["level"] == 4 and out["recommendation"] == "mash_referral"
    assert out["needs_human_review"]
    line = next(x for x in out["rationale"] if "second reader" in x)
    assert "level 4" in line and "zorblax" in line and "found level 2" in line


def test_it_cannot_lower_what_the_rules_found(books):
    """The made-up level-1 word beside a level-4 disclosure changes nothing."""
    text = "She told me her stepdad hits her with a belt. Quillet quillet quillet."
    rules = engine.assess({"text": text, "child_age_years": 9}, books["off"])
    out = engine.assess({"text": text, "child_age_years": 9}, books["made_up"])
    assert rules["level"] == 4
    assert out["level"] == 4 and out["recommendation"] == rules["recommendation"]


def test_where_the_rules_recognise_nothing_its_reading_replaces_the_default(books):
    text = "A quick question about the quillet at our school this week, thank you."
    rules = engine.assess({"text": text, "child_age_years": 8}, books["off"])
    out = engine.assess({"text": text, "child_age_years": 8}, books["made_up"])
    assert rules["level"] == 2 and not rules["indicators"]  # the rulebook's unrecognised_level
    assert out["level"] == 1 and out["recommendation"] == "hold_case"
    assert out["needs_human_review"]
    assert any("recognised no need" in x and "level 1" in x for x in out["rationale"])
    # and upwards from there
    up = engine.assess({"text": "A question about the marlock marlock this week.", "child_age_years": 8},
                       books["made_up"])
    assert up["level"] == 3 and up["recommendation"] == "early_help_assessment" and up["needs_human_review"]


def test_it_names_a_route_and_says_why(books):
    out = engine.assess({"text": "The frobnic frobnic at the club. Mum is behind on the rent.",
                         "child_age_years": 10}, books["made_up"])
    assert "lado" in out["special_routes"]
    assert any("names a route" in x and "frobnic" in x for x in out["rationale"])
    assert out["needs_human_review"]


def test_emergencies_and_other_languages_are_left_alone(books):
    out = engine.assess({"text": "The brisket again at home.", "immediate_danger": True}, books["made_up"])
    assert out["recommendation"] == "emergency_999" and out["level"] == 4
    polish = "Dziecko powiedziało, że tata ją bije i boi się wrócić do domu po szkole dzisiaj."
    a = engine.assess({"text": polish + " zorblax", "child_age_years": 9}, books["made_up"])
    assert not any("second reader" in x for x in a["rationale"])


def test_switched_off_it_reads_nothing(books):
    assert second_reader(books["off"]) is None
    assert second_reader(books["made_up"]) is not None


def test_the_reader_is_kept_on_disk_and_retrained_when_damaged(tmp_path, monkeypatch, books):
    from thresholds import reader as reader_mod

    monkeypatch.setenv("TRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    rb_path = books["made_up"].path
    first = second_reader(load(rb_path))
    stored = list((tmp_path / "cache").glob("reader-*.npz"))
    assert len(stored) == 1
    reader_mod.second_reader.cache_clear()
    monkeypatch.setattr(reader_mod, "train", lambda *a, **k: pytest.fail("trained again"))
    again = second_reader(load(rb_path))
    assert again.vocab == first.vocab and np.array_equal(again.coef, first.coef)
    # a damaged file is not used
    stored[0].write_bytes(stored[0].read_bytes()[:-50])
    reader_mod.second_reader.cache_clear()
    monkeypatch.undo()
    monkeypatch.setenv("TRIAGE_CACHE_DIR", str(tmp_path / "cache"))
    trained = []
    real_train = reader_mod.train
    monkeypatch.setattr(reader_mod, "train", lambda *a, **k: trained.append(1) or real_train(*a, **k))
    third = second_reader(load(rb_path))
    assert trained and np.array_equal(third.coef, first.coef)
    reader_mod.second_reader.cache_clear()


REF = str(ROOT / "thresholds" / "reference")


@pytest.mark.parametrize("setting, message", [
    ({"corpus": ["nothing-here/*.yml"]}, "matches no YAML file"),
    ({"corpus": [REF + "/**/*.yml"], "raise_at": 1.5}, "raise_at must be a number above 0 and at most 1"),
    ({"corpus": [REF + "/**/*.yml"], "route_at": "high"}, "route_at must be a number"),
    ({"corpus": [REF + "/**/*.yml"], "read_unrecognised": "yes"}, "read_unrecognised must be true or false"),
    ({"corpus": [REF + "/**/*.yml"], "threshold": 0.5}, "unknown setting 'threshold'"),
    ({"corpus": REF}, "corpus must be a list"),
    ({"corpus": [REF + "/fresh/heldback10.yml"]}, "the corpus holds 40 cases"),
    ({"corpus": [REF + "/**/*.yml"], "read_alone": ["no_such_need"]}, "read_alone names unknown indicator"),
])
def test_the_validator_points_at_a_bad_second_reader(tmp_path, setting, message):
    p = _rulebook(tmp_path, "bad", **setting)
    problems = check(p)
    line = next(i for i, x in enumerate(p.read_text().splitlines(), 1) if x.startswith("second_reader:"))
    hits = [x for x in problems if message in x]
    assert hits, problems
    assert hits[0].startswith(f"{p}:")
    where = int(hits[0][len(str(p)) + 1:].split(":")[0])
    assert line <= where <= line + 8, (hits, line)  # the line inside the second_reader section


def test_the_default_rulebook_reader_reads_a_known_gap():
    """A level-4 harm told in words no rule lists (a held-back case the rules read as
    level 2) is raised: read from the reference corpus, not from a listed phrase."""
    rb = load(DEFAULT_PATH)
    rules_only = {"text": "Paeds reg. 6yo, 4th admission with unexplained hypoglycaemia. Lab back today: "
                          "very high insulin with low C-peptide. Not diabetic. Mum is always the only "
                          "one present when it starts.", "child_age_years": 6}
    out = engine.assess(rules_only, rb)
    assert out["level"] == 4 and out["needs_human_review"]
    assert any("second reader" in x for x in out["rationale"])


def test_terms_are_words_and_pairs():
    assert terms("He’s OK, a bruise") == ["he", "ok", "bruise", "he ok", "ok bruise"]
    assert list(itertools.islice(terms("x y zz"), 5)) == ["zz"]


def test_warm_up_prepares_the_rulebook_and_reader_off_the_request_path():
    import thresholds
    from thresholds.rulebook import load_rulebook

    t = thresholds.warm_up_in_background()
    t.join(120)
    assert not t.is_alive()
    hits = second_reader.cache_info().hits
    assert second_reader(load_rulebook()) is not None
    assert second_reader.cache_info().hits == hits + 1  # already there: nothing trained or loaded now


def test_the_command_reports_a_corpus_it_cannot_learn_from(tmp_path):
    import json
    import os
    import subprocess

    (tmp_path / "few.yml").write_text(yaml.safe_dump([{"text": "one case only", "level": 2}]))
    book = _rulebook(tmp_path, "council", corpus=[str(tmp_path / "few.yml")])
    env = {**os.environ, "TRIAGE_RULEBOOK": str(book), "TRIAGE_CACHE_DIR": str(tmp_path / "cache")}
    run = subprocess.run([str(ROOT / ".venv" / "bin" / "triage"), "assess"], input='{"text": "a bruise"}',
                         capture_output=True, text=True, env=env, timeout=120)
    assert run.returncode == 2
    err = json.loads(run.stdout)["error"]
    assert "second_reader" in err and "the corpus holds 1 cases" in err and str(book) in err


def test_a_slight_need_alone_is_read_by_the_reader_but_the_advice_never_falls(books):
    """`read_alone`: a word of low mood is all the rules found, so the reader reads the
    level, down to level 1 where that keeps the same advice (hold the case), never lower
    advice; and never where another need was found."""
    text = "She seemed a bit anxious at pick-up today. Quillet quillet at the school."
    rules = engine.assess({"text": text, "child_age_years": 8}, books["off"])
    assert rules["level"] == 2 and {i["id"] for i in rules["indicators"]} == {"low_mood"}
    out = engine.assess({"text": text, "child_age_years": 8}, books["made_up"])
    assert out["level"] == 1 and out["recommendation"] == "hold_case" and out["needs_human_review"]
    assert any("too slight to set a level alone" in x for x in out["rationale"])
    # where level 2 carries other advice, the level stays
    strict = engine.assess({"text": text, "child_age_years": 8}, books["strict"])
    assert strict["level"] == 2 and strict["recommendation"] == "early_help_assessment"
    # another need beside it: the rules' level stands
    both = engine.assess({"text": "She seemed anxious and they are using the food bank. Quillet quillet.",
                          "child_age_years": 8}, books["made_up"])
    assert both["level"] == 2
