"""Context rules one by one, the validator's line numbers, and the CLI's contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from thresholds import CaseError, assess, check, load_rulebook

ROOT = Path(__file__).resolve().parents[2]
TRIAGE = ROOT / ".venv" / "bin" / "triage"
DEFAULT = ROOT / "thresholds" / "rulebooks" / "default.yml"


def ids(text, **kw):
    return {i["id"] for i in assess({"text": text, **kw})["indicators"]}


def test_negation_removes_the_mention():
    assert "injury_mark" in ids("There is a bruise on his arm.")
    assert "injury_mark" not in ids("There are no bruises or marks on him.")
    assert "injury_mark" not in ids("Mum denies any bruising.")


def test_negation_stops_at_but():
    assert "injury_mark" in ids("No concerns at home but there is a bruise on his back.")


def test_a_comma_that_starts_a_new_clause_ends_the_negation():
    assert "injury_mark" in ids("6mo baby, not crawling, has a bruise on his forehead.")
    assert "injury_mark" in ids("Not rolling yet, there is a mark on her cheek.")
    # ...but a comma inside a list keeps it
    assert "injury_mark" not in ids("No bruises, marks or burns on him.")
    r = assess({"text": "6mo baby at clinic, not crawling, has a bruise on his forehead",
                "child_age_years": 0.5})
    assert r["level"] == 4 and "injury_non_mobile_baby" in {i["id"] for i in r["indicators"]}


def test_a_negation_that_has_found_its_object_ends_at_the_comma():
    assert "low_mood" in ids("She hasn't done anything, low mood for months.")
    assert "injury_mark" not in ids("She hasn't got any bruises, marks or cuts.")


def test_a_new_negated_item_after_a_comma_starts_its_own_scope():
    # "never ... extremist views, no concerns at home": the second "no" is its own item
    assert "needs_met" in ids("She has never expressed extremist views, no concerns at home.")
    assert "radicalisation" not in ids("She has never expressed extremist views, no concerns at home.")
    assert "injury_mark" not in ids("No bruises seen, no marks on his arms.")


def test_the_callers_own_introduction_is_not_part_of_the_concern():
    from thresholds.extract import mask_caller

    for intro, rest in [("Teacher - ", "8yo says her dad hit her with a belt"),
                        ("I'm a teacher, ", "one of my pupils said her dad hit her"),
                        ("class teacher here. ", "8yo says dad hit her"),
                        ("RE teacher: ", "yr 9 boy said dad hit him")]:
        masked = mask_caller(intro + rest)
        assert len(masked) == len(intro + rest) and masked.endswith(rest)
        assert "teacher" not in masked.lower()
        r = assess({"text": intro + rest, "child_age_years": 8})
        assert r["level"] == 4 and "lado" not in r["special_routes"], intro
    # a professional who is the subject is still read as one
    for text in ["Teacher at his school slapped him, parents told me",
                 "his PE teacher - he grabbed her by the neck",
                 "one of our lunchtime supervisors grabbed a 7yo by the wrist"]:
        assert mask_caller(text) == text
        assert "lado" in assess({"text": text, "child_age_years": 8})["special_routes"], text
    # ...but not when they only saw or reported something
    assert "lado" not in assess({"text": "My colleague saw dad hit him in the car park.",
                                 "child_age_years": 8})["special_routes"]


def test_attendance_read_as_its_latest_figure():
    assert "persistent_absence" in ids("attendance has gone from 96% to 74% this term")
    assert "persistent_absence" not in ids("attendance has gone from 74% to 97% this term")


def test_private_fostering_needs_28_days():
    base = "13yo has been living with her mum's friend, who is not related, "
    for told in ["since the beginning of term, about 6 wks now", "since sept", "for 3 months now",
                 "for the whole school year"]:
        r = assess({"text": base + told, "child_age_years": 13})
        assert "private_fostering" in r["special_routes"], told
    for told in ["for 2 weeks", "since last weekend"]:
        r = assess({"text": base + told, "child_age_years": 13})
        assert "private_fostering" not in r["special_routes"] and r["needs_human_review"], told
    r = assess({"text": base + "since sept", "child_age_years": 16})
    assert "private_fostering" not in r["special_routes"]


def test_a_route_is_named_alongside_the_level_the_childs_own_needs_set():
    lado = assess({"text": "A parent says a teacher pushed her son hard against a wall.",
                   "child_age_years": 9})
    assert lado["special_routes"] == ["lado"] and lado["level"] == 1
    harmed = assess({"text": "The nursery worker pinched a 2yo hard, there is a pinch mark on his hand.",
                     "child_age_years": 2})
    assert "lado" in harmed["special_routes"] and harmed["level"] == 4
    prevent = assess({"text": "He watches extremist videos and talks about joining a far-right group.",
                      "child_age_years": 15})
    assert prevent["special_routes"] == ["prevent"] and prevent["level"] == 2


def test_an_unborn_babys_mother_being_pregnant_is_not_a_teenage_pregnancy():
    calm = assess({"text": "Midwife: 30 weeks pregnant, well supported, attends all appointments.",
                   "unborn": True})
    assert calm["level"] == 1 and "teenage_pregnancy" not in {i["id"] for i in calm["indicators"]}
    young = assess({"text": "Midwife: mum is 15 and 30 weeks pregnant.", "unborn": True})
    assert "teenage_pregnancy" in {i["id"] for i in young["indicators"]} and young["level"] >= 3


def test_an_optional_space_in_a_pattern_is_optional():
    from thresholds.rulebook import compile_pattern

    rx = compile_pattern(r"\bthe \d+ ?yo\b")
    assert rx.search("see the 2yo today") and rx.search("see the 2 yo today")


def test_hypothetical_removes_the_mention():
    assert "domestic_abuse" not in ids("If there were domestic abuse we would refer.")


def test_historical_removes_the_mention_and_raises_review_for_serious_ones():
    r = assess({"text": "He was sexually abused years ago by a neighbour who has since moved away."})
    # sexual abuse is exempt from the historical rule: still applies (it is current harm to address)
    assert r["level"] == 4
    r = assess({"text": "Dad used to hit mum in the past.", "child_age_years": 8})
    assert "domestic_abuse" not in {i["id"] for i in r["indicators"]}


def test_someone_elses_childhood_is_not_this_child():
    r = assess({"text": "Mum was neglected as a child and worries about parenting.", "child_age_years": 3})
    assert "neglect" not in {i["id"] for i in r["indicators"]}


def test_another_child_is_not_discounted():
    r = assess({"text": "His friend told me he is being hit by his dad.", "child_age_years": 9})
    assert r["level"] == 4


@pytest.mark.parametrize("bad", [
    {}, {"text": ""}, {"text": "  "}, {"text": 5}, {"text": "x", "unknown": 1},
    {"text": "x", "consent": "maybe"}, {"text": "x", "child_age_years": -1},
    {"text": "x", "child_age_years": "7"}, {"text": "x", "unborn": "yes"}, [1, 2], "text",
])
def test_bad_cases_raise_a_specific_error(bad):
    with pytest.raises(CaseError) as exc:
        assess(bad)
    assert str(exc.value)


def test_deterministic():
    case = {"text": "She told me dad hits her and she has a bruise.", "child_age_years": 9}
    assert assess(case) == assess(dict(case))


BROKEN = """name: Broken
version: "1"
effective_date: "2026-01-01"
levels:
  1: {name: A, description: a, recommendation: hold_case}
  2: {name: B, description: b, recommendation: hold_case}
  3: {name: C, description: c, recommendation: early_help}
domains:
  child_development: {title: x, subdomains: [health]}
outcomes: {}
special_routes:
  lado: {title: t, action: a}
  telepathy: {title: t, action: a}
contacts: {}
indicators:
  - id: one
    domain: child_development
    level: 2
    descriptor: d
    patterns: ["\\\\bbruise"]
    questions: []
  - id: one
    domain: nowhere
    level: 7
    descriptor: d
    patterns: ["(unclosed"]
    questions: []
  - id: three
    domain: child_development
    level: 2
    descriptor: d
    patterns: ["\\\\bbruise"]
"""


def test_validator_points_at_the_lines(tmp_path):
    f = tmp_path / "broken.yml"
    f.write_text(BROKEN)
    problems = check(f)
    text = "\n".join(problems)
    assert f"{f}:7: level 3: unknown recommendation 'early_help'" in text
    assert "level 4 is missing" in text
    assert f"{f}:13: unknown special route 'telepathy'" in text
    assert f"{f}:22: duplicate indicator id 'one' (first defined on line 16)" in text
    assert f"{f}:23: indicator 'one': unknown domain 'nowhere'" in text
    assert f"{f}:24: indicator 'one': level must be 1 to 4" in text
    assert f"{f}:26: indicator 'one': pattern does not compile" in text
    assert "indicator 'three' is missing 'questions'" in text
    assert f"{f}:32: indicator 'three': pattern duplicates one of 'one' (line 20)" in text
    assert "level 4 is unreachable" in text


def test_default_rulebook_is_clean_and_large_enough():
    from thresholds import load_rulebook
    assert check(ROOT / "thresholds/rulebooks/default.yml") == []
    assert len(load_rulebook().indicators) >= 80


def run(args, stdin):
    return subprocess.run([str(TRIAGE), *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_cli_single_and_errors():
    p = run(["assess"], json.dumps({"text": "4 month old with a bruise on his cheek", "child_age_years": 0.33}))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["level"] == 4 and out["recommendation"] == "mash_referral"
    for bad in ("", "{not json", json.dumps({"text": ""}), json.dumps({"text": "x", "zzz": 1})):
        p = run(["assess"], bad)
        assert p.returncode == 2
        assert json.loads(p.stdout)["error"]


def test_cli_jsonl_keeps_going_and_reports_the_bad_line():
    lines = [json.dumps({"text": "He is being bullied."}), "oops",
             json.dumps({"text": "She disclosed that her stepdad hits her."})]
    p = run(["assess", "--jsonl"], "\n".join(lines) + "\n")
    assert p.returncode == 2
    outs = [json.loads(x) for x in p.stdout.splitlines()]
    assert len(outs) == 3
    assert outs[0]["level"] == 2 and outs[1]["line"] == 2 and outs[2]["level"] == 4


def test_cli_a_long_batch_shared_between_processes_gives_the_same_lines_in_order():
    import os

    from thresholds.cli import LINES_PER_WORKER

    cases = [("He is being bullied.", 8), ("She disclosed that her stepdad hits her.", 8),
             ("A 3 month old with a bruise on his ear.", 0.25), ("Attendance 84% this term.", 8)]
    lines = [json.dumps({"text": cases[i % 4][0] + f" (case {i})", "child_age_years": cases[i % 4][1]})
             for i in range(2 * LINES_PER_WORKER + 300)]
    bad_at = len(lines) - 5  # a bad line in the last process's share
    lines[bad_at] = "{oops"
    lines[3] = ""  # a blank line is skipped, not answered
    results = {}
    for workers in ("1", "3"):
        p = subprocess.run([str(TRIAGE), "assess", "--jsonl"], input="\n".join(lines), capture_output=True,
                           text=True, timeout=600, env={**os.environ, "TRIAGE_WORKERS": workers})
        assert p.returncode == 2, p.stderr  # the bad line is reported in the exit status
        results[workers] = p.stdout.splitlines()
    assert results["1"] == results["3"]
    outs = [json.loads(x) for x in results["3"]]
    assert len(outs) == len(lines) - 1
    assert outs[bad_at - 1] == {"error": outs[bad_at - 1]["error"], "line": bad_at + 1}
    assert [o.get("level") for o in outs[:3]] == [2, 4, 4]  # in input order


def test_cli_rulebook_check(tmp_path):
    p = run(["rulebook", "check", str(ROOT / "thresholds/rulebooks/default.yml")], "")
    assert p.returncode == 0 and "OK" in p.stdout
    bad = tmp_path / "b.yml"
    bad.write_text(BROKEN)
    p = run(["rulebook", "check", str(bad)], "")
    assert p.returncode == 1 and f"{bad}:" in p.stdout


def test_the_literal_prefilter_never_changes_what_is_found():
    """The speed-ups (gates, and trying a pattern only where its match prefixes occur)
    skip a pattern only where it cannot match; prove it on every vignette."""
    import dataclasses

    import yaml

    from thresholds import load_rulebook
    from thresholds.extract import extract

    rb = load_rulebook()
    ungated = dataclasses.replace(rb, indicators={
        k: dataclasses.replace(v, gates=(), prefixes=()) for k, v in rb.indicators.items()})
    texts = [v["text"] for f in sorted((ROOT / "thresholds" / "reference").glob("**/*.yml")) for v in yaml.safe_load(f.read_text())]
    assert len(texts) > 1000
    # long texts whose concern sits in neighbouring sentences, scanned as one run
    texts += [" ".join(texts[i:i + 12]) for i in range(0, 600, 12)]
    # letters whose lower case is longer ("İ") or that the patterns read as another ("ı"
    # as "i", "ſ" as "s"): the lower-cased text cannot stand for these texts
    texts += ["İpek said her dad punched her and she has a bruise on her arm.",
              "İİİİ she has bruising. He hıt her with a belt. Dad ſlapped him, bruiſes on his arm."]
    found = 0
    for t in texts + [t.upper() for t in texts[:300]]:
        fast = extract(t, rb)
        assert fast == extract(t, ungated), t
        found += len(fast)
    assert found > 2000  # the comparison is about something


def test_match_prefixes_are_read_from_the_pattern():
    from thresholds.rulebook import match_prefixes

    assert match_prefixes(r"\b(bruis\w*|black eye)\b") == {"bruis", "black"}
    assert match_prefixes(r"\b(?=(teacher|coach))(?<!our )\w+") == {"teacher", "coach"}
    assert match_prefixes(r"(?<!no )\b(FGM|cut)") == {"fgm", "cut"}
    assert match_prefixes(r"(very )?hungry") is None  # may start with "hungry"
    assert match_prefixes(r"\w+ing") is None
    assert match_prefixes(r"\b(hit|\d+ times)") is None


# -- misspellings of serious words --------------------------------------------------
from thresholds.spelling import Speller  # noqa: E402


@pytest.mark.parametrize("typed, read", [
    ("she dislcosed it", "she disclosed it"),        # two letters swapped
    ("dad punchd him", "dad punched him"),            # a letter missed
    ("brusing on his back", "bruising on his back"),  # a letter missed
    ("sexualy abused", "sexually abused"),            # prefers the longer word
    ("he was kickedd", "he was kicked"),              # a letter added
])
def test_speller_reads_slips_as_the_serious_word(typed, read):
    sp = Speller.build(load_rulebook().spelling)
    assert sp.correct(typed)[0] == read


@pytest.mark.parametrize("text", ["The cruise turns nicely", "She likes pinches of salt",
                                  "Dziecko ma siniaki na rękach", "abused and bruised"])
def test_speller_leaves_english_words_and_other_languages_alone(text):
    sp = Speller.build(load_rulebook().spelling)
    assert sp.correct(text) == (text, None)


def test_misspelt_evidence_is_quoted_as_typed():
    text = "he disclosed that his dad punchd him and he has brusing on his back"
    r = assess({"text": text, "child_age_years": 10})
    assert r["level"] == 4
    spans = {i["id"]: text[i["start"]:i["end"]] for i in r["indicators"]}
    assert spans["injury_mark"] == "brusing"
    assert all(text[i["start"]:i["end"]] == i["evidence"] for i in r["indicators"])


def test_validator_rejects_a_bad_spelling_list(tmp_path):
    src = DEFAULT.read_text().replace("spelling:\n  [abuse,", "spelling:\n  [Ab, abuse,", 1)
    bad = tmp_path / "bad.yml"
    bad.write_text(src)
    problems = check(bad)
    assert any("spelling" in p and "'Ab'" in p for p in problems), problems


def test_a_pattern_that_spells_out_a_negation_is_not_discounted_by_it():
    r = assess({"text": "Dad refuses to let the health visitor see the baby and no one has "
                        "seen her for weeks.", "child_age_years": 0.4})
    assert "child_not_seen" in {i["id"] for i in r["indicators"]}
    r = assess({"text": "The baby was seen by the health visitor last week and is well.",
                "child_age_years": 0.4})
    assert "child_not_seen" not in {i["id"] for i in r["indicators"]}


def test_sentence_prefilter_finds_a_concern_in_any_sentence_of_a_long_text():
    filler = "We talked about the reading scheme and the trip. " * 60
    for tail in ["She told me her dad hits her.", "He has a bruise on his ear and can't roll yet."]:
        r = assess({"text": filler + tail, "child_age_years": 0.3})
        assert r["level"] == 4, tail


# -- the speed-ups must not change what matches ----------------------------------------
def _all_texts():
    import yaml
    out = []
    for f in sorted((ROOT / "thresholds" / "reference").glob("*.yml")):
        out += [v["text"] for v in yaml.safe_load(f.read_text()) if v.get("text")]
    return out


def _gate_holds(gate, text: str) -> bool:
    """Whether `text` holds, for one alternative of `gate`, a string of each of its sets."""
    low = text.lower()
    return not gate or any(all(any(s in low for s in options) for options in alt) for alt in gate)


def test_look_ahead_and_gates_keep_every_match():
    import re

    from thresholds.rulebook import gate_alternatives, spaced

    rb = load_rulebook()
    texts = _all_texts()
    assert len(texts) > 150
    checked = 0
    for raw in rb.raw["indicators"]:
        ind = rb.indicators[raw["id"]]
        for src, fast, gate in zip(raw["patterns"], ind.patterns, ind.gates):
            assert gate == gate_alternatives(src)
            plain = re.compile(spaced(src), re.IGNORECASE)
            for t in texts:
                want = [m.span() for m in plain.finditer(t)]
                assert [m.span() for m in fast.finditer(t)] == want, (ind.id, src, t)
                for a, b in want:  # the gate holds on the matched text itself
                    checked += 1
                    assert _gate_holds(gate, t[a:b]), (ind.id, src, t[a:b])
    assert checked > 100


def test_a_gate_is_an_alternative_per_branch_of_a_choice():
    from thresholds.rulebook import gate_alternatives

    # a shared word boundary factored out by the parser does not hide the choice
    assert gate_alternatives(r"\bnon accidental injur\w*|\bNAI\b") == (
        (frozenset({"nai"}),), (frozenset({"accidental"}), frozenset({"injur"}), frozenset({"non"})))
    # a common word in one branch does not make the rarer branches' words optional:
    # "doing" needs "well" beside it, and "no" needs "marks" or "bruises"
    gate = gate_alternatives(r"\b(happy|settled|doing well)\b|\bno (marks|bruises)\b")
    assert gate == ((frozenset({"happy", "settled"}),),
                    (frozenset({"bruises", "marks"}), frozenset({"no"})),
                    (frozenset({"doing"}), frozenset({"well"})))
    assert not _gate_holds(gate, "She is doing her homework, there is no rush.")
    assert _gate_holds(gate, "She is doing well.") and _gate_holds(gate, "No marks seen.")
    # a branch that needs nothing leaves the whole choice needing nothing
    assert gate_alternatives(r"\b(hit|\d+ times)\b|\w+s\b") == ()
    # a shared start the parser factors out ("c(?:ame|ome)") is put back on each branch
    assert gate_alternatives(r"\b(came|come|coming) home") == (
        (frozenset({"home"}), frozenset({"came", "come", "coming"})),)
    assert gate_alternatives(r"\b(him|her)sel(f|ves)\b") == ((frozenset({"himsel", "hersel"}),),)
    # alternatives that differ in one set are one: (A and X) or (A and Y) = A and (X or Y)
    assert gate_alternatives(r"\bon (his|her) own|\bon (his|her) bike") == (
        (frozenset({"bike", "own"}), frozenset({"on"}), frozenset({"his", "her"})),)
    # an alternative that implies another is dropped; a string inside another serves both
    assert gate_alternatives(r"\bbruis\w*|\bbruised arm") == ((frozenset({"bruis"}),),)


def test_a_gate_too_big_to_spell_out_is_collapsed_and_still_holds_on_every_match():
    import itertools
    import re

    from thresholds.rulebook import GATE_ALTERNATIVES, gate_alternatives, spaced

    groups = [(f"red{i}", f"blue{i} big") for i in range(7)]  # 2**7 ways to match
    pattern = " ".join(f"({a}|{b})" for a, b in groups)
    gate = gate_alternatives(pattern)
    assert 1 < len(gate) <= GATE_ALTERNATIVES < 2 ** len(groups)
    rx = re.compile(spaced(pattern), re.IGNORECASE)
    for choice in itertools.product(*groups):
        text = " ".join(choice)
        assert rx.fullmatch(text) and _gate_holds(gate, text), text
    assert not _gate_holds(gate, " ".join(a for a, _b in groups[:-1]))  # it still filters


def test_a_lower_cased_text_stands_for_the_text_where_the_extractor_reads_it_so():
    """The gates are looked for in the lower-cased text; a letter that the patterns
    match as a gate's letter must lower-case to it, or be one the extractor reads
    the text unfiltered for (see `_lower_stands_for`)."""
    import re
    import sys

    from thresholds.extract import CASE_UNLIKE_LOWER

    rb = load_rulebook()
    letters = {c for ind in rb.indicators.values() for gate in ind.gates for alt in gate
               for options in alt for lit in options for c in lit}
    letters |= {c for alt in rb.alarm_gate for options in alt for lit in options for c in lit}
    assert len(letters) > 26
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    for c in letters:
        for y in set(re.findall(re.escape(c), everything, re.IGNORECASE)):
            assert y.lower() == c or len(y.lower()) != 1 or CASE_UNLIKE_LOWER.fullmatch(y), (c, y)


def test_validator_checks_the_ordinary_injury_rule(tmp_path):
    src = DEFAULT.read_text().replace("ordinary_injury:\n  indicator: injury_mark",
                                      "ordinary_injury:\n  indicator: no_such_thing", 1)
    bad = tmp_path / "bad.yml"
    bad.write_text(src)
    problems = check(bad)
    assert any("ordinary_injury names unknown indicator 'no_such_thing'" in p for p in problems)
    line = next(i for i, l in enumerate(src.splitlines(), 1) if l.startswith("ordinary_injury:"))
    assert any(f":{line + 1}:" in p or f":{line}:" in p for p in problems), problems


def test_an_alarm_word_the_rules_did_not_place_raises_review():
    # nothing recognised would have made this level 1 with no review
    text = ("Seeing her about acne; she mentioned a man at the park who showed her a knife, "
            "otherwise no worries, doing well at school.")
    r = assess({"text": text, "child_age_years": 13})
    assert r["level"] < 4 and r["needs_human_review"], r
    assert any("knife" in x and "did not place" in x for x in r["rationale"]), r
    # the same word negated, or already placed by a rule, is not an alarm
    calm = assess({"text": "No worries, doing well at school, never any talk of nudes.",
                   "child_age_years": 13})
    assert not any("did not place" in x for x in calm["rationale"])
    placed = assess({"text": "She told me her dad hits her.", "child_age_years": 9})
    assert placed["level"] == 4 and not any("did not place" in x for x in placed["rationale"])


def test_an_indicator_marked_review_always_raises_review():
    r = assess({"text": "Mum had FGM as a child; she is firmly against it, daughter thriving.",
                "child_age_years": 6})
    assert "fgm_mentioned" in {i["id"] for i in r["indicators"]}
    # a mother's own FGM is no need of the child's by itself (level 1, as independent
    # writers put it in 9 sets of 9), but an advisor always sees it for the daughter's sake
    assert r["needs_human_review"] and r["level"] == 1 and "police_fgm" not in r["special_routes"]
    risk = assess({"text": "Worried about FGM: mum is taking her abroad for a ceremony this summer.",
                   "child_age_years": 7})
    assert risk["level"] == 4


def test_negation_typed_without_an_apostrophe():
    assert "injury_mark" not in ids("She didnt have any bruises.")
    assert "injury_mark" in ids("She didnt say, but there is a bruise on her arm.")


def test_a_past_time_cue_reaches_only_nearby_words():
    assert "domestic_abuse" not in ids("Years ago there was domestic abuse.")
    found = ids("A girl I used to teach is now staying with her best friend's family and has "
                "started going missing most weekends.")
    assert "regular_missing" in found


def broken_default(tmp_path, *edits: tuple[str, str]) -> tuple[list[str], callable]:
    """The default rulebook with each (old, new) edit made once: the validator's problems,
    and a function giving the line number of the first line that holds some text."""
    src = DEFAULT.read_text()
    for old, new in edits:
        assert old in src, old
        src = src.replace(old, new, 1)
    bad = tmp_path / "bad.yml"
    bad.write_text(src)
    lines = src.splitlines()
    return check(bad), lambda text: next(i for i, l in enumerate(lines, 1) if text in l)


def test_validator_checks_alarm_words_and_review(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("alarm_words:\n  - ", "alarm_words:\n  - \"(unclosed\"\n  - "),
        ("    review: true\n    descriptor: FGM", "    review: sometimes\n    descriptor: FGM"))
    alarm_line, review_line = line_of("  - \"(unclosed"), line_of("review: sometimes")
    assert any(f":{alarm_line}:" in p and "alarm_words" in p for p in problems), problems
    assert any(f":{review_line}:" in p and "review must be true or false" in p for p in problems), problems


def test_validator_compiles_patterns_exactly_as_the_engine_does(tmp_path):
    # a space becomes "any white space", so a space inside a look-behind cannot compile
    src = DEFAULT.read_text().replace(
        'patterns: ["\\\\bFII\\\\b', 'patterns: ["(?<!mum says )\\\\bFII\\\\b', 1)
    src = src.replace('      - "\\\\bfabricated (or induced )?illness',
                      '      - "(?<!mum says )\\\\bfabricated (or induced )?illness', 1)
    bad = tmp_path / "bad.yml"
    bad.write_text(src)
    line = next(i for i, l in enumerate(src.splitlines(), 1) if "(?<!mum says )" in l)
    problems = check(bad)
    assert any(f":{line}:" in p and "does not compile" in p for p in problems), problems


def test_validator_checks_route_rules_and_below_years(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("  - route: lado\n    indicators: [disclosure_of_abuse,",
                   "  - route: nowhere\n    indicators: [no_such_indicator, disclosure_of_abuse,"),
        ("    below_years: 16  #", "    below_years: sixteen  #"))
    rules_line, age_line = line_of("  - route: nowhere"), line_of("below_years: sixteen")
    assert any(f":{rules_line}:" in p and "unknown route 'nowhere'" in p for p in problems), problems
    assert any("unknown indicator 'no_such_indicator'" in p for p in problems), problems
    assert any(f":{age_line}:" in p and "below_years must be an age" in p for p in problems), problems


def test_an_indicator_with_an_age_limit_applies_only_below_it():
    text = "She says her boyfriend is 19 and she stays at his flat at weekends."
    young = assess({"text": text, "child_age_years": 14})
    older = assess({"text": text, "child_age_years": 17})
    assert young["level"] == 4 and "adult_partner_under_16" in {i["id"] for i in young["indicators"]}
    assert "adult_partner_under_16" not in {i["id"] for i in older["indicators"]}
    assert older["level"] < 4


def test_a_route_rule_names_the_lado_for_harm_by_a_parent_who_volunteers_with_children():
    text = "He told the TA 'Daddy slapped me'. Dad runs the Beaver colony on Wednesdays."
    assert "lado" in assess({"text": text, "child_age_years": 7})["special_routes"]
    plain = "He told the TA 'Daddy slapped me'. Dad works at the bank."
    assert "lado" not in assess({"text": plain, "child_age_years": 7})["special_routes"]


def test_asking_if_is_a_question_not_a_hypothetical():
    text = "I asked if he was cold and he said quietly 'my stepdad does the belt on me'."
    result = assess({"text": text, "child_age_years": 8})
    assert result["level"] == 4
    hypothetical = assess({"text": "I wonder what we would do if his stepdad hit him with a belt.",
                           "child_age_years": 8})
    assert hypothetical["level"] < 4


def test_a_strong_negation_reaches_across_a_list():
    text = ("We've not seen anything like new clothes, money, a second phone or older friends "
            "hanging about.")
    found = {i["id"] for i in assess({"text": text, "child_age_years": 14})["indicators"]}
    assert "child_sexual_exploitation" not in found and "criminal_exploitation" not in found
    # an ordinary negation still reaches only a few words
    text2 = "Not eating much lately, losing weight, and older men giving her lifts from school."
    found2 = {i["id"] for i in assess({"text": text2, "child_age_years": 14})["indicators"]}
    assert "child_sexual_exploitation" in found2


def test_a_mark_left_by_staff_is_level_4_as_well_as_the_lado():
    marked = assess({"text": "I saw our nursery practitioner pinch his thigh hard. There were two small "
                             "red-purple marks on his thigh afterwards.", "child_age_years": 1.7})
    unmarked = assess({"text": "I saw our nursery practitioner shout at him and grab his arm. "
                               "No marks at all, he was fine.", "child_age_years": 3})
    assert marked["level"] == 4 and "lado" in marked["special_routes"]
    assert "injury_by_staff" in {i["id"] for i in marked["indicators"]}
    assert unmarked["level"] < 4 and "lado" in unmarked["special_routes"]


def test_validator_checks_level_rules(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("    when_any: [injury_mark,", "    when_any: [no_such_mark, injury_mark,"),
        ("    level: 4\n    text: A mark or injury alleged", "    level: 7\n    text: A mark or injury alleged"))
    assert any("level_rules[1]: names unknown indicator 'no_such_mark'" in p for p in problems), problems
    line = line_of("  - id: injury_by_staff")
    assert any(f":{line}:" in p and "level must be 1 to 4" in p for p in problems), problems


def test_the_array_sentencizer_splits_exactly_as_spacys_own():
    import spacy

    ours, theirs = spacy.blank("en"), spacy.blank("en")
    ours.add_pipe("array_sentencizer")
    theirs.add_pipe("sentencizer")
    texts = _all_texts() + ["", ".", "...", "A. B", "Hi! ok?? 'Yes.' (he said.) so... x . . y",
                            "Dr. Smith saw her 3.5 yrs ago. Then!?! fine", "no punctuation at all",
                            "\u3002\u65e5\u672c\u3002 \u0645\u0631\u062d\u0628\u0627\u061f \u0646\u0639\u0645"]
    import random

    rng = random.Random(3)  # and random runs of marks, quotes, brackets and spaces
    bits = ["a", ".", "!", "?", '"', ")", "(", "b.", "...", "x", "Dr.", "\u3002", "  ", "\n", "3.5"]
    texts += ["".join(rng.choice(bits) + rng.choice(["", " "]) for _ in range(rng.randint(0, 200)))
              for _ in range(2000)]
    for t in texts:
        a, b = ours(t), theirs(t)
        assert [t.is_sent_start for t in a] == [t.is_sent_start for t in b], t
        if len(b):  # the offsets kept for the matcher are those sentences' starts
            want = [s.start_char for s in b.sents]
            assert a.user_data["sentence_starts"] == ([0] if want[0] else []) + want, t
    assert sum(len(list(ours(t).sents)) for t in texts[:50]) > 60  # it does split


def test_an_age_the_child_has_not_reached_is_someone_elses_past():
    mum = "Midwife, postnatal visit. Mum had FGM as a 5 year old in Sudan, recorded at booking."
    baby = assess({"text": mum, "child_age_years": 0.02, "mobile": False})
    assert "police_fgm" not in baby["special_routes"] and baby["level"] < 4
    assert baby["needs_human_review"]  # FGM is still mentioned, for an advisor to read
    unborn = assess({"text": "She told me she was abused by her uncle when she was 12.", "unborn": True})
    assert "disclosure_of_abuse" not in {i["id"] for i in unborn["indicators"]}
    # the child's own past at an age she has passed still counts
    girl = assess({"text": "School nurse. She told me she had FGM at the age of 5 in Sudan.",
                   "child_age_years": 9})
    assert girl["level"] == 4 and "police_fgm" in girl["special_routes"]
    teen = assess({"text": "She told me she was abused by her uncle when she was 12.",
                   "child_age_years": 14})
    assert teen["level"] == 4


def test_a_parents_own_upbringing_inside_a_disclosure_is_not_this_child():
    text = "Mum (26) told me she grew up in care after her stepdad sexually abused her. Baby is thriving."
    assert assess({"text": text, "child_age_years": 0.2})["level"] < 4
    child = "Ella (9) told me her stepdad sexually abused her."
    assert assess({"text": child, "child_age_years": 9})["level"] == 4


@pytest.mark.parametrize("this_year", [1991, 1995, 2000, 2026, 2030, 2041])
def test_the_years_before_this_one_are_exactly_those_read_as_history(this_year):
    import re

    from thresholds.extract import _years_before

    rx = re.compile(rf"^({_years_before(this_year)})$")
    assert [y for y in range(1900, 2100) if rx.match(str(y))] == list(range(1990, this_year))


def test_the_quick_context_cues_find_exactly_what_the_plain_ones_do():
    from thresholds import extract as E

    texts = _all_texts()
    for name, plain in E.CONTEXT_CUES.items():
        quick = getattr(E, name)
        assert quick is not plain, name  # each one has the look-ahead
        for t in texts + [t.upper() for t in texts[:100]]:
            assert [m.span() for m in quick.finditer(t)] == [m.span() for m in plain.finditer(t)], (name, t)


def test_the_callers_introduction_is_masked_exactly_as_the_single_pattern_would():
    from thresholds import extract as E

    texts = _all_texts() + ["I'm a teacher here. Im the DSL - and i am a nurse, I work as a school nurse.",
                            "iM a TA", "Hi, I'm Jo, a teacher", "Teacher - worried. I'm her TA, and"]
    masked = 0
    for t in texts + [t.upper() for t in texts[:200]]:
        want = E.CALLER_INTRO.sub(lambda m: " " * len(m.group(0)), t)
        assert E.mask_caller(t) == want, t
        masked += want != t
    assert masked > 100


def test_a_parent_telling_of_her_own_childhood_is_not_the_childs_disclosure():
    def level(text, age=9):
        return assess({"text": text, "child_age_years": age})["level"]

    assert level("HV visit. Mum told me she was sexually abused by her stepdad when she was little. "
                 "Baby thriving.", 0.5) < 4
    # the child telling, or a parent passing on what the child said, is the child's disclosure
    assert level("Ella told me she was sexually abused by her stepdad when she was little.") == 4
    assert level("Mum told me Ella said her stepdad sexually abused her when she was little.") == 4
    # with no sign that it was the parent's own childhood, it stays with the child
    assert level("Mum told me she was sexually abused by her stepdad.") == 4


def test_study_of_extremism_with_the_childs_own_views_against_it_is_explained_not_routed():
    study = ("Sixth form tutor. Sam (17) is doing his EPQ on how extremist groups recruit online; the "
             "web filter flagged terrorist propaganda sites. His supervisor agreed the sources and his "
             "draft is sharply critical of what he reads.")
    r = assess({"text": study, "child_age_years": 17})
    assert r["level"] == 1 and "prevent" not in r["special_routes"] and r["needs_human_review"]
    assert any("study, not radicalisation" in x for x in r["rationale"])
    # the same material without the child's views against it: Prevent, as before
    bare = study.replace(" and his draft is sharply critical of what he reads", "")
    r = assess({"text": bare, "child_age_years": 17})
    assert r["level"] == 2 and "prevent" in r["special_routes"]
    # study framing does not explain away anything else the text holds
    worse = study + " He has also said he wants to travel to join the fighters."
    r = assess({"text": worse, "child_age_years": 17})
    assert r["level"] == 4 and "prevent" in r["special_routes"]


def test_validator_checks_explained_rules(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("    indicators: [radicalisation]\n    level: 1", "    indicators: [no_such_thing]\n    level: 9"),
        ("      - - \"\\\\b(critical of", "      - - \"\\\\b((critical of"))
    line = line_of("  - id: studying_extremism")
    for msg in ("names unknown indicator 'no_such_thing'", "level must be 1 to 4", "pattern does not compile"):
        assert any(f":{line}:" in p and f"explained[1]: {msg}" in p for p in problems), (msg, problems)


def test_cut_means_fgm_only_of_a_person():
    assert "fgm_known" not in ids("Young carer. Dad has MS and his care package was cut.", child_age_years=12)
    assert "fgm_known" in ids("Mum mentioned that her daughter (4) was cut when they visited family abroad.",
                              child_age_years=4)
    assert "fgm_known" in ids("Through the interpreter mum said Amina was cut last summer.", child_age_years=9)


def test_an_ache_is_not_a_disclosure_but_a_hurt_by_someone_is():
    assert "disclosure_of_abuse" not in ids("He cries before school and says his tummy hurts.", child_age_years=10)
    assert "disclosure_of_abuse" in ids("He says his stepdad hurts him.", child_age_years=10)


def test_a_negated_item_in_a_list_does_not_deny_the_next_one():
    found = ids("Tommy has fewer than ten words, no two-word phrases, doesn't respond to his name.",
                child_age_years=3.3)
    assert "serious_developmental_delay" in found


def test_a_mother_telling_at_a_visit_of_her_own_childhood_fgm_is_not_the_babys():
    text = ("Postnatal day 10. Mum Fadumo told me during antenatal care that she had FGM as a young "
            "child in Somalia. Baby girl feeding well.")
    r = assess({"text": text, "child_age_years": 0.03, "mobile": False})
    assert "police_fgm" not in r["special_routes"] and r["level"] < 4 and r["needs_human_review"]


def test_violence_said_to_be_happening_now_is_immediate_danger():
    text = "A girl rang from home crying: mum's boyfriend is smashing the house up. It's happening now."
    assert assess({"text": text, "child_age_years": 10})["recommendation"] == "emergency_999"


def test_a_childs_own_denial_inside_a_match_and_idioms_of_hitting():
    assert "disclosure_of_abuse" not in ids("He was chatty and said nobody hurts him.", child_age_years=7)
    assert "physical_abuse" not in ids("She lost her own parents young, so this has hit her hard.",
                                       child_age_years=8)
    assert "physical_abuse" in ids("Her mum's boyfriend hits her when he is drunk.", child_age_years=8)


def test_a_baby_under_one_said_to_be_walking_has_an_ordinary_explained_bruise():
    text = "Ruby is cruising and taking steps. A little bruise on her shin; dad said she bumped it on the table."
    assert assess({"text": text, "child_age_years": 0.92, "mobile": True})["level"] == 1
    # not said to be mobile: a bruise on a baby is the override, whatever the explanation
    assert assess({"text": text.replace("is cruising and taking steps", "is a happy baby"),
                   "child_age_years": 0.3})["level"] == 4


def test_no_sign_so_far_denies_the_list_and_a_first_time_missing_is_not_regular():
    text = "Return interviews done; no sign so far of older associates, new phones, cash or drugs."
    assert "criminal_exploitation" not in ids(text, child_age_years=15)
    first = "She went missing overnight for the first time on Saturday."
    assert "regular_missing" not in ids(first, child_age_years=15)
    assert "regular_missing" in ids("She goes missing overnight most weekends.", child_age_years=15)


def test_an_adult_by_her_stated_age_telling_of_herself_is_not_the_child():
    text = "Practice nurse. During a smear test Mrs Abdi, 24, told me she had FGM in Somalia. Her son is 2."
    r = assess({"text": text, "child_age_years": 2})
    assert "police_fgm" not in r["special_routes"] and r["level"] < 4 and r["needs_human_review"]
    # a young person's own age keeps it hers
    girl = assess({"text": "School nurse. Amina, 15, told me she had FGM in Somalia.", "child_age_years": 15})
    assert girl["level"] == 4 and "police_fgm" in girl["special_routes"]
    # what an adult says she does to the child is still about the child
    hits = assess({"text": "Mum, 32, told me she hits him with a slipper.", "child_age_years": 6})
    assert hits["level"] >= 3


def test_asking_an_adult_not_to_tell_is_not_a_denial():
    text = "He said to me 'dont tell dad but he hits me with his belt when im naughty'."
    assert assess({"text": text, "child_age_years": 8})["level"] == 4
    assert "disclosure_of_abuse" not in ids("He said his dad doesn't hit him.", child_age_years=8)


def test_phrasings_from_sets_24_and_25():
    # an adult named by her age in years
    r = assess({"text": "At a smear appointment a 28-year-old mum told me she had FGM as a baby in Somalia. "
                        "Her only child is a 3-year-old boy.", "child_age_years": 3})
    assert "police_fgm" not in r["special_routes"] and r["level"] < 4
    # infibulation told as being 'closed'; a case being closed is not
    assert "fgm_known" in ids("While we talked she said she was 'closed' when she was about 6.", child_age_years=15)
    assert "fgm_known" not in ids("The early help case was closed last year.", child_age_years=15)
    # county lines told through what he carried and owed
    assert assess({"text": "15yo found in a flat 90 miles from home with cash, 2 handsets ringing non-stop and "
                           "14 wraps. Says he has to pay it back.", "child_age_years": 15})["level"] == 4


def test_a_question_whether_a_name_fits_names_no_fact():
    """'Is this a neglect thing?' asks about a word; what was described is read by itself."""
    asked = "Head lice again this term; mum treats it every time. Is this a neglect thing?"
    assert "neglect" not in ids(asked, child_age_years=8)
    told = "He comes in hungry and filthy every day and mum will not engage. This is neglect."
    assert "neglect" in ids(told, child_age_years=8)
    # a question about the child's own mark is not a question about a word
    baby = assess({"text": "Is this bruise on her cheek something to worry about? She is 3 months old.",
                   "child_age_years": 0.25})
    assert baby["level"] == 4


def test_a_procedure_question_about_no_child_is_universal_and_cannot_hide_a_real_one():
    q = assess({"text": "General process question: how long does the MASH take to respond? "
                        "No particular child in mind.", "child_age_years": 10})
    assert q["level"] == 1 and "general_question" in {i["id"] for i in q["indicators"]}
    real = assess({"text": "Training question really, but one of my Year 4s told me this morning "
                           "that her dad hits her with a belt.", "child_age_years": 8})
    assert real["level"] == 4


def test_a_red_mark_from_a_grab_by_staff_is_for_the_lado_not_by_itself_level_4():
    grab = assess({"text": "A teaching assistant grabbed Sam (8) by the wrist and yanked him out of the "
                           "line, leaving a red mark that had gone by home time. Home life is good.",
                   "child_age_years": 8})
    assert "lado" in grab["special_routes"] and grab["level"] < 4
    assert "injury_by_staff" not in {i["id"] for i in grab["indicators"]}
    # a blow, a pinch or a bruise keeps the level rule, and so does a young child
    for text, age in (("A teaching assistant grabbed Sam (8) and hit him, leaving a red mark and a "
                       "bruise.", 8),
                      ("A nursery worker grabbed a 2 year old by the arm, leaving a red mark.", 2)):
        r = assess({"text": text, "child_age_years": age})
        assert r["level"] == 4 and "lado" in r["special_routes"], text


def test_validator_checks_level_rule_exceptions(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("      - [\"\\\\bred (finger", "      - [\"\\\\b(red (finger"),
        ("    unless_all:\n", "    unless_all:\n      - []\n"))
    line = line_of("  - id: injury_by_staff")
    assert any(f":{line}:" in p and "level_rules[1]: pattern does not compile" in p for p in problems), problems
    assert any("level_rules[1]: 'unless_all' must be a non-empty list" in p for p in problems), problems


def test_harm_told_in_another_language_is_referred_and_read_by_an_advisor():
    r = assess({"text": "Dzień dobry. Ośmioletnia Ola powiedziała mi dzisiaj, że tata bije ją pasem i "
                        "boi się wrócić do domu.", "child_age_years": 8})
    assert r["level"] == 4 and r["needs_human_review"]
    calm = assess({"text": "Dzień dobry. Kuba ma 9 lat, często spóźnia się do szkoły i bywa smutny. "
                           "W domu ma dobrą opiekę, nie widziałam żadnych siniaków.", "child_age_years": 9})
    assert calm["level"] < 4 and calm["needs_human_review"]


def test_tiredness_the_account_explains_is_no_need_by_itself():
    r = assess({"text": "Ben (5) fell asleep on the carpet this morning; mum said they were at his "
                        "uncle's wedding until late. Otherwise thriving.", "child_age_years": 5})
    assert r["level"] == 1 and r["needs_human_review"]
    still = assess({"text": "Ben (5) is always tired and falls asleep in class; mum says nothing is "
                            "wrong.", "child_age_years": 5})
    assert still["level"] >= 2


def test_a_denial_just_after_a_mention_negates_it():
    assert "suicidal_thoughts" not in ids("Self-harm, scratches on her arm. Explored suicidal thoughts: none, "
                                          "no plans.", child_age_years=14)
    assert "suicidal_thoughts" in ids("She told me she has suicidal thoughts most nights.", child_age_years=14)


def test_a_denial_does_not_reach_a_new_clause_inside_a_long_match():
    text = "When I changed her she said 'don't touch my wee-wee, Gary touches my wee-wee and it hurts'."
    r = assess({"text": text, "child_age_years": 3})
    assert r["level"] == 4
    assert "sexual_abuse" not in ids("She said she doesn't like anyone to touch her wee-wee at changing time.",
                                     child_age_years=3)


def test_a_mother_sofa_surfing_before_the_birth_is_a_pre_birth_concern_not_acute():
    unborn = assess({"text": "Midwife. Mum, 19, 20 weeks pregnant, sofa surfing between friends since "
                             "her tenancy ended. Keen for support.", "unborn": True})
    assert unborn["level"] == 3 and unborn["recommendation"] == "early_help_assessment"
    baby = assess({"text": "Mum and her 6 month old baby are sofa surfing between friends since the "
                           "eviction.", "child_age_years": 0.5})
    assert baby["level"] == 4


def test_validator_checks_pre_birth_read_at_level(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("read_at_level: {family_homelessness: 3}", "read_at_level: {no_such_need: 7}"))
    line = line_of("  pre_birth_concern:") + 1  # the mapping under the key
    for msg in ("read_at_level names unknown indicator 'no_such_need'", "read_at_level for 'no_such_need' must be 1 to 4"):
        assert any(f":{line}:" in p and msg in p for p in problems), (msg, problems)


def test_a_handful_of_words_is_serious_delay_from_three_and_counts_once():
    two = assess({"text": "Leo, 2, has only a handful of words. Parents warm and engaged.", "child_age_years": 2})
    three = assess({"text": "Leo, 3 and a half, has only a handful of words. Parents warm and engaged.",
                    "child_age_years": 3.5})
    assert two["level"] == 2 and three["level"] == 3
    # "about 10 words" and a speech therapy referral are one need, not two
    one_need = assess({"text": "Boy of 2, only about 10 words, referred to SALT for speech delay. Missed his "
                               "12 month jabs. Flat is damp with black mould.", "child_age_years": 2.1})
    assert one_need["level"] == 2


def test_validator_checks_age_levels_and_same_need(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("    level_from_age: {years: 3, level: 3}\n    same_need_as: developmental_delay",
                   "    level_from_age: {years: 3, level: 7}\n    same_need_as: no_such_need"))
    assert any("indicator 'few_words': level_from_age must be" in p for p in problems), problems
    assert any("indicator 'few_words': same_need_as names unknown indicator 'no_such_need'" in p
               for p in problems), problems


def test_an_overdose_just_taken_is_999_and_usual_medication_is_not():
    for text in ("im sorry ive taken all my mums pills, dont tell anyone",
                 "She's taken 'the whole box' of her mum's tablets and this is goodbye.",
                 "she has taken a packet of paracetamol"):
        assert assess({"text": text, "child_age_years": 15})["recommendation"] == "emergency_999", text
    for text in ("He has taken his tablets this morning as usual.", "Mum says he's taken his ADHD meds."):
        assert assess({"text": text, "child_age_years": 10})["recommendation"] != "emergency_999", text


def test_a_parents_own_state_is_not_the_childs():
    assert "low_mood" not in ids("Fussy eater, on the 50th centile. Mum is a bit anxious but doing "
                                 "everything right.", child_age_years=3)
    assert "low_mood" in ids("Since the move he is anxious and tearful at drop-off.", child_age_years=6)
    # a parent's act is still read: only a state word after "mum is" is the parent's
    assert assess({"text": "Parents are refusing to give him his insulin and he is getting more unwell.",
                   "child_age_years": 9})["level"] == 4


def test_housing_the_family_has_moved_out_of_is_history():
    assert "poor_housing" not in ids("The family has just moved out of a temporary B&B into a permanent "
                                     "flat; the children are settled.", child_age_years=5)
    assert "poor_housing" in ids("The family of five are in a temporary B&B, one room.", child_age_years=5)


def test_a_peer_relationship_without_pressure_is_explained_and_under_13_is_not():
    peer = assess({"text": "15-year-old asking for the pill. Boyfriend is in her year, same age. No sign of "
                           "pressure. Fraser competent.", "child_age_years": 15})
    assert peer["level"] == 1 and peer["needs_human_review"]
    young = assess({"text": "12-year-old asking for the pill. Boyfriend is in her year, same age. No sign "
                            "of pressure.", "child_age_years": 12})
    assert young["level"] == 4


def test_a_parents_difficulty_with_basic_care_slipping_is_level_3():
    slipping = assess({"text": "Dad is drinking a lot; Mia (10) is often in dirty clothes and comes in hungry.",
                       "child_age_years": 10})
    assert slipping["level"] == 3
    met = assess({"text": "Dad drinks most nights, he says; the children are well fed and in school "
                          "every day.", "child_age_years": 10})
    assert met["level"] == 2


def test_ordinary_upsets_and_sensations_are_not_needs():
    assert assess({"text": "Boy of 10 was in tears this morning because he'd lost his bus pass. Mum sorted a new "
                           "one and he seemed fine after.", "child_age_years": 10})["level"] == 1
    assert "bereavement" not in ids("Very upset today because the class hamster died.", child_age_years=7)
    assert "bereavement" in ids("Her grandad died suddenly three weeks ago.", child_age_years=8)
    assert "disclosure_of_abuse" not in ids("He said his arm hurt after a game of tag. No marks seen.",
                                            child_age_years=6)
    assert "disclosure_of_abuse" in ids("He said his dad hurt him last night.", child_age_years=6)


def test_round_five_readings():
    """Gaps from held-back sets 39-42, each in general form."""
    assert assess({"text": "she sent a pic of empty paracetamol boxes, says shes taken them all and is by the "
                           "canal", "child_age_years": 15})["recommendation"] == "emergency_999"
    assert assess({"text": "He told me he owes some olders and has to 'do runs' to pay it off.",
                   "child_age_years": 15})["level"] == 4
    prev = assess({"text": "Midwife. Her first child lives with her mum because she was struggling with her "
                           "mental health at the time. Open to help.", "unborn": True})
    assert prev["level"] == 3
    other = assess({"text": "Hola, el niño llega todos los días con hambre y con la misma ropa sucia.",
                    "child_age_years": 9})
    assert other["level"] == 3 and other["needs_human_review"]
    rebooked = assess({"text": "She missed her 2-year review; mum got the date mixed up and rang to rebook. "
                               "Milestones met.", "child_age_years": 2})
    assert rebooked["level"] == 1
    repeated = assess({"text": "HV, 1yo behind on immunisations, mum forgot, rebooked", "child_age_years": 1})
    assert repeated["level"] == 2


def test_needs_together_can_mean_danger_now():
    drunk = assess({"text": "Dad has turned up to collect Archie and he is really drunk, slurring. He's strapping "
                            "Archie into the car seat right now.", "child_age_years": 2})
    assert drunk["recommendation"] == "emergency_999"
    sober = assess({"text": "Dad was strapping Archie into the car seat when I came out, all fine.",
                    "child_age_years": 2})
    assert sober["recommendation"] != "emergency_999"


def test_validator_checks_emergency_rules(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("    when_all: [parental_substance_misuse, about_to_drive_with_child]",
                   "    when_all: [parental_substance_misuse, no_such_need]"))
    assert any("emergency_rules[1]: names unknown indicator 'no_such_need'" in p for p in problems), problems


def test_round_six_readings():
    """Gaps from held-back sets 43-46, each in general form."""
    assert assess({"text": "15yo just snapchatted saying shes took a whole packet of paracetamol an shes at the "
                           "bridge", "child_age_years": 15})["recommendation"] == "emergency_999"
    assert assess({"text": "Parents have stopped his long-acting insulin because of a diet they read about.",
                   "child_age_years": 10})["level"] == 4
    assert assess({"text": "Pre-birth concern: mum has schizophrenia and stopped her medication.",
                   "unborn": True})["level"] == 3
    fear = assess({"text": "She hasn't told her mum because she says she'll be thrown out.", "child_age_years": 15})
    assert "family_homelessness" not in {i["id"] for i in fear["indicators"]}
    assert "parental_conflict" not in ids("His parents are separating but it is all very amicable.",
                                          child_age_years=6)
    assert "low_mood" not in ids("Mum is a bit anxious about feeding. Baby gaining well.", child_age_years=0.1)


def test_round_seven_readings():
    """Gaps from held-back sets 47-50, each in general form."""
    assert assess({"text": "Mum is slumped on the sofa and I cant wake her. Her little girl, 2, is walking "
                           "around on her own.", "child_age_years": 2})["recommendation"] == "emergency_999"
    assert assess({"text": "No answer at the door but we can hear a little one crying inside.",
                   "child_age_years": 2})["recommendation"] == "emergency_999"
    assert assess({"text": "She signed to me that one of the night care staff slaps her and pulls her hair.",
                   "child_age_years": 13})["level"] == 4
    assert assess({"text": "Mum's new boyfriend has moved in; he 'has a record' for something with a young "
                           "girl and has to sign on with the police.", "child_age_years": 4})["level"] == 4
    # "came alone" to an appointment is not an unaccompanied child
    assert "unaccompanied_asylum_seeker" not in ids("Her partner usually comes to every appointment; today she "
                                                    "came alone.", child_age_years=17)
    assert "unaccompanied_asylum_seeker" in ids("He came over alone in a lorry, no parents here.",
                                                child_age_years=15)
    drinks = assess({"text": "Dad drinks a lot at weekends; Mason is always clean, fed and on time.",
                     "child_age_years": 4})
    assert drinks["level"] == 2


def test_a_mothers_own_drug_use_counts_only_before_the_birth():
    unborn = assess({"text": "Chloe, 20, is 22 weeks. She's smoking cannabis most days to help her anxiety.",
                     "unborn": True})
    assert unborn["level"] == 3 and "substance_use_in_pregnancy" in {i["id"] for i in unborn["indicators"]}
    # the same words about a girl of 15 are her own low-level use, not a mother's
    teen = assess({"text": "She's smoking cannabis most days with her mates.", "child_age_years": 15})
    assert "substance_use_in_pregnancy" not in {i["id"] for i in teen["indicators"]}
    assert teen["level"] == 2


def test_the_mothers_stated_age_decides_an_age_limited_need_before_the_birth():
    # "Boyfriend 19" is an adult partner of a girl under 16, not of a mother of 18
    adult = assess({"text": "Mum is 18, a care leaver. Boyfriend 19, not working.", "unborn": True})
    assert "adult_partner_under_16" not in {i["id"] for i in adult["indicators"]}
    young = assess({"text": "Mum is 14. Boyfriend 19, not working.", "unborn": True})
    assert "adult_partner_under_16" in {i["id"] for i in young["indicators"]} and young["level"] == 4


def test_validator_checks_unborn_only_and_explained_exceptions(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("    unborn_only: true\n", "    unborn_only: maybe\n"),
        ("    unless_any:\n      - \"\\\\b(never|not) (been )?(registered",
         "    unless_any:\n      - \"\\\\b((never|not) (been )?(registered"))
    line = line_of("    unborn_only: maybe")
    assert any(f":{line}:" in p and "unborn_only must be true or false" in p for p in problems), problems
    assert any("explained[" in p and "pattern does not compile" in p for p in problems), problems


def test_an_explanation_does_not_reach_a_sign_it_does_not_explain():
    pen = assess({"text": "A red line mark round her neck turned out to be felt tip; it came off with a wipe. "
                          "No marks at all underneath.", "child_age_years": 7})
    assert pen["level"] == 1 and pen["needs_human_review"]
    bruise = assess({"text": "The red line on her arm was felt tip and came off with a wipe, but there is a "
                             "bruise on her cheek.", "child_age_years": 7})
    assert bruise["level"] >= 2
    treated = assess({"text": "Leo needed two small fillings today. Parents bring him to every check-up; no pain. "
                              "Dental decay is being treated.", "child_age_years": 6})
    assert treated["level"] == 1
    untreated = assess({"text": "Leo has dental decay and is in pain; he has never been registered with a "
                                "dentist.", "child_age_years": 6})
    assert untreated["level"] >= 2


def test_a_question_asked_and_denied_negates_the_need():
    assert "domestic_abuse" not in ids("Routine enquiry about domestic abuse asked when seen alone - denies any.",
                                       unborn=True)
    # a disclosure made in answer to the question stands
    r = assess({"text": "Routine enquiry about domestic abuse: she disclosed that her partner hits her.",
                "unborn": True})
    assert r["level"] >= 3


def test_round_eight_readings():
    """Gaps from held-back sets 51-56, each in general form."""
    assert "lado" in assess({"text": "Mr Hollis (PE) grabbed him round the back of the neck and shoved him "
                                     "against the wall.", "child_age_years": 11})["special_routes"]
    ta = assess({"text": "Mrs Delaney, one of our teaching assistants, squeezed her arm really hard; four small "
                         "oval bruises on her upper arm.", "child_age_years": 6})
    assert ta["level"] == 4 and "lado" in ta["special_routes"]
    # a child showing a mark to her form tutor is not an allegation about the tutor
    assert "lado" not in assess({"text": "She showed her form tutor some light scratches on her forearm.",
                                 "child_age_years": 15})["special_routes"]
    assert assess({"text": "Her new partner is moving in; he is 'on that register' but she says it was a "
                           "misunderstanding.", "unborn": True})["level"] == 4
    assert assess({"text": "His dad 'belted him' last night; red raised lines across the backs of his legs.",
                   "child_age_years": 9})["level"] == 4
    assert assess({"text": "She has been doing stuff with her boyfriend, including sex only a few times.",
                   "child_age_years": 12})["level"] == 4
    assert assess({"text": "Her little boy (3) lives with his dad's parents because she couldn't cope when he "
                           "was a baby.", "unborn": True})["level"] == 3
    assert assess({"text": "Her partner threw her phone at the wall and calls her names.",
                   "child_age_years": 4})["level"] == 3
    # a child who asks a professional not to tell is not being groomed
    assert "child_sexual_exploitation" not in ids("He asked me not to tell his mum about the weed.",
                                                  child_age_years=16)
    # a parent confiscating a phone, or a single row, is ordinary
    assert assess({"text": "He had a massive row with his mum cos she took his phone off him at 10pm.",
                   "child_age_years": 13})["level"] == 1
    assert "domestic_abuse" in ids("Her partner takes her phone and controls the money.", child_age_years=5)
    # coming out to a supportive family is not an identity need; homophobic bullying is
    assert "identity_discrimination" not in ids("Jamie told me he's gay; his mum and stepdad have been really "
                                                "good about it.", child_age_years=17)
    assert "identity_discrimination" in ids("Jamie is gay and is getting homophobic abuse online.",
                                            child_age_years=15)
    # short clinical notes are still English
    assert not any("look like English" in line for line in assess(
        {"text": "Booking appointment completed, first pregnancy, 12 weeks. Denies any concerns.",
         "unborn": True})["rationale"])


def test_a_lack_that_is_itself_the_concern_does_not_negate_what_follows():
    r = assess({"text": "On the home visit there was no bed for Archie and dog mess on the floor.",
                "child_age_years": 7})
    assert "severe_neglect" in {i["id"] for i in r["indicators"]}
    assert "severe_neglect" not in ids("No dog mess or rubbish in the flat.", child_age_years=7)


def test_what_can_be_a_sign_of_a_need_names_no_fact():
    assert "neglect" not in ids("I know decay can be a sign of neglect so I wanted to check.", child_age_years=8)
    assert "neglect" in ids("I am worried about neglect: he is always hungry and dirty.", child_age_years=8)


def test_caring_that_harms_school_work_and_sleep_is_level_3_and_some_caring_is_not():
    harmed = assess({"text": "Emily is caring for her dad who has MS. She's falling asleep in lessons and her "
                             "grades have dropped.", "child_age_years": 12})
    assert harmed["level"] == 3
    some = assess({"text": "Bella's mum has MS and Bella helps out at home, fetching things. She's doing well "
                           "in class, a bit tired on Mondays.", "child_age_years": 10})
    assert some["level"] == 2


def test_round_nine_readings():
    """Gaps from held-back sets 57-62, each in general form."""
    nursery = assess({"text": "She told her mum 'Miss Kelly squeezed me hard cos I wouldn't sit down'. Kelly is "
                              "one of our room staff. Finger-shaped bruises on her upper arm.",
                      "child_age_years": 3})
    assert nursery["level"] == 4 and "lado" in nursery["special_routes"]
    # a tutor group is not a tutor
    assert "lado" not in assess({"text": "Boys in his tutor group have been posting edited photos of him and "
                                         "calling him names.", "child_age_years": 12})["special_routes"]
    assert assess({"text": "Her friend Millie said her mum's boyfriend 'whacks her with the hoover pipe'.",
                   "child_age_years": 7})["level"] == 4
    assert assess({"text": "Mum engages for a few weeks then it all slides back; filthy most days.",
                   "child_age_years": 8})["level"] == 4
    assert "prevent" in assess({"text": "He keeps saying we should be 'taking our country back' and has drawn "
                                        "the logo of a nationalist group on his pencil case.",
                                "child_age_years": 14})["special_routes"]
    # "was cutting herself" is self-harm talk, not FGM
    assert "police_fgm" not in assess({"text": "A rumour went round that Ellie-May was cutting herself.",
                                       "child_age_years": 13})["special_routes"]
    assert assess({"text": "Dad has smelt strongly of alcohol at collection 3 times this month, once slurring "
                           "his words.", "child_age_years": 4})["level"] == 3
    assert assess({"text": "A neighbour called the police after he pushed her; he has moved back in.",
                   "child_age_years": 2})["level"] == 3
    assert assess({"text": "Reported missing by mum for the fourth time in six weeks.",
                   "child_age_years": 14})["level"] == 3
    assert "bereavement" not in ids("She said she was at a mate's and her phone died.", child_age_years=14)
    assert "parental_conflict" in ids("His parents are separating and it's quite acrimonious; they argue at "
                                      "pick up.", child_age_years=3)
    assert "serious_developmental_delay" in ids("Not yet putting two words together, limited eye contact.",
                                                child_age_years=2.5)
    # an ordinary matter with nothing else is universal
    assert assess({"text": "Stopped a lad cycling with no lights. Dad came down, apologetic. No previous police "
                           "contact.", "child_age_years": 12})["level"] == 1


def test_a_crawling_baby_under_one_with_an_accident_described_is_ordinary():
    r = assess({"text": "Arlo came in with a bruise on his forehead. He's crawling and pulling himself up on "
                        "everything; dad said he went face first into the coffee table.", "child_age_years": 0.8})
    assert r["level"] == 1
    # a baby not yet on the move is the override, whatever the account
    still = assess({"text": "Bruise on his forehead; dad said he rolled into the coffee table.",
                    "child_age_years": 0.4})
    assert still["level"] == 4


def test_validator_checks_ordinary_injury_mobile_patterns(tmp_path):
    problems, _ = broken_default(tmp_path, ("  mobile_patterns:\n    - \"", "  mobile_patterns:\n    - \"(unclosed"))
    assert any("ordinary_injury: mobile pattern does not compile" in p for p in problems), problems


def test_a_screening_answer_negates_the_need_asked_about():
    for text in ("Routine enquiry about domestic abuse negative.",
                 "No mental health or substance use disclosed and routine enquiry about domestic abuse was negative."):
        r = assess({"text": text, "unborn": True})
        assert not {"domestic_abuse", "disclosure_of_abuse"} & {i["id"] for i in r["indicators"]}, text
    # clear signs after a question are not an answer to it
    assert "self_harm" in ids("Asked about self-harm and there were clear cuts on her wrists.", child_age_years=14)


def test_round_ten_readings():
    """Gaps from held-back sets 63-68, each in general form."""
    fgm = assess({"text": "She said it hurts to wee because of 'when the lady cut me' in the summer holidays "
                          "abroad.", "child_age_years": 12})
    assert fgm["level"] == 4 and "police_fgm" in fgm["special_routes"]
    assert "police_fgm" in assess({"text": "She said it still hurts 'down there' since the 'special ceremony' "
                                           "where a lady 'cut her' so she would be 'clean'.",
                                   "child_age_years": 11})["special_routes"]
    assert "lado" in assess({"text": "An apprentice saw a room leader smack a 2-year-old hard on the back of his "
                                     "leg.", "child_age_years": 2})["special_routes"]
    assert "lado" in assess({"text": "He said 'Mrs K hurt me' and there are red marks on his arm.",
                             "child_age_years": 5})["special_routes"]
    neck = assess({"text": "Mr Hendry, our PE teacher, grabbed him by the neck and pushed him against the wall. "
                           "There's a faint red mark on his neck.", "child_age_years": 11})
    assert neck["level"] == 4 and "lado" in neck["special_routes"]
    assert assess({"text": "His friend said his mum's boyfriend 'grabs him and throws him about'.",
                   "child_age_years": 10})["level"] == 4
    assert assess({"text": "The coach has been asking him to keep their chats secret and asked for a photo of "
                           "him 'in just your shorts'.", "child_age_years": 14})["level"] == 4
    assert "prevent" in assess({"text": "Videos from a channel that blames immigrants for everything; 'they "
                                        "should all be sent back, by force if that's what it takes'.",
                                "child_age_years": 14})["special_routes"]
    assert assess({"text": "Superficial scratches on her forearm; she did them after a falling out with friends. "
                           "No thoughts of ending her life.", "child_age_years": 15})["level"] == 2
    assert assess({"text": "This is her 4th missing episode in 2 months.", "child_age_years": 13})["level"] == 3
    assert "serious_developmental_delay" in ids("Significant delays - only 3-4 words.", child_age_years=2.3)
    assert assess({"text": "Mum and her boyfriend 'had a big fight' at the weekend and the police came.",
                   "child_age_years": 9})["level"] == 3
    # an ordinary shout over a tablet; scratch marks from eczema; a shy child who chatters at home
    assert assess({"text": "Her mum shouted at her this morning and took her tablet off her because she wouldn't "
                           "get ready. No marks, not scared to go home.", "child_age_years": 9})["level"] == 1
    assert assess({"text": "A few scratch marks on her arms, clearly from the eczema itself, no bruising seen "
                           "anywhere.", "child_age_years": 6})["level"] == 1
    assert assess({"text": "Very quiet at nursery, but mum says she chatters away at home; meeting all her "
                           "milestones, warm parents.", "child_age_years": 3})["level"] == 1


def test_a_parents_own_medication_is_not_the_childs_treatment():
    own = assess({"text": "Mum has bipolar disorder and has stopped her medication. Noah is late most days.",
                  "child_age_years": 5})
    assert "refusing_medical_treatment" not in {i["id"] for i in own["indicators"]}
    dads = assess({"text": "Tahlia is caring for her dad who has been really unwell since he stopped his "
                           "medication.", "child_age_years": 11})
    assert "refusing_medical_treatment" not in {i["id"] for i in dads["indicators"]}
    child = assess({"text": "Parents have decided to manage it with diet and a herbal supplement and have stopped "
                            "her long-acting insulin.", "child_age_years": 7})
    assert child["level"] == 4


def test_a_practice_instruction_to_think_about_a_need_names_no_fact():
    assert "neglect" not in ids("Our practice asks us to think about neglect when we see decay so I'm asking.",
                                child_age_years=5)


def test_round_eleven_readings():
    """Gaps from held-back sets 69-74, each in general form."""
    for text in ("Two brand new iPhones, designer trainers, rolls of cash, and an older man in a black Audi picks "
                 "him up outside the youth centre.",
                 "Turned up w a brand new iphone and a second cheap nokia, cash in a roll. Pretty sure hes running "
                 "for someone."):
        assert assess({"text": text, "child_age_years": 15})["level"] == 4, text
    burn = assess({"text": "Her friend said her dad 'puts his cigarette out on me when I'm bad'.",
                   "child_age_years": 10})
    assert burn["level"] == 4
    club = assess({"text": "Ethan told his TA that Mr Barker, who runs the after-school football club, 'squeezes "
                           "my neck really hard when I'm naughty and said not to tell my mum'.", "child_age_years": 7})
    assert club["level"] == 4 and "lado" in club["special_routes"]
    # the allegation ends at its first act: "wouldn't tidy up" later in the sentence is no denial
    assert "lado" in assess({"text": "She saw a colleague grab a 2 year old hard by the upper arm and drag him "
                                     "across the room when he wouldn't tidy up, calling him a little sod.",
                             "child_age_years": 2})["special_routes"]
    assert assess({"text": "Police were called once back in March when he was throwing things; he moved out and "
                           "now he's back.", "child_age_years": 6})["level"] == 3
    assert assess({"text": "Most days mum stays in bed until dad gets home; Nell spends most of the day in her "
                           "cot.", "child_age_years": 0.6})["level"] == 3
    assert assess({"text": "He's now missing about a day a week of school.", "child_age_years": 12})["level"] == 3
    assert assess({"text": "Reported missing by her mum six times since January.", "child_age_years": 15})["level"] == 3
    assert assess({"text": "Mum reported her daughter Tia (14) missing on Saturday; she came home at 2am.",
                   "child_age_years": 14})["level"] == 2
    assert assess({"text": "Picked up drinking cider on the rec, tipsy but not in a state.",
                   "child_age_years": 14})["level"] == 2
    # ordinary: a one-off missed breakfast explained; a toddler who toppled into the table
    assert assess({"text": "He was hungry, dad said they'd overslept; he's clean, happy, no marks, normally eats "
                           "fine and this is the 1st time.", "child_age_years": 4})["level"] == 1
    assert assess({"text": "Small bump on his forehead; he's been walking since 11 months and she watched him "
                           "topple into the coffee table.", "child_age_years": 1.1})["level"] == 1


def test_validator_rejects_a_pattern_written_to_cross_a_sentence_break(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ("    patterns:\n      - \"\\\\bimmediate danger\\\\b\"",
                   "    patterns:\n      - \"\\\\bcolleague\\\\b[^.?!]{0,60}[.?!]\\\\s+She grabbed\"\n"
                   "      - \"\\\\bimmediate danger\\\\b\""))
    line = line_of("[.?!]\\\\s+She grabbed")
    assert any(f":{line}:" in p and "across a sentence break" in p for p in problems), problems


@pytest.mark.parametrize("typed, read", [
    ("living w his mates family abt 6 wks", "living with his mates family about 6 weeks"),
    ("att down to 70% n no tea last nite cos dad was asleep", "attendance down to 70% and no tea last night because dad was asleep"),
    ("yr9 boy, hes been off x2", "year 9 boy, he's been off twice"),
    ("mum & her bf", "mum and her boyfriend"),
])
def test_shorthand_is_read_as_words(typed, read):
    rb = load_rulebook()
    from thresholds.spelling import speller
    assert speller(rb.spelling, rb.shorthand).correct(typed)[0] == read


@pytest.mark.parametrize("text", [
    "Mrs W said that N was upset",        # initials are names, not "with" and "and"
    "She swims with the swim team",      # never inside a word
    "n/a; w/c 12th; it's a bf-free zone",  # nor beside / or -
    "Year 9, attendance 97%",            # no shorthand at all
])
def test_shorthand_leaves_names_words_and_plain_text_alone(text):
    rb = load_rulebook()
    from thresholds.spelling import speller
    assert speller(rb.spelling, rb.shorthand).correct(text)[0] == text


def test_shorthand_finds_what_the_words_would_and_quotes_it_as_typed():
    text = "yr9 boy (14) been living w his mates family since start of term, abt 6 wks now. not related."
    r = assess({"text": text, "child_age_years": 14})
    assert r["special_routes"] == ["private_fostering"]
    assert all(text[i["start"]:i["end"]] == i["evidence"] for i in r["indicators"])
    # the engine's own rules read the words too: attendance given as "att"
    r = assess({"text": "yr10, att down to 70% this yr, mum says she cant get him up", "child_age_years": 15})
    (att,) = [i for i in r["indicators"] if i["id"] == "persistent_absence"]
    assert att["evidence"] == "att down to 70%" and r["level"] == 3


def test_validator_checks_the_shorthand(tmp_path):
    problems, line_of = broken_default(
        tmp_path, ('  "abt": about\n', '  "abt": about\n  "Two Words": x\n  "ok": "OK!"\n'))
    assert any(f":{line_of('Two Words')}:" in p and "one lower-case token" in p for p in problems), problems
    assert any(f":{line_of('OK!')}:" in p and "lower-case words" in p for p in problems), problems


def test_i_suppose_is_a_hedge_not_a_supposition():
    assert "basic_care_concern" in ids("The main thing I suppose - he is still in the same clothes all term.")
    assert "physical_abuse" not in ids("Suppose his dad hit him, what would we do?")


def test_a_clause_that_starts_with_hes_or_an_ing_verb_ends_the_negation():
    assert "basic_care_concern" in ids("Other kids won't sit by him, he's taking food out of the bins.")
    assert "needs_met" in ids("She is sensible, no health issues, doing well at school.")
    # ...while a list of denied things stays denied
    assert "injury_mark" not in ids("No bruises, marks or swelling.")


def test_the_reason_for_a_past_plan_is_history():
    r = assess({"text": "He was on a child protection plan about five years ago because of domestic abuse "
                        "between mum and her then partner. Attendance is 97%.", "child_age_years": 9})
    assert r["level"] == 1
    assert "domestic_abuse" in ids("There is domestic abuse between mum and her partner now.")


def test_a_denial_said_before_the_enquiry_negates_it():
    assert "domestic_abuse" not in ids("No drugs or alcohol, nothing on routine enquiry about domestic abuse.")
    assert "domestic_abuse" in ids("She disclosed domestic abuse on routine enquiry.")


def test_phrasings_from_sets_75_to_80():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a friend's cigarette burns; an unaccompanied child; neglect that early help did not change
    assert a("His mate showed him round marks and said his mum's boyfriend 'does his cigarette on me'.",
             child_age_years=8)["level"] == 4
    assert a("He came on his own, doesn't know anyone in the UK, no documents.", child_age_years=15)["level"] == 4
    assert a("Same clothes all term, teeth black and rotten; early help twice and nothing changed.",
             child_age_years=10)["level"] == 4
    # Prevent for replacement talk and "don't belong here"; never homelessness for a group chat
    assert "prevent" in a("He keeps saying 'migrants are replacing us'.", child_age_years=14)["special_routes"]
    assert "prevent" in a("He says certain races 'don't belong here and should be sent back'.",
                          child_age_years=15)["special_routes"]
    r = a("They kicked her out of the group chat and she cried.", child_age_years=12)
    assert r["level"] < 4 and "family_homelessness" not in {i["id"] for i in r["indicators"]}
    # an ex who keeps turning up; a parent's drinking with care slipping; rows at home
    assert a("Her ex keeps turning up at the house shouting and banging on the door; they moved twice "
             "to get away from him.", child_age_years=7)["level"] == 3
    assert a("Dad's drinking heavy since he lost his job. No tea last night because dad was asleep.",
             child_age_years=8)["level"] == 3
    assert a("Parents splitting up, lots of rowing at home over money.", child_age_years=10)["level"] == 2
    # an earlier child living with a grandparent since a bad patch with alcohol, before a birth
    assert a("Her son (6) has lived with her mum since a bad patch with alcohol when he was 2.",
             unborn=True)["level"] == 3


def test_an_accident_at_nursery_is_not_an_allegation_but_a_mark_from_there_is():
    r = assess({"text": "Small bruise on his shin which mum says he got falling off the climbing frame at nursery "
                        "yesterday; nursery gave her an accident form.", "child_age_years": 2})
    assert r["level"] == 1 and "lado" not in r["special_routes"]
    r = assess({"text": "There were grip marks on her arm after pick up from the childminder's.", "child_age_years": 3})
    assert "lado" in r["special_routes"]


def test_nobody_has_been_hit_said_inside_an_account_is_a_denial():
    assert "disclosure_of_abuse" not in ids("I spoke to mum after - she says it's rows about the house and money, "
                                            "nobody has ever been hit or threatened.")


def test_a_named_parent_telling_of_her_own_childhood_is_not_the_childs():
    text = ("At parents' evening Ms Hadley told me she was in care as a child and was sexually abused by her "
            "stepfather back then. Poppy is doing really well.")
    assert assess({"text": text, "child_age_years": 14})["level"] == 1
    # ...while a child's account the parent passes on stands
    assert assess({"text": "Mum told me Ella said her stepdad sexually abused her.",
                   "child_age_years": 9})["level"] == 4


def test_an_order_already_completed_is_history():
    assert "early_offending" not in ids("He's completed his referral order and has a college place.")
    assert "early_offending" in ids("He is on a referral order for shoplifting with older lads.")


def test_a_harsh_word_the_child_explains_is_read_as_explained_and_reviewed():
    r = assess({"text": "He said he got 'battered' at home last night; he laughed and said he meant battered as "
                        "in told off, his mum took his Xbox. No marks seen.", "child_age_years": 11})
    assert r["level"] == 1 and r["needs_human_review"]
    r = assess({"text": "He said he got battered at home, he meant told off, but there are bruises on his back.",
                "child_age_years": 11})
    assert r["level"] == 4


def test_a_young_child_left_alone_most_evenings_is_level_4_an_older_one_is_not():
    text = "She is left on her own most evenings till late while her mum goes out."
    assert assess({"text": text, "child_age_years": 5})["level"] == 4
    assert assess({"text": text, "child_age_years": 14})["level"] < 4


def test_phrasings_from_sets_81_to_86():
    a = lambda text, **kw: assess({"text": text, **kw})
    assert a("Her genitals appear to have been cut; mum says a relative had it done abroad.",
             child_age_years=2)["special_routes"] == ["police_fgm"]
    assert a("Mia had a big purple bruise on her cheek and marks like fingers on the top of her arm.",
             child_age_years=2)["level"] == 4
    assert a("She told a friend she'd 'done it' with a Year 9 boy at his house.", child_age_years=12)["level"] == 4
    r = a("One of our teachers was shouting at his own son and punched him in the face.", child_age_years=6)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    assert a("Mum told me dad was controlling and violent towards her; she left him two months ago.",
             child_age_years=3)["level"] == 3
    assert a("Dad shouts and smashes things when he drinks.", child_age_years=8)["level"] == 3
    assert a("His stepdad told him 'don't bother coming back' after a row.", child_age_years=16)["level"] == 3
    assert a("He was brought home by police on Saturday very drunk.", child_age_years=15)["level"] == 2
    assert a("Mum and dad are always shouting about money.", child_age_years=15)["level"] == 2
    assert a("She's been really low since falling out with her friends.", child_age_years=14)["level"] == 2
    assert a("Reported Nia, 13, missing twice this month.", child_age_years=13)["level"] == 2
    assert "private_fostering" in a("15yo moved down 5 wks ago to live w her old childminder, not related.",
                                    child_age_years=15)["special_routes"]


def test_a_mothers_own_account_of_domestic_abuse_is_domestic_abuse_not_a_childs_disclosure():
    r = assess({"text": "Mum told me her partner shouts at her, checks her phone and pushed her against the wall "
                        "last month while the children were upstairs.", "child_age_years": 5})
    assert r["level"] == 3 and r["needs_human_review"]
    # ...but not where a child was hurt, or the abuse is serious or escalating
    assert assess({"text": "Mum told me her partner pushed her against the wall and hit Ella.",
                   "child_age_years": 5})["level"] == 4
    assert assess({"text": "Mum told me her partner strangled her and pushed her against the wall.",
                   "child_age_years": 5})["level"] == 4


def test_without_telling_is_no_denial_and_found_nothing_about_is():
    assert "regular_missing" in ids("He's stayed out overnight without telling her four times this month.")
    assert "child_sexual_exploitation" not in ids(
        "The return interviews have found nothing about older men, money, drugs or gifts.")


def test_a_parent_in_care_herself_as_a_child_is_the_parents_history():
    r = assess({"text": "In supervision she told me she was in care herself from age 9 and was sexually abused by a "
                        "foster carer's son back then. Her daughter is 5, attendance 97%.", "child_age_years": 5})
    assert r["level"] < 4
    r = assess({"text": "Mum told me for the first time that she was in foster care herself from 8 to 16 after being "
                        "abused by her stepfather.", "child_age_years": 0.33})
    assert r["level"] < 4


def test_the_callers_workplace_is_part_of_the_introduction_only_when_it_names_a_place():
    from thresholds.extract import mask_caller
    assert mask_caller("Family support worker at the women's centre (we mostly do domestic abuse)").strip() == \
        "(we mostly do domestic abuse)"
    for text in ("Teacher at his school slapped him, parents told me",
                 "Teacher at the school slapped Jack, parents told me"):
        assert mask_caller(text) == text


def test_phrasings_from_sets_87_to_92():
    a = lambda text, **kw: assess({"text": text, **kw})
    assert a("He has dropped from the 50th to below the 2nd centile since 4 months.", child_age_years=0.8)["level"] == 4
    assert a("Jade told Ella she's been 'doing sexual stuff' with a 15-year-old boy.", child_age_years=11)["level"] == 4
    assert a("12yo girl told her mate shes been 'doin it' with her bf whos 14.", child_age_years=12)["level"] == 4
    assert a("Mum now wants her to use a wheelchair and be assessed for a feeding tube.",
             child_age_years=6)["level"] == 4
    assert a("Zara showed her small round burn marks on her arm; her mum did them with a cigarette lighter.",
             child_age_years=9)["level"] == 4
    assert "lado" in a("msgs on her daughters fone from the girls football coach, 'dont tell ur mum we chat'.",
                       child_age_years=13)["special_routes"]
    # a man sentenced to 18 months names no age; a weekend thrown out, back home now, is not homelessness
    assert a("Probation officer, working with a man sentenced last week to 18 months.", child_age_years=10)["level"] < 4
    assert a("Mum threw her out for a wknd when she found out, back home now.", child_age_years=15)["level"] < 4
    # a child still wetting the bed, seen by the GP, is no sign of low mood
    assert "low_mood" not in ids("He's still wetting the bed most nights; the GP has referred him to the clinic.")
    assert a("My patient is 22 weeks pregnant, has a history of anxiety and depression and stopped her sertraline.",
             unborn=True)["level"] == 3


def test_an_act_that_ends_a_match_done_by_nobody_is_denied():
    assert "disclosure_of_abuse" not in ids("Ruby said 'mum and dad have been arguing loads since dad lost his "
                                            "job, it's just shouting though, nobody hits anyone'.")
    assert "disclosure_of_abuse" in ids("Ruby said her dad hits her when he has been drinking.")


def test_phrasings_from_sets_93_to_98():
    a = lambda text, **kw: assess({"text": text, **kw})
    assert a("His friend told him his dad locks him in the cupboard under the stairs when he's naughty, "
             "sometimes all evening, and won't let him have his tea.", child_age_years=8)["level"] == 4
    assert a("14-month-old's external genitalia look different from what I would expect and appear to have "
             "been cut and healed.", child_age_years=1.2)["special_routes"] == ["police_fgm"]
    assert a("It hurts when she wees, and has done since 'the cutting' when she visited her aunt abroad.",
             child_age_years=14)["special_routes"] == ["police_fgm"]
    assert a("She told me 'me and my boyfriend have done it, he's 13'.", child_age_years=12)["level"] == 4
    assert a("Her partner shoved her into the door frame last week while she was holding the baby.",
             child_age_years=0.6)["level"] == 4
    assert "lado" in a("Her son goes to a registered childminder three days a week and when she collected him "
                       "yesterday he had a bruise on his cheek.", child_age_years=2)["special_routes"]
    assert "lado" in a("A supply teacher pulled her son Harvey (9) by the ear to get him back to his seat.",
                       child_age_years=9)["special_routes"]
    assert "lado" in a("She has been getting snapchats from her football coach (club volunteer) asking for pics.",
                       child_age_years=13)["special_routes"]
    assert a("Mum of a reception child told me she was in care as a kid and was sexually abused by her "
             "stepfather back then. Her daughter is thriving.", child_age_years=5)["level"] < 4
    assert "child_sexual_exploitation" not in ids(
        "The return interviews picked up nothing about older men, gifts or money.")
    assert a("Her first child lives with her own mum because she 'wasn't in a good place' after he was born.",
             unborn=True)["level"] == 3


def test_a_parent_telling_of_her_own_childhood_before_or_after_the_mention():
    a = lambda text, **kw: assess({"text": text, **kw})
    assert a("Mum of one of my pre-schoolers, Lily-Mae (4), told me today that she was sexualy abused by her "
             "uncle when she was little. Lily is thriving.", child_age_years=4)["level"] == 1
    assert a("One of my patients, mum of a 6 month old boy, told me at her review that she was in care herself "
             "from the age of 8 and was beaten by her stepfather back then.", child_age_years=0.5)["level"] < 4
    # someone else telling in between keeps it the child's own disclosure
    assert a("Mum told me Ella said she was sexually abused by her uncle when she was little.",
             child_age_years=9)["level"] == 4


def test_a_grandparent_a_parents_own_medication_and_what_if_are_not_the_childs():
    assert "parental_alcohol_low" not in ids("She grew up in foster care herself because of her own mother's drinking.")
    assert "refusing_medical_treatment" not in ids("Mum thinks he's stopped his medication and he talks really fast.")
    assert "refusing_medical_treatment" in ids("Mum has stopped giving him his insulin.")
    assert "disclosure_of_abuse" not in ids("Her tutor asked me, 'what if Maya, or any child, told us she was being "
                                            "hurt at home, would we ring the parents first?'")
    assert "domestic_abuse" not in ids("He is on track and his mum checks his phone.")
    assert "domestic_abuse" in ids("Her partner checks her phone and controls the money.")


def test_phrasings_from_sets_99_to_104():
    a = lambda text, **kw: assess({"text": text, **kw})
    assert a("Kayla told me herself: 'I've done it with Connor, it was my choice.' Connor is 14.",
             child_age_years=11)["level"] == 4
    r = a("Year 5 boy just told me the PE teacher grabbed him by the throat and shoved him into the wall.",
          child_age_years=9)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    assert "early_offending" not in ids("YOT officer. Closing Kai's referral order next week, he's done all his "
                                        "reparation.")
    assert "early_offending" not in ids("Youth offending service prevention worker. Jayden, 15, was found with "
                                        "cannabis.")


def test_nobody_as_the_subject_and_a_name_asked_about_indirectly():
    assert "child_sexual_exploitation" not in ids("I checked with her carefully: nobody has asked for pictures, "
                                                  "to meet, or to keep secrets.")
    assert "physical_abuse" not in ids("Mum was clear nobody has been hit or threatened.")
    assert "neglect" not in ids("Dad asked me if it counts as neglect on their part.")
    assert "neglect" not in ids("A parent asked me whether it would be neglect if she lets him walk to school.")
    assert "neglect" in ids("The school nurse thinks this is neglect: he is always hungry and dirty.")
    # "signed off work" is not signing a disclosure, and "got kicked out" is not a kick
    assert "disclosure_of_abuse" not in ids("Mum's now signed off work and nursery have raised worries about her "
                                            "hitting other children.")
    assert "disclosure_of_abuse" not in ids("He told me his mate Dev, 17, got kicked out by his stepdad.")


def test_phrasings_from_sets_105_to_110():
    a = lambda text, **kw: assess({"text": text, **kw})
    assert a("Today he said his stepdad holds his hand over the hob when hes naughty, and there was a small "
             "blister on his palm.", child_age_years=9)["level"] == 4
    assert a("She said 'me and Jayden did it at his house on Saturday'. Jayden is 14.", child_age_years=12)["level"] == 4
    assert a("He has a second phone that never stops buzzing; he told a friend he's doing a bit of work for a mate "
             "and gets paid cash.", child_age_years=15)["level"] == 4
    r = a("Two small bruises on her thigh. Mum says dad does the nappy changes and 'can be a bit rough'. "
          "Dad works as a practitioner at a day nursery.", child_age_years=0.06)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    assert a("Dad often smells of drink on the school run; they often haven't had breakfast.",
             child_age_years=9)["level"] == 3
    assert a("Her ex used to get a bit heavy-handed with her.", child_age_years=6)["level"] == 3


def test_phrasings_from_sets_111_to_116():
    a = lambda text, **kw: assess({"text": text, **kw})
    # county lines told as being paid to carry 'bits' and hide them in his underwear
    assert a("When I asked he said an older lad pays him to take 'bits' on the train to the coast and keep them "
             "in his boxers.", child_age_years=14)["level"] == 4
    assert "criminal_exploitation" not in ids("He keeps his phone in his socks at PE.")
    # a child from abroad doing a non-relative's housework and childcare
    r = a("She lives with a 'family friend' and looks after the woman's babies and does the cleaning. "
          "The woman isn't a relative. She came two months ago.", child_age_years=12)
    assert r["level"] == 4 and "trafficking" in {i["id"] for i in r["indicators"]}
    assert "trafficking" not in ids("She looks after her baby brother and does the cleaning when mum is at work.")
    # the LADO for a leader the caller is worried about, and for a key worker at a nursery
    r = a("I'm worried about one of our other leaders. He sent a 13-year-old girl in the troop messages asking "
          "for photos and telling her not to tell her mum.", child_age_years=13)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    r = a("He told the PCSO his stepdad 'leathered' him with a belt. Stepdad is a key worker at a day nursery.",
          child_age_years=9)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    # a volunteer who only saw or heard something is not the person alleged to have harmed
    r = a("He has two phones and a wad of cash, and told one of our volunteers he 'owes' someone; an older man "
          "picks him up.", child_age_years=15)
    assert r["level"] == 4 and "lado" not in r["special_routes"]
    # 'a bit of a live wire' is a lively child, not dangerous wiring
    assert "family_homelessness" not in ids("Otherwise he's a bit of a live wire but fine.")
    assert "family_homelessness" in ids("There is a live wire hanging out of the wall in the baby's room.")
    # a parent's drug treatment or drinking, and the child's basic care slipping
    assert a("A dad on daily methadone pick-up brings his 6yo in so she's late every day; her hair is unwashed "
             "and she wears the same clothes for days.", child_age_years=6)["level"] == 3
    assert a("Mum is on an alcohol treatment requirement. At the last two home visits she'd been drinking. The 8yo "
             "makes his own breakfast and tea most days.", child_age_years=8)["level"] == 3
    assert a("Mum was found in crisis and taken to a place of safety. He has been late and unkempt for two months.",
             child_age_years=9)["level"] == 3
    # domestic abuse told as things thrown in front of the children, or a fall during an argument
    assert "domestic_abuse" in ids("He shouted and threw things in front of the kids more than once.")
    assert "domestic_abuse" in ids("Called to a woman who fell during an argument with her partner.")
    assert "domestic_abuse" not in ids("He threw a tantrum in class.")
    # staying out till the small hours is starting to go missing
    assert "starting_to_go_missing" in ids("Last Friday he didn't come home till gone 2am.")


def test_phrasings_from_sets_117_to_122():
    a = lambda text, **kw: assess({"text": text, **kw})
    # 'stable' is not 'stab', and a child's own 'so I hit him' is not harm to the child
    assert a("What if she stopped her lithium? Right now she is completely stable and takes her medication.",
             child_age_years=4)["recommendation"] != "emergency_999"
    assert a("Right now he is stabbing the door with a knife.", child_age_years=9)["recommendation"] == "emergency_999"
    assert "physical_abuse" not in ids("The boy said 'he kept going on about my mum so I hit him'.")
    assert "physical_abuse" in ids("She said 'my dad hits me when I get home late'.")
    # a child no professional can see
    assert a("Not seen in school since 4 March. Three home visits, no answer, curtains shut.",
             child_age_years=7)["level"] == 4
    # failure to thrive told through centiles and weight regained in hospital
    assert a("Her weight has fallen from the 50th to below the 0.4th centile. She gains steadily here on "
             "ordinary feeds and loses it again within weeks of going home.", child_age_years=0.75)["level"] == 4
    # shaking a baby, told lightly
    assert a("Dad said last night he'd 'given him a bit of a shake' to stop him screaming.",
             child_age_years=0.4)["level"] == 4
    assert "physical_abuse" not in ids("Mum shook him awake for school.")
    assert "physical_abuse" not in ids("He shook her hand at the door.")
    # a 15-year-old pregnant by an adult she met online, planning to travel to join his group
    r = a("15 year old, 20 weeks pregnant. The father is a 24 year old man she met online. They plan to travel "
          "abroad to join his group.", child_age_years=15)
    assert r["level"] == 4 and "prevent" in r["special_routes"]
    assert a("Her uncle, a 24 year old man, collects her from school.", child_age_years=12)["level"] < 4
    # the LADO: a nursery practitioner drinking before shifts, a nurse seen gripping a baby,
    # messages from a lecturer
    r = a("My client works as a nursery practitioner and turned up smelling of drink; she said she was going "
          "straight on to work.", child_age_years=16)
    assert "lado" in r["special_routes"]
    r = a("Bruises along the thigh of a three week old. A healthcare assistant saw that nurse gripping the baby "
          "hard.", child_age_years=0.06)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    r = a("She showed her friend messages from one of our lecturers, who's 31, telling her she's mature.",
          child_age_years=16)
    assert "lado" in r["special_routes"]
    # Prevent: videos of attacks and 'certain groups should be wiped out'; that is not tiredness
    assert "radicalisation" in ids("He shares posts saying certain groups should be wiped out.")
    assert "tiredness" not in ids("He shares posts saying certain groups should be wiped out.")
    assert "tiredness" in ids("She is wiped out after swimming.")
    # a parent's own offence is not the child's offending
    assert "early_offending" not in ids("My client is on licence after a sentence for shoplifting.")
    assert "early_offending" not in ids("He is on a community order for criminal damage.")
    assert "early_offending" in ids("He was caught shoplifting with older lads.")
    # police who came out to the house are not a child coming out
    assert "identity_discrimination" not in ids("Police came out to the house once.")
    assert "identity_discrimination" in ids("He came out as gay to his mum.")
    # phrasings of level-2 and level-3 needs
    assert "permanent_exclusion" in ids("She hasn't been on any school roll since April.")
    assert "caring_harms_child" in ids("He is now doing his dad's personal care every morning and night.")
    assert "domestic_abuse" in ids("'When Jase gets cross him and Mummy do banging and shouting.'")
    assert "few_words" in ids("Her son is 3 and isn't putting two words together yet.")
    assert "missed_health_care" in ids("His jabs are now two months overdue.")
    assert "parental_mental_health" in ids("My client has severe agoraphobia.")
    assert "financial_hardship" in ids("She's been making the bottles up a bit weaker to make the tin last longer.")
    assert "young_carer" in ids("'I do the little ones' tea Tuesdays and Thursdays cos Dad's on lates.'")
    assert "risky_online_behaviour" in ids("Mum found out Ivy has a secret Insta.")


def test_phrasings_from_sets_123_to_128():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a parent telling of a childhood in and out of care, or told "in a review"
    assert a("He told me he was in and out of foster care as a boy and his own father used to beat him. "
             "Kofi is thriving.", child_age_years=7)["level"] == 1
    assert a("The mum told me in a review that she was in care herself growing up and was abused by a foster "
             "carer back then. Her son is thriving.", child_age_years=7)["level"] == 1
    # a supposition about any baby, even when its clause ends in "yet"
    assert a("Hypothetically, if a baby who can't crawl yet came in with a bruise, would that need a referral?",
             child_age_years=0.3)["level"] < 4
    assert a("If a baby can't roll and has a bruise we always refer, and this baby has a bruise on his cheek.",
             child_age_years=0.3)["level"] == 4
    # a registered sex offender told as 'the sex offenders list'
    assert a("Her new partner moves in next weekend; he's 'on the sex offenders list for something silly years "
             "ago'.", child_age_years=8)["level"] == 4
    # a disabled child who cannot move about on his own is not mobile: any bruise is level 4
    assert a("Noah has cerebral palsy; he can't sit or move about on his own. I saw a bruise on his upper arm.",
             child_age_years=4)["level"] == 4
    assert a("She isn't independently mobile. There were red finger marks on both wrists.",
             child_age_years=8)["level"] == 4
    # FGM told through what was seen and 'so she'd be clean'
    r = a("At nappy changes her genital area looks scarred and partly closed over; mum said it was done abroad so "
          "she'd be 'clean'.", child_age_years=2.5)
    assert r["level"] == 4 and "police_fgm" in r["special_routes"]
    # county lines: picked up by older lads, a phone that buzzes constantly, wrapped packages
    assert a("He gets picked up after school by older lads in different cars and has a second phone that buzzes "
             "constantly.", child_age_years=15)["level"] == 4
    assert "criminal_exploitation" in ids("He was found with some small wrapped packages in his bag.")
    # a friend's age given in the text, and a disclosure typed on a communication aid
    assert a("Her friend, who is 12, is having sex with a 17-year-old boy.", child_age_years=14)["level"] == 4
    assert a("In today's session she typed 'uncle touch private bed night'.", child_age_years=12)["level"] == 4
    # insulin cut for a 'cure'
    assert a("They've been deliberately cutting and skipping his insulin.", child_age_years=11)["level"] == 4
    # the LADO for a support worker seen slapping a resident
    r = a("I walked in on a night support worker slapping a 14-year-old resident.", child_age_years=14,
          immediate_danger=True)
    assert r["recommendation"] == "emergency_999" and "lado" in r["special_routes"]
    # Prevent for 'white homeland' leaflets; 'should be 'wiped out'' is not tiredness
    assert "radicalisation" in ids("Dad has been leaving leaflets about a 'white homeland' in our entrance.")
    assert "tiredness" not in ids("He told another parent that immigrants should be 'wiped out'.")
    # private fostering 'since the start of last month'
    r = a("Since the start of last month she's been living with her mum's best friend; she isn't related to them.",
          child_age_years=3)
    assert "private_fostering" in r["special_routes"]
    # level-3 pictures: drugs and basic care, 'a bit of a domestic', police called to a row,
    # sofa surfing, a permanent exclusion misspelt, an earlier child cared for by grandparents
    assert a("Dad stinks of weed at most drop offs. He is often in yesterdays clothes and starving when he "
             "arives.", child_age_years=3)["level"] == 3
    assert "domestic_abuse" in ids("The police came to the house after 'a bit of a domestic' with her husband.")
    assert "domestic_abuse" in ids("The police were called to a row between her and her partner.")
    assert "family_homelessness" in ids("She's been sleeping on different friends' sofas.")
    assert "family_homelessness" not in ids("She told him to leave but he keeps coming back.")
    assert "permanent_exclusion" in ids("He got permently excluded last week, no new place yet.")
    assert "previous_child_removed" in ids("Her first child lives with her parents by a family arrangement because "
                                           "she found his care too much.")
    # level-2 phrasings
    assert "few_words" in ids("He isn't walking yet and only has a couple of words.")
    assert "parent_in_prison" in ids("Her husband was sentenced last month and is in prison.")
    assert "occasional_absence" in ids("She has missed a few sessions this half term.")
    assert "missed_health_care" in ids("She has missed her last two neurology appointments.")
    assert "low_mood" in ids("She misses mum and feels down at times.")


def test_phrasings_from_sets_129_to_134():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a bruise on another baby, whose age in weeks is given beside it
    assert a("Mum's friend came round with her own son, who is 6 weeks old, and I could see a purple bruise behind "
             "his ear.", child_age_years=1.25)["level"] == 4
    assert a("Her baby brother is 6 weeks old. Sam has a bruise on his shin from football.",
             child_age_years=8)["level"] < 4
    # a home used for drugs, a hand inside a child's trunks, a club leader messaging a child
    assert a("Tia's mum lets people come round and smoke crack and inject in the living room.",
             child_age_years=14)["level"] == 4
    r = a("Her son, 8, told her his swimming coach put his hand inside his trunks in the changing room.",
          child_age_years=8)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    assert "lado" in a("Ellie told me her drama club leader has been messaging her late at night and told her to "
                       "keep it their secret.", child_age_years=13)["special_routes"]
    # ...but a teacher shown messages is not the one who sent them
    assert "lado" not in a("A friend showed a teacher messages on her phone about parties; older men pick her "
                           "up and she has to 'pay back what you owe'.", child_age_years=15)["special_routes"]
    # a mother telling of her partner, with an apposition between; "nobody's been hurt"
    assert "disclosure_of_abuse" not in ids("Mum of a 13-month-old told me her partner pushed her into the wall.")
    assert "disclosure_of_abuse" not in ids("There's loads of rowing at home, shouting but no violence, Isla says, "
                                            "and nobody's been hurt.")
    # level-3 pictures
    assert a("Mum has schizofrenia and stopped her meds; she hears voices at times.", child_age_years=0.6)["level"] == 3
    assert "parental_substance_misuse" in ids("Kacey's mum's drinking has got really bad since Christmas.")
    assert "young_carer" in ids("She's getting her two little brothers to school.")
    assert "domestic_abuse" in ids("Mum told our DSL he shoved her once in September.")
    assert "domestic_abuse" in ids("Police came out once last month after neighbours called.")
    assert "basic_care_concern" in ids("A neighbour has had to collect them twice when he didn't turn up.")
    assert "teenage_pregnancy" in ids("Tia is 15 and pregnant by her 16-year-old boyfriend.")
    assert "persistent_absence" in ids("She is hardly in school.")
    # level-2 phrasings
    assert "self_harm" in ids("She has been superficially scratching her forearms when she gets stressed.")
    assert "self_harm" not in ids("He keeps scratching his arm because of his eczema.")
    assert "parental_conflict" in ids("They've rowed in front of her a couple of times.")
    assert "parental_conflict" in ids("Handovers at the school gate have turned into loud arguments.")
    assert "missed_health_care" in ids("In the muddle nobody took her for her MMR or her one-year review.")


def test_validator_checks_from_years(tmp_path):
    problems, line_of = broken_default(tmp_path, ("    from_years: 10  #", "    from_years: ten  #"))
    line = line_of("from_years: ten")
    assert any(f":{line}:" in p and "from_years must be an age" in p for p in problems), problems


def test_an_indicator_of_an_older_child_in_a_text_about_a_baby_is_the_mothers():
    a = lambda text, **kw: assess({"text": text, **kw})
    text = ("Mum moved here when she was 7 months pregnant and the baby is now 5 weeks old. She goes days without "
            "speaking to another adult.")
    r = a(text, child_age_years=0.1)
    assert "teenage_pregnancy" not in {i["id"] for i in r["indicators"]} and r["level"] == 2
    # the same words about a 14-year-old, or a baby not yet born, still count
    assert "teenage_pregnancy" in {i["id"] for i in a("She is 14 and 20 weeks pregnant.", child_age_years=14)["indicators"]}
    assert a("She is 14 and 20 weeks pregnant.", unborn=True)["level"] >= 3


def test_phrasings_from_sets_135_to_140():
    a = lambda text, **kw: assess({"text": text, **kw})
    # parents telling of their own childhood, in words met for the first time
    assert a("My client, 34, told me in supervision that he was abused by his stepfather as a lad. Stepfather "
             "died years back. Their daughter is doing well at school.", child_age_years=7)["level"] == 1
    assert a("At the 3-month visit mum told me for the first time that her stepfather sexually abused her when she "
             "was about 10. The baby is gaining weight.", child_age_years=0.25)["level"] < 4
    assert a("At drop-off today mum got upset and told me she grew up in care and was sexually abused by a foster "
             "carer when she was little. Her daughter is meeting all her milestones.", child_age_years=2)["level"] == 1
    assert a("HV visit today, mum got a bit teary and told me she was abused by her uncle when she was a kid. Her "
             "little boy is hitting all his milestones, house lovely.", child_age_years=5)["level"] == 1
    # ...while a child telling of abuse when younger is still the child's
    assert a("Amy told me she was abused by her uncle when she was little.", child_age_years=9)["level"] == 4
    # a parent's illness and then his own medication
    assert "refusing_medical_treatment" not in ids("Client (dad) has schizophrenia, stopped his meds a few weeks ago.")
    assert "refusing_medical_treatment" in ids("Mum has stopped giving him his insulin.")
    # a mother's own FGM as a child is not a risk told about the daughter
    assert "fgm_risk" not in ids("At booking mum told us she had FGM herself as a child back home.")
    assert "fgm_risk" in ids("Mum says they are taking her back home this summer for FGM.")
    # a child's habitual 'if I ..., he hits me' is not a supposition; a caller's 'if he hits her' is
    r = a("Yusuf told me 'Daddy makes me watch the videos with the men with the guns who say people like our "
          "neighbours should all die, and if I look away he hits me with his belt.'", child_age_years=7)
    assert r["level"] == 4 and "prevent" in r["special_routes"]
    assert a("If he hits her with a belt again we will refer.", child_age_years=7)["level"] < 4
    # sexual activity told as 'doing it', packages carried for older boys, a clip round the ear
    assert a("She stays over at her boyfriend's, he's in Year 11, and they've been 'doing it' most weekends.",
             child_age_years=12)["level"] == 4
    assert a("His mate is being made by older boys to take packages to a town on the coast on the train.",
             child_age_years=13)["level"] == 4
    assert a("Dad lost his temper and gave the 9 yr old a clip round the ear, small cut behind the ear.",
             child_age_years=9)["level"] == 4


def test_phrasings_from_sets_141_to_146():
    a = lambda text, **kw: assess({"text": text, **kw})
    # hitting with an implement, told by the child; shutting a child in a dark room
    assert a("She told her dad her childminder 'smacks me with the wooden spoon when I have an accident'.",
             child_age_years=6)["level"] == 4
    r = a("Evie goes to a registered childminder in the afternoons. Today she told me 'Auntie Jo shuts me in the "
          "dark bathroom if I wet myself'.", child_age_years=4)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    # a home used for drugs, told through what was seen
    assert a("There were three or four adults in the front room smoking heroin off foil, with needles on the "
             "windowsill.", child_age_years=0.9)["level"] == 4
    assert a("The house is full of people coming and going to use heroin and crack.", child_age_years=15)["level"] == 4
    # sexual abuse told indirectly
    assert a("Isla told me her uncle 'does things under the covers' when he stays over.", child_age_years=11)["level"] == 4
    # domestic servitude and private fostering for a girl from abroad
    r = a("She came from abroad last year with a woman she calls 'auntie', who isn't actually related to her. "
          "Neighbours see her cleaning and looking after the woman's toddler all day.", child_age_years=11)
    assert r["level"] == 4 and "private_fostering" in r["special_routes"]
    # failure to thrive, a young child alone at night, sextortion, a debt cleared with parcels
    assert a("He has dropped from the 50th centile to below the 0.4th over nine months. When he was admitted he "
             "gained weight quickly, then lost it again within a fortnight of going home.",
             child_age_years=1.5)["level"] == 4
    assert a("The little girl next door is 'always on her own at night' and comes round asking for food because "
             "there's none at hers.", child_age_years=5)["level"] == 4
    assert a("He sent pictures of himself to someone; now they're demanding £500 or they'll send them to "
             "everyone.", child_age_years=15)["level"] == 4
    assert a("He owes a guy £200 and could clear it by dropping off a few parcels in another town.",
             child_age_years=15)["level"] == 4
    # a suicide plan, misspelt
    assert a("shes writen a note and is planing to hang herself this weekend", child_age_years=14)["level"] == 4
    # the LADO for a class teacher outside school; not for the caller introducing herself
    r = a("He said the teacher at the evening Quran class hits the children with a stick.", child_age_years=10)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    r = a("I'm the leader at an after-school club. He told me his stepdad holds him down and puts his hand over "
          "his mouth.", child_age_years=8)
    assert r["level"] == 4 and "lado" not in r["special_routes"]


def test_phrasings_from_sets_147_to_152():
    a = lambda text, **kw: assess({"text": text, **kw})
    # FGM told as women who 'cut' her, or 'cut like the other girls'
    r = a("She told me that on the family trip abroad some women 'cut' her down there while her aunties held her.",
          child_age_years=12)
    assert r["level"] == 4 and "police_fgm" in r["special_routes"]
    r = a("Mum said her 8-year-old was 'cut like the other girls' while they were there.", child_age_years=8)
    assert r["level"] == 4 and "police_fgm" in r["special_routes"]
    # a coach's hand inside a leotard, and the LADO for the coach of an after-school club
    r = a("She told her teacher that the coach at the after-school gymnastics club puts his hand inside her "
          "leotard.", child_age_years=10)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    # county lines in the young person's own words
    assert a("He told me 'I was OT in Margate, running a line, and my elder says I owe him for the pack that got "
             "robbed'.", child_age_years=15)["level"] == 4
    assert "criminal_exploitation" not in ids("He ran the line at the football match on Saturday.")
    # a belt buckle on a child's bottom
    assert a("She said 'Daddy whacked my bum with the belt buckle and it's all purple'.", child_age_years=7)["level"] == 4
    # Prevent for a group that 'deserve to be wiped out' and a girl groomed to join a group abroad
    assert "prevent" in a("He told younger kids a certain religious group 'deserve to be wiped out' and that he's "
                          "going to join 'the movement'.", child_age_years=14)["special_routes"]
    assert "prevent" in a("He told her to come and join his group fighting over there. Her phone is full of videos "
                          "celebrating attacks.", child_age_years=16)["special_routes"]
    # the LADO for healthcare assistants seen squeezing a baby; private fostering with 'not my real aunty'
    r = a("A parent saw one of our healthcare assistants squeezing a baby's upper arm hard. This morning he has "
          "three small fingertip bruises on that arm.", child_age_years=0.05)
    assert r["level"] == 4 and "lado" in r["special_routes"]
    r = a("She's been living with 'Aunty Grace' for about three months; she says 'she's not my real aunty, she's "
          "from church'.", child_age_years=12)
    assert "private_fostering" in r["special_routes"]
    # parents telling of their own childhood: 'her own childhood', 'his own father ... as a kid', 'quite openly'
    assert a("Mum told me she spent most of her own childhood in foster care after her stepfather beat her. Baby "
             "is crawling, all jabs done.", child_age_years=0.75)["level"] == 1
    assert a("Dad told me he was terrified of dentists himself because his own father used to beat him as a kid.",
             child_age_years=6)["level"] < 4
    assert a("Mum told me, quite openly, that she was sexually abused by an uncle when she was about ten. He is "
             "tracking along the 50th centile.", child_age_years=0.6)["level"] == 1
    # ...while a child's 'when she was about ten' stays the child's
    assert a("Amy told me her dad hit her when she was about ten and he still does.", child_age_years=11)["level"] == 4


def test_phrasings_from_sets_153_to_158():
    a = lambda text, **kw: assess({"text": text, **kw})
    # kicked going for the ball at football is a sports knock, not a disclosure; a kick from dad still is
    r = a("He told me straight away that he got kicked going for the ball at football club.", child_age_years=8)
    assert "disclosure_of_abuse" not in ids("He told me straight away that he got kicked going for the ball "
                                            "at football club.", child_age_years=8)
    assert r["level"] < 4
    assert a("She told me her dad kicked her in the back last night.", child_age_years=9)["level"] == 4
    # smacked in the face with the ball is not physical punishment; a smack from mum still is
    assert "physical_chastisement" not in ids("She got smacked in the face with the ball in netball, lol.",
                                              child_age_years=11)
    assert "physical_chastisement" in ids("Mum smacked her for being cheeky.", child_age_years=6)
    # a parent who grew up 'in and out of foster care' tells of her own childhood
    r = a("A mum told me she grew up in and out of foster care and that her stepfather used to beat her when "
          "she was small. Her boy is two and doing well.", child_age_years=2)
    assert "disclosure_of_abuse" not in {i["id"] for i in r["indicators"]} and r["level"] < 4
    # a door punched in a named room is still a door
    assert "physical_abuse" not in ids("Dad got drunk and punched the kitchen door in.", child_age_years=10)
    assert "physical_abuse" in ids("Dad got drunk and punched him in the face.", child_age_years=10)
    # wanting to 'do it properly' (be a good parent) is not a suicide plan; 'next time' it is
    assert "suicidal_plan" not in ids("She wants support and wants to 'do it properly'.", unborn=True)
    assert "suicidal_plan" in ids("She said next time she will do it properly.", child_age_years=15)


def test_phrasings_from_sets_159_to_164():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a parent telling of her own childhood: 'age 8-12', and 'got emotional at a coffee morning and told me'
    assert a("Mum disclosed she was sexually abused by her stepfather age 8-12, he died some years ago.",
             child_age_years=0.4)["level"] < 4
    assert a("A dad of one of our two year olds got quite emotional at a parents' coffee morning and told me he "
             "was beaten by his stepfather as a boy.", child_age_years=2)["level"] < 4
    assert a("She told me her stepfather beat her last night.", child_age_years=12)["level"] == 4
    # a coach who messaged mum about a tackle is not grooming; a stud in a tackle explains a bruise
    r = a("Big purple bruise on his shin; he took a stud to the leg in a tackle at the weekend and his coach "
          "messaged mum about it at the time.", child_age_years=13)
    assert r["level"] == 1 and "lado" not in r["special_routes"]
    assert "lado" in a("His football coach messaged him late at night asking for photos.",
                       child_age_years=13)["special_routes"]
    # an adult of stated age giving a child drink, drugs or a phone
    assert "child_sexual_exploitation" in ids("She goes to parties at the flat of a mate whos 29, he gives her "
                                              "vodka and weed for free and got her a new iPhone.", child_age_years=16)
    # 'adult male remanded' in a custody log is the father, not an exploiter
    assert "child_sexual_exploitation" not in ids("Adult male remanded at court today for burglary offences; "
                                                  "his 7-year-old saw the arrest.", child_age_years=7)
    assert "child_sexual_exploitation" in ids("She has been seen getting into cars with an older man.",
                                              child_age_years=14)
    # an STI screen offered is not an infection; a door punched is not a person
    assert "sexually_transmitted_infection" not in ids("STI screen offered, accepted.", child_age_years=16)
    assert "sexually_transmitted_infection" in ids("She has an STI.", child_age_years=15)
    assert "physical_abuse" not in ids("Her partner shouts, throws things and has punched a door.", child_age_years=6)
    # a question about what age a child can be left at home
    assert "child_left_alone" not in ids("A parent asked me what age a kid can be left home alone after school.",
                                         child_age_years=10)
    assert "child_left_alone" in ids("He was left home alone all weekend.", child_age_years=7)
    # private fostering 'joined 2 month ago'
    assert "private_fostering" in a("New boy joined 2 month ago, he is living with his mums friend and her "
                                    "husband, they not family.", child_age_years=14)["special_routes"]


def test_phrasings_from_sets_165_to_170():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a supposition opening its sentence, or 'hypothetically' after the mention
    assert a("Say one of my lads, 15, came in and said his stepdad had battered him, what would I do?",
             child_age_years=15)["level"] < 4
    assert a("He said his stepdad had battered him - hypothetically - what would I do?", child_age_years=15)["level"] < 4
    assert a("They say his stepdad battered him last night.", child_age_years=15)["level"] == 4
    assert a("He told me his stepdad battered him last night and he is scared.", child_age_years=15)["level"] == 4
    # a parent telling of their own childhood: 'opened up about his own childhood', 'that when he was a boy',
    # 'her own father ... when she was a little girl'
    assert a("Dad opened up about his own childhood - said his old man used to leather him with a belt.",
             child_age_years=16)["level"] < 4
    r = a("The father of an 8 year old girl got emotional and told the teacher, through me, that when he was a boy "
          "the teachers beat pupils with sticks and his own father hit him with a belt.", child_age_years=8)
    assert not {i["id"] for i in r["indicators"]} & {"physical_abuse", "disclosure_of_abuse",
                                                     "allegation_against_professional"}
    assert "lado" not in r["special_routes"]
    assert a("A mum at rhyme time told me her own father beat her regularly when she was a little girl.",
             child_age_years=3)["level"] < 4
    # ... while a child telling of her own father, or of her own past, is still a disclosure
    assert a("Ella told me her own father beat her when she was a little girl.", child_age_years=14)["level"] == 4
    r = a("A 14-year-old, whose mum is fleeing her husband, told me that when she was 7 she was taken abroad and "
          "was 'cut down there'.", child_age_years=14)
    assert r["level"] == 4 and "police_fgm" in r["special_routes"]
    # grief 'properly hitting her' is not a blow; grounding and taking her phone is a sanction
    assert "physical_abuse" not in ids("Her nan, who raised her alongside mum, died in March and it's properly "
                                       "hitting her now.", child_age_years=14)
    assert "domestic_abuse" not in ids("Her mum grounded her for a week and took her phone after she rocked up "
                                       "home at 11pm.", child_age_years=14)
    assert "domestic_abuse" in ids("He took her phone so she could not call anyone.", child_age_years=9)
    # a young carer collecting mum's medication for her is not stockpiling
    assert "suicidal_plan" not in ids("He regularly collects his mum's medication for her MS.", child_age_years=14)
    assert "suicidal_plan" in ids("She has been collecting her mum's tablets in a box under her bed.",
                                  child_age_years=15)


def test_phrasings_from_sets_171_to_176():
    a = lambda text, **kw: assess({"text": text, **kw})
    # an age said just before what happened, older than the child: someone else's past
    assert a("He said that when he was about 14 a man he met in a chatroom groomed him.", child_age_years=9)["level"] < 4
    assert a("She said that when she was 12 a man she met online groomed her.", child_age_years=14)["level"] == 4
    # 'when she was about nine', after the mention, for a child of six
    assert a("Mum told me, quite tearfully, that she was sexually abused by her stepfather when she was about nine.",
             child_age_years=6)["level"] < 4
    # but months of a pregnancy are not an age
    r = a("Mum told me her partner kicked her in the stomach when she was 7 months pregnant.", child_age_years=3)
    assert r["level"] >= 3 and "domestic_abuse" in {i["id"] for i in r["indicators"]}
    # a member of staff doing a disabled child's personal care is not a young carer
    assert "caring_harms_child" not in ids("I do her personal care most days.", child_age_years=11)
    assert "caring_harms_child" in ids("She does her mum's personal care every morning before school.",
                                       child_age_years=12)


def test_phrasings_from_sets_177_to_182():
    a = lambda text, **kw: assess({"text": text, **kw})
    # neglect unchanged after rounds of early help
    assert "severe_neglect" in ids("There have been two rounds of early help and a parenting course and nothing "
                                   "has changed.", child_age_years=5)
    assert "severe_neglect" in ids("The house smells of dog mess and often there's no food.", child_age_years=2)
    # parents telling of their own childhood: 'when she herself was a child', told to a named worker,
    # and after staying behind
    r = a("A Reception parent told our family support worker that she was sexually abused by a relative when "
          "she herself was a child.", child_age_years=4)
    assert r["level"] < 4 and "lado" not in r["special_routes"]
    assert a("A mum of one of our under-16s stayed behind after training and told me she was hit a lot by her "
             "stepfather as a kid.", child_age_years=15)["level"] < 4
    # a member of staff as the listener is not the person alleged to have harmed
    assert "lado" in a("She told me her support worker hit her.", child_age_years=12)["special_routes"]
    # a young carer collecting mum's medication is not stockpiling; hiding it is
    assert "suicidal_plan" not in ids("A 13 year old comes in most weeks to collect her mum's MS medication.",
                                      child_age_years=13)
    assert "suicidal_plan" in ids("She has been collecting her mum's tablets and hiding them in her room.",
                                  child_age_years=15)


def test_phrasings_from_sets_183_to_188():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a MARAC coordinator's own role is not a MARAC case; a family heard at MARAC is
    assert "serious_domestic_abuse" not in ids("I coordinate our MARAC and a mum rang to ask about holiday clubs.",
                                               child_age_years=8)
    assert "serious_domestic_abuse" not in ids("Hello, MARAC coordinator here, a quick question about clubs.",
                                               child_age_years=8)
    assert "serious_domestic_abuse" in ids("Mum's case is going to MARAC next week.", child_age_years=8)
    # a supposition about 'a ten year old'
    assert a("It's a what-if. Say a ten year old came up at lunch and said somebody at home might be hurting "
             "them, what should a supervisor do?", child_age_years=10)["level"] < 4
    assert a("Supposing a ten-year-old told one of our volunteers that a grown-up at home was hurting them, "
             "what would we do?", child_age_years=10)["level"] < 4
    # the caller's own role is not an allegation
    assert "lado" not in a("hi im a dinner lady, a yr 2 girl told me her mum shouts at her.",
                           child_age_years=6)["special_routes"]
    assert "lado" in a("A girl told me the dinner lady grabbed her arm and shouted in her face.",
                       child_age_years=6)["special_routes"]


def test_phrasings_from_sets_189_to_194():
    a = lambda text, **kw: assess({"text": text, **kw})
    # a father taking his child abroad to live with fighters
    r = a("He told our deputy he is taking his son abroad within the month to live with the fighters.",
          child_age_years=2)
    assert r["level"] == 4 and "travel_to_join_conflict" in {i["id"] for i in r["indicators"]}
    # the LADO for staff who give children drink or drugs, swear at them, cuff them, give them lifts,
    # or lock them in
    for text in ["One of our youth workers bought him vodka 'to help him relax'.",
                 "Our under-15s coach was seen to cuff a 14 year old round the back of the head.",
                 "One of our sessional tutors has been buying cigarettes for a 13 year old and giving him lifts "
                 "in his own car.",
                 "One of our scout leaders let a group of 12 year olds drink cans of cider round the fire.",
                 "The escort is swearing at him and telling him to shut up."]:
        assert "lado" in a(text, child_age_years=13)["special_routes"], text
    # a driver who locks the doors to keep children safe is not an allegation
    assert "lado" not in a("The driver has locked the doors and a man with a knife is outside shouting.",
                           child_age_years=10)["special_routes"]


def test_phrasings_from_sets_201_to_206():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # a mother telling of her own childhood in care, with the child's name and age between
    for text in ["Mum of one of my minded children, Isla, 2, told me today in tears that she grew up in care herself "
                 "and got hurt by a foster carer when she was little.",
                 "Halfway through she told me she'd grown up in care, that her stepdad had hurt her badly when she "
                 "was little."]:
        r = a(text, child_age_years=2)
        assert "disclosure_of_abuse" not in ids(r) and r["level"] < 4, text
    # ...while a child telling of being hurt stays a disclosure
    assert a("Isla, 9, told me today in tears that her stepdad hurt her.", child_age_years=9)["level"] == 4
    # 'hitting her milestones' is development, not being hit
    assert "physical_abuse" not in ids(a("Mum is lovely, Isla is always clean, happy, hitting all her milestones.",
                                         child_age_years=2))
    assert "physical_abuse" in ids(a("Mum's boyfriend is hitting her with a belt.", child_age_years=8))
    # child protection plans (plural) of years ago, and the reason after a bare "because", are history
    r = a("The two older boys were on child protection plans about six years ago because their dad was drinking "
          "heavily.", child_age_years=10)
    assert {"parental_substance_misuse", "parental_alcohol_low"}.isdisjoint(ids(r))
    # a duty to look out for bruising is not a bruise seen
    assert "injury_non_mobile_baby" not in ids(a("The hygienist said we're supposed to look out for bruising on babies.",
                                                 child_age_years=0.4))
    assert "injury_non_mobile_baby" in ids(a("I noticed bruising on the baby's cheek.", child_age_years=0.4))
    # over and done with
    r = a("Two years ago she self-harmed and was seen by CAMHS, but that's all finished.", child_age_years=15)
    assert "self_harm" not in ids(r)
    assert "self_harm" in ids(a("She is self-harming again and it's all over her arms.", child_age_years=15))
    # a parent's own low mood, told by the parent, is not the child's ("mum says he's been low" is)
    assert "low_mood" not in ids(a("Mum says she's been really low lately.", child_age_years=10))
    assert "low_mood" not in ids(a("Dad's been really low since the redundancy.", child_age_years=10))
    r = a("Mum says he's been really low since the move.", child_age_years=10)
    assert "low_mood" in ids(r) and "parental_mental_health" not in ids(r)
    # a witnessed knock on the shin, written in the accident book, is ordinary childhood
    r = a("She came down the slide too fast and knocked her shin on the frame; we wrote it in the accident book. "
          "A bruise has come up.", child_age_years=4)
    assert r["level"] == 1
    # a 13-year-old making his own tea is not a young child left alone; a 7-year-old is
    assert "child_left_alone" not in ids(a("He makes his own tea most evenings.", child_age_years=13))
    assert "child_left_alone" in ids(a("He makes his own tea most evenings.", child_age_years=7))
    # a first police 'domestic' found to be a verbal row only reads as parental conflict, reviewed...
    first = ("Domestic incident last night. Verbal only, no violence, no threats, never been a call to the address "
             "before. DASH all no.")
    r = a(first, child_age_years=6)
    assert r["level"] == 2 and r["needs_human_review"]
    # ...but not a repeat, nor one with violence
    assert a(first.replace("never been a call to the address before", "third call-out this year"),
             child_age_years=6)["level"] >= 3
    assert a(first + " He pushed her into the door.", child_age_years=6)["level"] >= 3
    # slanging matches at handovers are parental conflict
    assert "parental_conflict" in ids(a("Handovers have turned into slanging matches on the doorstep.", child_age_years=2))
    # a parent who struggled with an earlier child, whose other parent took over his care
    assert "previous_child_removed" in ids(a(
        "She struggled to look after him when he was a toddler and the dad took over his care.", unborn=True))
    # a misspelt STI in a 12-year-old; an older 'mate' picking her up
    r = a("Swabs came back positive for chlamidya.", child_age_years=12)
    assert r["level"] == 4 and "sexually_transmitted_infection" in ids(r)
    assert "child_sexual_exploitation" in ids(a("There's an 'older mate' who picks her up from school in his car.",
                                                child_age_years=13))
    # FGM told as 'had her cut like the other girls', a saved stock of tablets and letters 'for after'
    r = a("While they were away her grandma had her 'cut' like the other girls in the family.", child_age_years=4)
    assert r["level"] == 4 and "police_fgm" in r["special_routes"]
    assert "cut" not in str(ids(a("Her grandma had her hair cut like the other girls.", child_age_years=4)))
    assert a("She said it's the tablets I've been saving.", child_age_years=16)["level"] == 4
    assert a("Her friend saw 'letters for after' in her bag.", child_age_years=16)["level"] == 4
    # a registered sex offender told without the words
    assert a("Her new fella has to sign in at the police station every week and isnt allowed near schools or parks.",
             child_age_years=1.5)["level"] == 4
    # a named member of staff in a child's own words goes to the LADO
    assert "lado" in a("She told her key person that 'Mr Ben in the pre-school room touches my minnie'.",
                       child_age_years=3)["special_routes"]
    # private fostering with a mother's cousin, at a boyfriend's mum's house, or with 'not really her auntie'
    for text in ["She has been living with this cousin since September, about ten weeks now.",
                 "She has been living at the boyfriend's mum's house for the last seven weeks.",
                 "Jo said I'm not really her auntie, I'm her mum's best friend from work. She has stayed with Jo "
                 "for six weeks."]:
        assert "private_fostering" in a(text, child_age_years=14)["special_routes"], text


def test_phrasings_from_sets_207_to_212():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # 'mature for his age' alone is praise; said to a child in messages it is grooming
    assert "child_sexual_exploitation" not in ids(a("Nice lad, very mature for his age, always asks after everyone.",
                                                    child_age_years=12))
    assert "child_sexual_exploitation" in ids(a("The teacher's messages keep telling her she is 'very mature for her "
                                                "age'.", child_age_years=15))
    # thrown out, and staying with her nan: not homeless
    assert "family_homelessness" not in ids(a("Her mum threw her out so shes at her nans now.", child_age_years=15))
    assert "family_homelessness" in ids(a("Her mum threw her out and she's been sofa surfing.", child_age_years=15))
    # an STI in a 16-year-old with a same-age partner and a clear risk assessment; under 13 it is always level 4
    text = ("Positive chlamydia on a routine screen. Partner is his girlfriend, also {0}; nothing came up on the risk "
            "assessment.")
    assert a(text.format(16), child_age_years=16)["level"] == 1
    assert a(text.format(12), child_age_years=12)["level"] == 4
    # a 'bruise' that was felt tip and wiped off; a knock off his little bike
    assert a("The 'bruise' was blue felt tip that came off with a wipe.", child_age_years=3)["level"] == 1
    assert a("The 'bruise' was felt tip that came off with a wipe, and there is a second bruise on his back.",
             child_age_years=3)["level"] >= 2
    assert a("He has a bruise on his shin; he came off his little bike on the yard.", child_age_years=4)["level"] == 1
    # a rule about every parent is not this parent
    r = a("My student thinks any parent with psychosis should be referred.", child_age_years=3)
    assert {"parental_mental_illness_affecting_care", "serious_mental_health"}.isdisjoint(ids(r))
    # a question about registering 'as some kind of foster carer' is not a child in care
    assert "open_child_protection_or_care" not in ids(a(
        "The uncle asked whether he needs to register with the council as some kind of foster carer.", child_age_years=11))
    # a parent's own injury
    assert "fracture" not in ids(a("We've got a mum who's been with us six weeks after a bad pelvic fracture.",
                                   child_age_years=11))
    assert "fracture" in ids(a("Mum has brought him in with a fracture to his arm.", child_age_years=2))
    assert "injury_mark" in ids(a("He came back from a weekend at dad's flat with a bruise on his cheek.",
                                  child_age_years=2))
    # a year past, unless it goes on
    assert "bullying" not in ids(a("Last year she was bullied by two girls; that was sorted by the summer.",
                                   child_age_years=9))
    assert "bullying" in ids(a("Last year she was bullied and it has started again now.", child_age_years=9))
    # the mother of the sentence before, telling of her own childhood; a child's own telling stays a disclosure
    r = a("Mum of a Year 5 girl stayed behind and got upset. She told me she was sexually abused by her stepfather "
          "when she was a kid.", child_age_years=9)
    assert r["level"] < 4
    assert a("Mum came in with Ella today. She told me she was sexually abused by her stepdad last year.",
             child_age_years=9)["level"] == 4
    assert a("My client has talked for the first time about being sexually abused by her stepfather when she was a "
             "girl.", child_age_years=7)["level"] < 4
    # a 13-year-old's own FGM 'as a little girl' is still known FGM
    r = a("She told the school nurse she had been cut as a little girl before coming to the UK.", child_age_years=13)
    assert r["level"] == 4 and "police_fgm" in r["special_routes"]
    # private fostering: a best friend's family named, a family friend asked 'to have her' until Easter;
    # a few weeks of something else is not a short stay
    for text in ["I've been seeing her for a few weeks. She's been living with her best friend Chloe's family since "
                 "then, about six weeks now; they're not related.",
                 "Mum went abroad in August and asked a family friend from church to have her while she's away; they "
                 "are not related. Mum expects to be away until at least Easter."]:
        assert "private_fostering" in a(text, child_age_years=14)["special_routes"], text
    assert "private_fostering" not in a("She's been staying with her best friend Chloe's family for a couple of weeks; "
                                        "they're not related.", child_age_years=14)["special_routes"]


def test_phrasings_from_sets_213_to_218():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # nothing the child has said
    assert "disclosure_of_abuse" not in ids(a("No injuries, and nothing Olivia has said suggests anyone's hurting her.",
                                              child_age_years=4))
    assert "disclosure_of_abuse" in ids(a("Olivia has said that her dad is hurting her.", child_age_years=4))
    # 'hitting out' and hitting other children are the child's behaviour, not a disclosure
    assert "disclosure_of_abuse" not in ids(a("The class teacher says he's been hitting out a bit in the playground.",
                                              child_age_years=6))
    assert "disclosure_of_abuse" in ids(a("He says his stepdad has been hitting him.", child_age_years=6))
    # 'when Ruby was little', and a plan whose year follows its bracket, are history
    assert "domestic_abuse" not in ids(a("When Ruby was little there was domestic violence from her dad.",
                                         child_age_years=8))
    assert "neglect" not in ids(a("File shows CP plan (neglect) 2018 for her and older bro, NFA 2019.",
                                  child_age_years=7))
    assert "neglect" in ids(a("File shows CP plan (neglect) started this week.", child_age_years=7))
    # a parent telling of a named child's drinking is not the parent's drinking
    r = a("Mum's told me Callum, fifteen, has come home drunk from a mate's a couple of times.", child_age_years=15)
    assert "parental_substance_misuse" not in ids(r)
    assert "parental_substance_misuse" in ids(a("Mum's told me Dad has been drunk every night this week.",
                                                child_age_years=15))
    # a knife crime assembly, and a question about what the law says, are not offending
    r = a("After my knife crime assembly a boy stayed behind asking about what the law says on carrying a blade.",
          child_age_years=14)
    assert "early_offending" not in ids(r)
    assert "early_offending" in ids(a("He has been arrested for knife crime.", child_age_years=14))
    # asking whether to push for speech therapy is a question, not a delay
    assert "developmental_delay" not in ids(a("Mum asking if she should push for SALT.", child_age_years=2))


def test_phrasings_from_sets_219_to_224():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # a family given the keys to a permanent home, settling in: the temporary housing is behind them
    r = a("They were in temporary accommodation for a year. They got the keys to a permanent three-bed house last "
          "month and I did the settling-in visit yesterday.", child_age_years=9)
    assert r["level"] == 1
    # a temporary accommodation scheme is a service, not a family's housing
    assert "poor_housing" not in ids(a("We're setting up a new temporary accommodation scheme.", child_age_years=9))
    # a mother's own care history at booking
    r = a("She told me she was taken into care as a teenager because her stepfather abused her.", unborn=True)
    assert "disclosure_of_abuse" not in ids(r) and r["level"] < 4
    # 'back in Year 8' is history
    assert "self_harm" not in ids(a("Back in Year 8 she was self-harming and was under CAMHS for a year.",
                                    child_age_years=16))
    # a fall in the car park last week is not a drunk parent getting into the car now
    r = a("Dad has picked him up smelling of drink and slurring; last week he was so unsteady he fell over in the car "
          "park.", child_age_years=8)
    assert r["recommendation"] != "emergency_999"
    r = a("Dad is drunk and slurring and is putting him in the car now.", child_age_years=8)
    assert r["recommendation"] == "emergency_999"
    # a stay dated by 'It's now November'
    assert "private_fostering" in a(
        "Her parents moved abroad at the end of August and she's living with her best friend's family, no relation. "
        "It's now November.", child_age_years=15)["special_routes"]


def test_phrasings_from_sets_225_to_230():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # a child no professional can find or has seen
    for text in ["I can't find an eighteen-month-old on my caseload.", "Nobody's seen her for over three months.",
                 "I've tried four home visits at the addresses given, nobody there."]:
        assert a(text, child_age_years=1.5)["level"] == 4, text
    # the LADO for a carer at a respite unit
    assert "lado" in a("She came to school on Monday from her weekend at the respite unit and when we changed her I "
                       "found fingertip-shaped bruises on both upper arms.", child_age_years=6)["special_routes"]
    # kicked playing football, told by the child, is an explained knock
    r = a("He has a bruise on his shin. He told me straight away he got kicked playing football at the rec.",
          child_age_years=8)
    assert r["level"] == 1 and "disclosure_of_abuse" not in ids(r)
    assert "disclosure_of_abuse" in ids(a("He told me his stepdad kicked him.", child_age_years=8))
    # a family placed in a hotel room is housing, not exploitation; a hotel key card in a girl's bag is a sign
    assert "child_sexual_exploitation" not in ids(a("The family are placed together in a hotel room with damp.",
                                                    child_age_years=4))
    assert "child_sexual_exploitation" in ids(a("Her mum found a hotel key card in her school bag.", child_age_years=14))
    # a mother trafficked when she was fifteen, telling of it now
    r = a("Mum told me in confidence at the school gate that when she was fifteen she was brought to this country and "
          "trafficked.", child_age_years=6)
    assert "trafficking" not in ids(r)
    # 'the domestic abuse worker' is a role, not a disclosure
    assert "disclosure_of_abuse" not in ids(a("No hitting, she says, and the domestic abuse worker did a risk assessment.",
                                              child_age_years=3))


def test_phrasings_from_sets_231_to_236():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # a volunteer driver drunk at the wheel with children aboard: 999 and the LADO
    r = a("Our volunteer driver for the under-11s stinks of drink and is slurring, he's in the driver's seat of the club "
          "minibus with the engine running and the kids buckled in.", child_age_years=10)
    assert r["recommendation"] == "emergency_999" and "lado" in r["special_routes"]
    # mothers telling of their own childhood: an aside in brackets, 'an uncle', 'about her own childhood: ...'
    for text in ["Mum of one of our college learners (16, doing hair and beauty) got quite tearful at parents' evening "
                 "and told me she was abused by her stepfather when she was little.",
                 "At the review mum told me, quite tearfully, that an uncle sexually abused her when she was little.",
                 "Mum ended up in tears telling me about her own childhood: she was in foster care from about eight, "
                 "her stepdad used to hit her."]:
        r = a(text, child_age_years=3)
        assert {"disclosure_of_abuse", "sexual_abuse", "physical_abuse"}.isdisjoint(ids(r)) and r["level"] < 4, text
    # a supposition that runs on ('Imagine a 17-year-old tells their tutor ... an older guy')
    r = a("Imagine a 17-year-old tells their tutor they've been asked to carry packages for an older guy: what would "
          "the tutor need to do?", child_age_years=17)
    assert {"child_sexual_exploitation", "criminal_exploitation"}.isdisjoint(ids(r))
    # a mother drinking since lunchtime
    assert "parental_substance_misuse" in ids(a("Called to a mum who'd fallen in the kitchen - she told us she'd been "
                                                "drinking since lunchtime.", child_age_years=10))


def test_phrasings_from_sets_237_to_242():
    a = lambda text, **kw: assess({"text": text, **kw})
    ids = lambda r: {i["id"] for i in r["indicators"]}
    # abuse before the age a mother came into care, older than the child is now, is the mother's past
    r = a("My young person is 20. She came into care at 11 after her stepdad sexually abused her. She's now got a "
          "little girl of 3.", child_age_years=3)
    assert "sexual_abuse" not in ids(r) and r["level"] < 4
    assert "sexual_abuse" in ids(a("She came into care at 11 after her stepdad sexually abused her.",
                                   child_age_years=13))
    # 'no words she shouldn't know' is not a child without words
    assert "serious_developmental_delay" not in ids(a("No odd play, no words she shouldn't know, no touching.",
                                                      child_age_years=5))
    assert "serious_developmental_delay" in ids(a("He is three and has no words at all.", child_age_years=3))
    # a denial does not reach over ', and that he'd ...'
    assert "risky_online_behaviour" in ids(a(
        "He has loads of 'friends' on a gaming site who he's never met, and that he'd told one of them which school "
        "he goes to.", child_age_years=10))
