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
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import ahocorasick
import spacy
import numpy as np
from spacy.attrs import IDX, IS_PUNCT, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from .rulebook import _FREQUENT, Rulebook, _rarity, first_letters, starts_at_boundary
from .spelling import Edits, speller

# Cues: kept short and explicit, so each decision can be explained.
NEGATION = re.compile(
    r"\b(no|not|never|without|denies|denied|deny|nor|none|neither|n't|no sign(s)? of|"
    r"no evidence of|ruled out|free of|nothing to suggest|"
    # typed without the apostrophe
    r"didnt|doesnt|dont|isnt|wasnt|hasnt|havent|hadnt|wont|cant|couldnt|wouldnt|arent|werent)\b|"
    r"n't\b", re.IGNORECASE)
PSEUDO_NEGATION = re.compile(
    r"\b((don'?t|dont|do not|not to|didn'?t want to|not supposed to|never to) tell|"  # "don't tell dad but he hits me"
    r"not only|no doubt|didn'?t mean to|without (telling|asking|saying|letting|permission|consent|notice)|"
    # "no bed for Archie and dog mess on the floor": a lack that is itself the concern
    r"no (bed|beds|cot|food|heating|electricity|gas|hot water|nappies|clean clothes|bedding|sheets|"
    r"curtains|furniture) (for|in|at|and)|not sure (if|whether|why)|no longer|not just|"
    r"can'?t (explain|say)|won'?t (explain|say)|would(n'?t| not) (explain|say)|"
    r"could(n'?t| not) (explain|say)|did(n'?t| not) (explain|say))\b", re.IGNORECASE)
HYPOTHETICAL = re.compile(
    r"\b(if|what if|in case|hypothetical(ly)?|supposing|suppose|would you|should (he|she|they) ever|"
    r"in the event|(can|could|may|might) be (a |an )?(sign|signs|indicator|indicators|symptom|symptoms|red flag) of|"
    # a practice instruction: "our practice asks us to think about neglect when we see decay"
    r"(asks?|asked|tells?|told|trained|expects?) (us|staff|me) to (think about|consider|look out for|check for|ask about))\b",
    re.IGNORECASE)
# "asked if he was cold", "not sure whether": a question, not a hypothetical
PSEUDO_HYPOTHETICAL = re.compile(
    r"\b(ask(ed|ing|s)?|wonder(ed|ing|s)?|check(ed|ing|s)?|see|saw|know|knew|sure|unsure|find out|"
    r"found out|tell|told|said|says) (\w+ )?(if|whether)\b|"
    # "the main thing I suppose - he's still in the same clothes": a hedge, not a supposition
    r"\bi (suppose|guess)\b", re.IGNORECASE)
# "if I look away he hits me with his belt": a child's "if I ..." before what someone does,
# told in the present, is what happens each time, not a supposition
HABITUAL_IF_BEFORE = re.compile(r"\b(if|when|whenever) (I|we|me and \w+) [^.?!,;]{0,30}?,?\s*$", re.IGNORECASE)
HABITUAL_AFTER = re.compile(
    r"(he|she|they|dad|daddy|mum|mummy|mam|mammy|step-?dad|step-?mum|[A-Z][a-z]+) (always |just |usually |sometimes )?"
    r"(hits|smacks|beats|belts|whips|kicks|punches|slaps|hurts|locks|grabs|pinches|burns|touches|chokes|strangles)\b")
# Inside a match only a clear conditional counts ("said if he ever hit her"), not any "if".
HYPOTHETICAL_INSIDE = re.compile(r"\b(if|what if|supposing)\s+\w+\s+(ever|were to|was to|would)\b",
                                 re.IGNORECASE)
# "Is this a neglect thing?", "Does this count as private fostering?": the caller asks
# whether a name fits; the question names no fact (what was described is read by itself)
NAME_QUESTION_BEFORE = re.compile(
    r"\b(is|was|could|would|might|does|do|should|will) (this|that|it)( really| still| actually| now)? "
    r"(be |count as |counts as |amount to |sound like |be classed as |be seen as |be considered |meet )?"
    r"(an? )?((form|kind|case|sort|type) of )?$", re.IGNORECASE)
NAME_ASKED_BEFORE = re.compile(
    r"\b(ask(ed|ing|s)?|wonder(ed|ing|s)?|wants? to know|wanted to know|not sure)( me| us)?[^.?!;]{0,20}?\b(if|whether) "
    r"(this|that|it|these) (counts?|would count|could be|would be|is|was|might be|are)( as)?( an?)?\s+$", re.IGNORECASE)
NAME_QUESTION_AFTER = re.compile(
    r"\s*(thing|issue|matter|concern|case|situation|referral|worry|threshold|level)?\s*"
    r"(then|too|here|now|really)?\s*\?", re.IGNORECASE)
# A parent as the subject just before the mention: what follows is the parent's state
PARENT_STATE_BEFORE = re.compile(
    r"\b(mum|mom|mummy|mam|dad|daddy|mother|father|parents|both parents|the parents)(\s+|'s\s+)"
    r"((is|are|was|were|seems|seemed|looks|looked|sounds|sounded|feels|felt|gets|got|became|has been|have been)\s+)?"
    r"((a bit|a little|very|quite|really|so|understandably|clearly|also|just|more|often|naturally|herself|himself)\s+)*$",
    re.IGNORECASE)
# ...or the mention starts with the verb ("mum [is exhausted]")
_SAYS = r"\s+(says|said|tells (me|us)|told (me|us)|admits|admitted|reports|reported)( that)? "
# "mum says she's [been really low]": the parent telling of herself ("mum says he's been
# low" is the child's)
PARENT_JUST_BEFORE = re.compile(rf"\b((mum|mom|mummy|mam|mother)('s|{_SAYS}she('s|'d| has| had)?)?|"
                                rf"(dad|daddy|father)('s|{_SAYS}he('s|'d| has| had)?)?|"
                                rf"(parents|both parents|the parents)({_SAYS}they('re|'ve| have| had)?)?)\s+$",
                                re.IGNORECASE)
# a parent's own state, in the words the child-state indicators use
_STATES = (r"(anxious|anxiety|tearful|teary|low|upset|worried|stressed|depressed|crying|in tears|"
           r"exhausted|tired|withdrawn|quiet|panicky|overwhelmed|scared|frightened)\b")
STATE_WORDS = re.compile(_STATES, re.IGNORECASE)
STATE_AFTER_VERB = re.compile(r"(is|are|was|were|seems|seemed|looks|looked|feels|felt|been|has been|had been)\s+((a bit|a little|very|quite|really|so)\s+)*"
                              + _STATES, re.IGNORECASE)
# "Explored suicidal thoughts: none", "self-harm - denied": a denial just after the mention;
# "(we mostly do domestic abuse but this isn't that)": the caller sets the topic aside
POST_NEGATION = re.compile(r"\s*[:\-\u2013]\s*(none|nil|no|denied|denies|negative|not present)\b|"
                           r"[^.?!;]{0,12}?\bbut (this|it|that) (isn'?t|is not|'s not|wasn'?t|was not) (that|one of those|about that)\b",
                           re.IGNORECASE)
# "Routine enquiry about domestic abuse asked when seen alone - denies any": a question
# asked about a need, answered with a denial later in the same sentence
ENQUIRY_BEFORE = re.compile(r"\b((routine|routinely|screening|selective) (enquiry|enquiries|inquiry|asked|screened)\s+|"
                            r"(asked|enquired|screened|checked) (her |him |them |mum |dad )?"
                            r"(routinely |directly |alone |on her own |on his own )?)"
                            r"(about|re|regarding|for)\s+(\w+\s+)?$", re.IGNORECASE)
# "nothing on routine enquiry about domestic abuse": the denial said first
DENIAL_BEFORE_ENQUIRY = re.compile(
    r"\b(nothing|no concerns?|none|negative|nil|no disclosures?|nothing disclosed)\s+(raised\s+|found\s+|came up\s+)?"
    r"(on|from|at|to|in|after|with)\s+(the\s+|a\s+)?((routine|screening|selective|direct)\s+)?"
    r"(enquiry|enquiries|inquiry|questions?|questioning|screening|asking)\s+(about|re|regarding|for|into)\s+(\w+\s+)?$",
    re.IGNORECASE)
DENIAL_AFTER = re.compile(r"[^.?!;]{0,50}?(?:\s[-:\u2013]\s*|,\s*|\s(?:and|but)\s+(?:she|he|they|mum|dad)\s+|"
                          r"\s+(?:was|were|is|came back|all)?\s*(?=negative|nil\b|none\b)|\s+)"
                          r"(denies|denied|said no|says no|answered no|nothing disclosed|none disclosed|"
                          r"no concerns|negative|nil|none)\b", re.IGNORECASE)
# the question asked inside a long match ("no substance use disclosed and routine enquiry
# about domestic abuse was negative")
ENQUIRY_INSIDE = re.compile(r"\b(routine|routinely|screening|selective) (enquiry|enquiries|inquiry|asked|screened)\s+"
                            r"(about|re|regarding|for)\b", re.IGNORECASE)
# "in 2017": a year before this one is history ("this year" is not)
def _years_before(this_year: int, since: int = 1990) -> str:
    """A compact regex for the years from `since` to last year ("199\\d|20[01]\\d|202[0-5]"):
    an alternation of thirty-odd years is tried one by one wherever "in " occurs."""
    out, y = [], since
    while y < this_year:
        decade_end = y - y % 10 + 9
        last = min(decade_end, this_year - 1)
        stem = str(y)[:3]
        if y % 10 == 0 and last == decade_end:
            out.append(stem + r"\d")
        elif y == last:
            out.append(str(y))
        else:
            out.append(f"{stem}[{y % 10}-{last % 10}]")
        y = last + 1
    return "|".join(out)


_PAST_YEARS = _years_before(date.today().year)
HISTORICAL = re.compile(
    r"\b(years ago|years back|long ago|in the past|previously|historic(al|ally)?|used to|a long time ago|at first|initially|"
    r"when (he|she|they|(?-i:[A-Z])[\w'-]+) (was|were) (a baby|younger|little|small|a toddler)|(was|were) closed|"
    r"closed (in|last)|closed \d{4}|(ended|finished|stopped) (in|last)|no longer|in (YEARS)|"
    # "... self-harm and was seen by CAMHS, but that's all finished"
    r"(that'?s|that is|it'?s|it is|which is) (all finished|all over and done( with)?|(all )?(finished|over) now|"
    r"all over(?=\s*([.,;:!?)]|$))|(all )?behind (her|him|them))\b|"
    # "has just moved out of a temporary B&B", "after a few months in temporary accommodation"
    r"moved (out of|on from|from)|after (a few|several|some|\d+|two|three|four|five|six) (weeks|months|years) (in|at)|"
    r"(last|the previous) (spring|summer|autumn|winter)|back then|"
    # "Back in Year 8 she was [self-harming]"
    r"back in (year|yr|y) ?\d{1,2}|back in (reception|nursery|primary( school)?|infants|juniors)|"
    # "he's completed his referral order": an order or plan already served
    r"(completed|finished|served|closing|closed) (his|her|their|[A-Z][\w'-]+'s)( (\d+|two|three|six|nine|twelve)[- ]month)?$)".replace(
        "YEARS", _PAST_YEARS), re.IGNORECASE)
# "CP plan (neglect) 2018": a past year just after the bracket the mention closes
YEAR_AFTER_BRACKET = re.compile(r"\)\s*(in |from |until |till )?(YEARS)\b".replace("YEARS", _PAST_YEARS))
# "Last year she was [bullied] by two girls": a sentence that opens in a past year
LAST_YEAR_OPENING = re.compile(r"\s*(last|the previous|the year before last) (year|school year|academic year)\b",
                               re.IGNORECASE)
STILL_NOW = re.compile(r"\b(since|ever since|until now|still|again|now|this (year|term)|ongoing|continu\w*|carr(y|ies|ied) on)\b",
                       re.IGNORECASE)
# A past plan makes what it was for history ("was on a CP plan in 2019 for neglect").
PAST_PLAN = re.compile(r"\b(was|were) (on|subject to) (a |an )?(child protection|CP|child in need|CIN) "
                       r"plans?\b", re.IGNORECASE)
# ...also when the reason follows a "because" ("was on a CP plan about five years ago
# because of domestic abuse"), which ends the look-back of the other cues
PAST_PLAN_REASON = re.compile(
    r"\b(was|were|been) (on|subject to) (a |an )?(child protection|CP|child in need|CIN) plans?\b"
    r"[^.?!;]{0,60}\b(because( of)?|due to|owing to|for|over|about|after|around)( the| his| her| their| some| a| an)?\s*$",
    re.IGNORECASE)
# About someone else: a parent's own childhood, said before the mention ("mum's own
# childhood") or just after it ("was neglected as a child"), not anywhere in the sentence.
OTHER_PERSON_BEFORE = re.compile(
    r"\b((mum|mom|dad|mother|father|parent|grandmother|grandfather|nan)('?s)? (own )?"
    r"(childhood|past|history)|when (mum|dad|mother|father) was (a child|young|growing up|"
    r"a teenager|little)|"
    # "mum told me she grew up in care after her stepdad abused her"
    r"(she|he|mum|mom|dad|mother|father) (\w+ )?(grew up|was brought up|was raised)\b)\b", re.IGNORECASE)
OTHER_PERSON_AFTER = re.compile(
    r"^[^.?!;]{0,20}?\b(as (a child|children|a teenager|a young (girl|boy|person))|"
    r"when (she|he|mum|dad) was (a child|young|growing up|a teenager|little)|"
    r"in (her|his) (own )?childhood|"
    # "she was cut as a girl herself", "on a CP plan herself when she was little": the
    # adult caller's subject contrasting herself with the child
    r"(herself|himself),? (when (she|he) was|as an? )|as an? (small |little |young )?(girl|boy|child|kid|teenager) "
    r"(herself|himself))\b", re.IGNORECASE)
# A parent as the one telling, just before the mention ("Mum told me she was ...", "Dad
# (34) said he", "Mum Amal told me at booking that she"), and a cue that the telling is
# about the parent's own childhood. Only a time or place may come between the telling and
# the mention, not another person ("Mum told me Ella said ..." is Ella's disclosure).
_TELLING = (r"(told|tells|said|says|disclosed|shared|explained|mentioned|(talked|spoken|spoke|opened up)"
            r"( for the first time| openly| today| in (therapy|session|counselling))? about)( to)?( me| us)?")
PARENT_TELLING = re.compile(
    rf"\b(mum|mom|mother|dad|father|parent|client|patient|(?-i:Mrs|Ms|Mr|Miss|Mx)\.?(?= [A-Z]))( [A-Z][\w'-]+)?\s*(\(\d+\)\s*)?"
    rf"(,? \d{{2}},?)?(?:(?: (?:got|was|became|seemed|went|gets|is) (?:a bit |a little |really |very |quite |so )?(?:upset|teary|tearful|emotional|distressed|quiet|low) and)?)?\s*((has |had )?{_TELLING}"
    r"( (our|the|a|my|his|her) ([\w'-]+ ){0,2}(worker|teacher|nurse|visitor|lead|officer|practitioner|manager|advisor|mentor|GP|doctor))?"
    r"( (during|at|in|on|when|while|after|before)( [\w'-]+){1,3}?)?( that)?( (she|he)( was| had been| has been| were)?)?)?"
    r"\s*$", re.IGNORECASE)
# ...or a "she" or "he" telling, where the sentence before is about the parent
PRONOUN_TELLING = re.compile(
    rf"^\s*(she|he)( then| later| also| eventually| suddenly| quietly)?\s*((has |had )?{_TELLING}( that)?"
    r"( (she|he)( was| had been| has been| were)?)?)?\s*$", re.IGNORECASE)
PREV_PARENT_SUBJECT = re.compile(r"(^|[.?!]\s+)([\w'-]+ ){0,3}?(mum|mother|mom|dad|father)\b[^.?!]*[.?!]\s*$",
                                 re.IGNORECASE)
# "Ms Hadley told me she was in care as a child and was [sexually abused]", "Mum of one of my
# pre-schoolers, Lily-Mae (4), told me today that she was [sexually abused] by her uncle when
# she was little": a parent who tells, in the same clause, of her own childhood. Only an
# apposition ("of ...", the child's name and age) may stand between the parent and the
# telling, so "Mum told me Ella said she was ..." stays Ella's disclosure.
_CHILDHOOD_CUE = (r"(as an? ((young|small|little) )?(child|girl|boy|teenager|kid|lad|lass|youngster)|when (she|he) ((herself|himself) )?was "
                  r"(little|young|younger|a child|a kid|a lad|a lass|a girl|a boy|a teenager|small|((about|around|only|just|aged) )?(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen)(?![- ]?(months?|weeks?|wks?)\b))|"
                  r"(her|his) (own )?childhood|in (her|his) (own )?childhood|growing up|"
                  r"(herself|himself) (from|as an?) |from (age |the age of )?\d{1,2}\b)")
PARENT_OWN_CHILDHOOD = re.compile(
    rf"\b(mum|mom|mother|dad|father|client|patient|(?-i:Mrs|Ms|Mr|Miss|Mx)\.?(?= [A-Z]))"
    rf"( of (a|an|the|her|his|\d+|one of (my|our|the))( [\w-]+){{1,4}}?)?,?( [A-Z][\w'-]+)?\s*(\([^()]{{0,40}}\)\s*)?,?\s*(\d{{1,2}},?\s*)?"
    rf"(?:(?: (?:got|was|became|seemed|went|gets|is) (?:a bit |a little |really |very |quite |so )?(?:upset|teary|tearful|emotional|distressed|quiet|low)( (at|in|during|after|over) [\w' ]{{1,30}}?)? and| (?:stayed|hung|came|popped|waited|got talking|came in|came back)\b[\w' -]{{0,30}}? and)?\s*)?(has |had )?{_TELLING}(( (for the first time|today|yesterday|recently|at [\w' ]{{1,25}}?|during [\w' ]{{1,25}}?|in [\w' ]{{1,25}}?))+?|,[\w' ]{{1,25}}?,)?"
    rf"( that)? ((she|he) (was|had been|has been|grew up|got|spent)|(her|his|an?|the) [\w-]+( [\w-]+)?|being|"
    # ("... that when she was fifteen she was brought to this country and [trafficked]")
    rf"(?=when (she|he) ((herself|himself) )?was))\b[^.?!;]{{0,150}}?\b{_CHILDHOOD_CUE}|"
    # "(she) told me she was in care herself from age 9 and was [abused]": "herself" marks the adult
    r"\b(told|tells|said|says)( me| us)?( (for the first time|today|at [\w' ]{1,25}?|in [\w' ]{1,25}?|during [\w' ]{1,25}?))?"
    r"( that)? (she|he) (was|had been|grew up) "
    r"(in (foster )?care|in and out of (foster )?care|looked after|fostered|adopted|(taken|put|placed) into (foster )?care) ((herself|himself)|(herself |himself )?"
    r"(as an? (kid|child|girl|boy|teenager)|when (she|he) was (little|young|a child)|growing up))\b|"
    r"\b(told|tells|said|says)( me| us)? (that )?(she|he)('d| had)? (grew|grown) up in (and out of )?(foster )?care\b|"
    # "the father of an 8-year-old told the teacher, through me, that when he was a boy ..."
    # (only an apposition and how the parent was may stand between the parent and the telling)
    r"\b(father|dad|daddy)( of (a|an|the|one of (my|our|the))( [\w-]+){1,5}?)?( (got|was|became|seemed) [\w' ]{1,30}? and)? "
    r"(told|tells|said|says|explained)\b[^.?!;]{0,40}\bthat when he was "
    r"(a boy|a child|a kid|a lad|little|young|small|a teenager|growing up|\d{1,2})\b|"
    r"\b(mother|mum|mummy|mom)( of (a|an|the|one of (my|our|the))( [\w-]+){1,5}?)?( (got|was|became|seemed) [\w' ]{1,30}? and)? "
    r"(told|tells|said|says|explained)\b[^.?!;]{0,40}\bthat when she was "
    r"(a girl|a child|a kid|a lass|little|young|small|a teenager|growing up|\d{1,2})\b", re.IGNORECASE)
# Every way PARENT_OWN_CHILDHOOD can match holds one of these words: a cheap test first.
OWN_CHILDHOOD_GATE = re.compile(r"\b(as an?|when (she|he)|childhood|growing up|grew up|grown up|herself|himself|"
                                r"from (age |the age of )?\d|care|fostered|adopted|looked after)\b", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[;:]|\b(but|however|whereas|now)\b", re.IGNORECASE)
# "she grew up in foster care because of her own mother's drinking": a grandparent
OWN_PARENT_BEFORE = re.compile(r"\b(her|his) own\s+$|\b(mum|mom|dad|mother|father)'?s\s+$", re.IGNORECASE)
OWN_PARENT_AGENT = re.compile(r"\b(his|her) own (father|mother|dad|mum|mam|parents|stepfather|stepdad|stepmother|"
                              r"stepmum)\b", re.IGNORECASE)
OWN_PARENT_INSIDE = re.compile(r"(mother|mum|mom|father|dad|parents?)\b", re.IGNORECASE)
# "mum thinks he's stopped his medication": a parent's own medication, not the child's
OWN_MEDICATION = re.compile(
    r"\b(he('s| has| had)?\s+(stopped|stopping|stops|come off|came off|coming off)\s+(taking\s+)?his|"
    r"she('s| has| had)?\s+(stopped|stopping|stops|come off|came off|coming off)\s+(taking\s+)?her)\s+(own\s+)?"
    r"(medication|meds|medicine|tablets|antidepressants|lithium|treatment|injections?|insulin)\b|"
    # "dad has schizophrenia, stopped his meds": the parent's illness, then his own medication
    r"\b(schiz\w*|bipolar|psychosis|psychotic|depression|depressed|paranoi\w*|mental health|mental illness)\b[^.?!]{0,30}"
    r"\b(stopped|stopping|stops|come off|came off|coming off)\s+(taking\s+)?(his|her)\s+(own\s+)?"
    r"(medication|meds|medicine|tablets|antipsychotics?|antidepressants|lithium|treatment|injections?)\b", re.IGNORECASE)
# "a mum who's been with us six weeks after a bad pelvic [fracture]": the parent's own injury
# (not where the child is named between: "mum has brought him in with a [fracture]")
PARENT_OWN_INJURY = re.compile(
    r"\b(mum|mother|dad|father)\b( who'?s| who is| who has| who was| is| was| has| had)( been)?\b"
    r"(?:(?!\b(him|her|them|baby|child|son|daughter|kids?|boy|girl|toddler)\b)[^.?!;]){0,50}\b(after|with|following|from|for) "
    r"(a |an |her |his )?((bad|serious|nasty|complicated|badly|broken) )*([\w-]+ )?$", re.IGNORECASE)
INJURY_WORDS = re.compile(r"(fractur\w*|broken|break|bruis\w*|burns?|injur\w*|cuts?|wounds?)\b", re.IGNORECASE)
# "what if Maya, or any child, told us she was being hurt": a supposition, even across commas
PARENT_WORD = re.compile(r"\b(mum|mom|mother|dad|father|parent|client|patient)\b", re.IGNORECASE)
# "... said his stepdad had battered him - hypothetically - what would I do?"
HYPOTHETICAL_AFTER = re.compile(r"[^.?!;]{0,40}?\bhypothetically\b", re.IGNORECASE)
# "Dad opened up about his own childhood - said his old man used to leather him"
ABOUT_OWN_CHILDHOOD = re.compile(r"\b(about|of|on) (his|her|their) own (childhood|upbringing|past|history|"
                                 r"experiences? as an? (child|kid|boy|girl))\b", re.IGNORECASE)
WHAT_IF_BEFORE = re.compile(
    r"\bwhat if\b[^.?!;]{0,40}$|"
    # "Hypothetically, if a baby who can't crawl yet came in with a bruise ...": a supposition
    # about any child, not about this one (a clause ending in "yet" does not end it)
    r"\bhypothetical(ly)?\b[^.?!;]{0,80}$|"
    r"\b(if|supposing|suppose) (a|an|any|one of (our|my|the)) (\w+ ){0,2}(baby|child|toddler|kid|pupil|student|girl|boy|lad|lads|"
    r"young (person|people)|teenagers?|teens?|(\w+[- ])?year[- ]olds?)\b[^.?!;]{0,60}$|"
    # "Say one of my lads came in and said ...": a supposition opening its sentence
    r"(^|[.,;:!?\u2013\u2014-]\s*|\b(but|so)\s+)(say|let's say|imagine)\b (a|an|any|one of (our|my|the)) (\w+ ){0,2}(baby|child|"
    r"toddler|kid|pupil|student|girl|boy|lad|lads|young (person|people)|teenagers?|teens?|(\w+[- ])?year[- ]olds?)\b[^.?!;]{0,100}$|"
    # "a parent asked me what age a kid can be left home alone": a question about any child
    r"\b(what age|how old)\b[^.?!;]{0,40}\b(can|could|should|may|must|is it (ok|okay|legal|allowed))\b[^.?!;]{0,20}$|"
    # "we're supposed to look out for bruising on babies": a duty, not something seen
    r"\b(supposed to|meant to|should|have to|need to|told to|trained to|taught to|asked to) (always )?(look|watch|check) "
    r"(out )?for( any)?\s*$|"
    # "asked whether he needs to register with the council as some kind of foster carer"
    r"\b(whether|if)\b[^.?!;]{0,50}\b(register|registered|count|counts|counted|class|classed|treated|regarded|seen)"
    r"( with [\w ]{1,25}?)? as (an? |some (kind|sort) of )?\s*$|"
    # "what the law says on carrying a blade", "asking if she should push for SALT": a question
    r"\bwhat the law says (on|about)\s*$|\b(ask\w*|wonder\w*|question\w*) (me |us )?(if|whether) (she|he|they|we|I|mum|dad) "
    r"(should|could|ought to|needs? to|can) (push for|ask for|get|request|be referred (to|for)|refer (\w+ )?(to|for))\s*$|"
    # "thinks any parent with psychosis should be referred": a rule about everyone
    r"\b(any|every|all)( \w+)? (parents?|mums?|dads?|mothers?|fathers?|children|child|kids?|families|pupils?|babies)"
    r"( who (has|have|is|are|had))?( with| on| using)?( an?)?\s*$",
    re.IGNORECASE)
# ...also when the mention starts with the person ("any [parent with psychosis]")
ANY_JUST_BEFORE = re.compile(r"\b(any|every|all)\s+$", re.IGNORECASE)
ANYONE_INSIDE = re.compile(r"(parents?|mums?|dads?|mothers?|fathers?|children|child|kids?|families|pupils?|babies)\b",
                           re.IGNORECASE)
# Every alternative of WHAT_IF_BEFORE ends at the mention and spans well under this many
# characters, so it is searched only in the end of the text before the mention.
WHAT_IF_REACH = 320
# "Mum told me her partner pushed her against the wall": a mother telling of abuse of
# herself is domestic abuse at home (read by its own indicators), not a child's disclosure
MOTHER_BEFORE = re.compile(r"\b(mum|mother|mam|mom|she|(?-i:Mrs|Ms|Miss)\.? [A-Z][\w'-]+)"
                           # "Mum of a 13-month-old told me ...": an apposition between
                           r"( of (a|an|the|her|his|my|our|one of (my|our|the))( [\w'-]+){1,3}?,?)?\s+$", re.IGNORECASE)
MOTHER_TELLS_OF_HERSELF = re.compile(
    r"^(told|tells|said|says|disclosed|shared|explained|mentioned|admitted)\b[^.?!;]{0,100}?\b(her|their) "
    r"(partner|ex|ex-?partner|husband|boyfriend|fianc[eé]|girlfriend|wife)\b[^.?!;]{0,100}"
    r"\b((at|against|to|on|towards) her|(pushed|hit|hits|slapped|grabbed|shoved|threatened|kicked|punched|"
    r"strangled|choked|hurt|hurts) her)\b(?!\s+(son|daughter|child|kids|children|baby|boy|girl|little|brother|"
    r"sister|youngest|eldest|[\w-]+'s))", re.IGNORECASE)
# "Mrs A, 24, told me she had", "a 28-year-old mum told me she was": an adult, by her age
ADULT_OWN = re.compile(
    r"\b((mrs|ms|miss|mr|mum|mother|dad|father|woman|lady|[A-Z][a-z]+)( [A-Z][\w'-]+)?,? \(?(1[89]|[2-9]\d)\)?,?|"
    r"an? (1[89]|[2-9]\d)[- ]?(year[- ]old|yo|y/o) (mum|mother|woman|lady|dad|father|man))"
    rf"( [\w'-]+){{0,3}}? {_TELLING}( (in|at|during|on) [\w' ]{{1,25}}?)?( that)? (she|he) (had|has had|was|has been|had been|"
    r"underwent|went through)\b",
    re.IGNORECASE)
CHILDHOOD = re.compile(
    r"\b(as an? ((young|small|little) )?(child|girl|boy|teenager|kid|lad|lass|youngster)|when (she|he) ((herself|himself) )?was (little|young|younger|a child|"
    r"a kid|a lad|a lass|a girl|a boy|an? (little|young|small) (girl|boy|child|kid|lad|lass)|a teenager|growing up|small|((about|around|only|just|aged) )?(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen)(?![- ]?(months?|weeks?|wks?)\b))|in (her|his) (own )?childhood|growing up|grew up|"
    # "abused by her stepfather age 8-12", "between the ages of 6 and 10"
    r"(from |at )?aged? \d{1,2}(\s*(-|to)\s*\d{1,2})?|between the ages of \d{1,2})\b", re.IGNORECASE)
# "hasn't done anything, low mood", "no marks seen, feeding well": a negation that has
# found its object or its verb ends at the comma.
TERMINATION = re.compile(r"\b(but|however|although|though|yet|except|because|whereas|now)\b|[;:)]|"
                         r"\b(anything|anyone|at all|seen|noted|found|observed|evident)( else)?\s*,", re.IGNORECASE)
# A comma ends a negation's reach when a new clause starts after it ("not crawling, has a
# bruise"), but not inside a list ("no bruises, marks or burns").
CLAUSE_AFTER_COMMA = re.compile(
    r",\s*(and |so |then |also )?(that )?(he|she|they|we|i|it|there)['\u2019](s|re|m|ve|d|ll)\b|"  # "..., he's taking"
    r",\s*(and |but )?(doing|going|getting|making|playing|meeting|coping|managing|thriving|settling|engaging|"
    r"attending|progressing)\b|"  # "no health issues, doing well at school"
    r",\s*(and )?(no|not|never|nothing|doesn'?t|does not|don'?t|do not|didn'?t|did not|isn'?t|is not|"
    r"can'?t|cannot|won'?t|hasn'?t|has not|haven'?t)\b|"  # a new negated item starts its own scope
    r",\s*(and |so |then |also )?(he|she|they|we|i)\s+(?!(or|and|nor)\b)\w+|"  # a new subject: a new clause
    r",\s*(and |but )?(?-i:[A-Z][a-z]+)\s+(?-i:[a-z]+s)\b|"  # a name and its verb ("Gary touches")
    r",\s*(and |so |then |also )?((he|she|they|it|there|baby|child|mum|dad|\w+ \w+)\s+)?"
    r"(has|had|have|is|was|were|are|got|came|comes|showed|shows|presented|appeared|noticed|"
    r"found|said|says|told|saw|looked|looks|seems|seemed|'s)\b", re.IGNORECASE)
BRACKETED = re.compile(r"\([^()]*\)")
# "nothing to suggest anyone is using or grooming him", "not seen anything like new
# clothes, money or older friends": these cues deny a whole list, so they reach further.
STRONG_NEGATION = re.compile(
    r"\b(nothing to suggest|(found|find|finds|shown|showed|revealed|identified|turned up|picked up|raised|flagged) nothing (about|of|on|around|regarding|to suggest)|"
    r"no (evidence|signs?|indication|suggestion)( so far| as yet| yet| at all)? (of|that)|(not|never|haven'?t|hasn'?t|"
    r"have not|has not) seen (anything|any) (like|of)|no concerns? about)\b", re.IGNORECASE)
STRONG_NEGATION_WINDOW_WORDS = 12
# "said nobody hurts him": the child's own denial inside a match
NOBODY_DOES = re.compile(
    r"\b(said|says|told (me|us|her|him|staff)|insists?|insisted)( that)?( it'?s [^.?!;]{0,60}?,)? (nobody|no one|no-one|noone) "
    r"(hurts|hit|hits|has (ever )?(hurt|hit)|(has|have) (ever )?been (hurt|hit|harmed|touched|threatened)|smacks|touches|"
    r"['\u2019]s (ever )?been (hurt|hit|harmed|touched|threatened)|"
    r"is hurting)\b", re.IGNORECASE)
# "... it's just shouting though, nobody hits": the act that ends the match, done by nobody
NOBODY_BEFORE_LAST_WORD = re.compile(r"\b(nobody|no one|no-one|noone)(['\u2019]s)?\s+((has|have|had|is|was|were|ever|been|being|got|gets)\s+){0,3}\S+\s*$",
                                     re.IGNORECASE)
# "nobody has [asked for pictures]": the mention's act done by nobody
NOBODY_SUBJECT_BEFORE = re.compile(r"\b(nobody|no one|no-one|noone)(['\u2019]s)?\s+((has|have|had|is|was|ever|been)\s+){0,2}$", re.IGNORECASE)
# "nothing" denies only the word straight after it ("nothing extremist on his phone"),
# not a whole clause ("nothing to eat, bruises on his arm")
# ("nothing Olivia has [said suggests anyone's hurting her]": nothing the child has said)
NOTHING_JUST_BEFORE = re.compile(r"\bnothing(( (?-i:[A-Z])[\w'-]+| (she|he|they|the (child|boy|girl)))( has| had| ever)*)?\s+$",
                                 re.IGNORECASE)
NEGATION_WINDOW_WORDS = 5
HISTORY_WINDOW_WORDS = 8
# The caller saying who they are ("Teacher - ...", "I'm a school nurse, ...") is not a
# person in the concern: masked before matching, so a teacher who calls about a parent
# is not read as an allegation against a teacher.
_ROLES = (r"(class |form |PE |deputy |head |assistant |senior |community |school |practice |"
          r"specialist |paediatric |ward |nursery |family |youth |social |support |key ?)?"
          r"(teacher|headteacher|head of (year|house|sixth form)|teaching assistant|TA|HLTA|"
          r"SENCO|DSL|DDSL|safeguarding lead|nurse|health visitor|HV|midwife|GP|doctor|"
          r"paediatrician|worker|practitioner|manager|officer|PC|PCSO|childminder|coach|"
          r"tutor|mentor|YW|FSW|SW|keyworker|lead)")
_PLACES = (r"(centre|center|school|nursery|academy|surgery|practice|hospital|clinic|project|service|services|team|unit|"
           r"club|station|office|hub|charity|church|mosque|council|trust|college|pre-?school|refuge|ward|department|"
           r"partnership|pharmacy|library|setting)s?\b")
CALLER_INTRO = re.compile(
    rf"^\W*((hi|hello|morning|afternoon)\W+)?((I'?m|I am|Im|this is|it'?s) )?((a|an|the) )?"
    rf"((?!(his|her|their|my|our|your|a|the)\b)[\w&/'-]+ ){{0,4}}?{_ROLES}( (at|in|from|for|with|on) (the |a |an |our |my )?"
    # ...and where they work, which must end with a kind of place ("at the women's centre")
    rf"((?!(his|her|their|him|them)\b)[\w'&-]+ ){{0,3}}?{_PLACES})?( here)?(?=\s*([-\u2013\u2014:,.;(/]|here\b|$))|"
    rf"(?=[Ii])\b(I'?m|I am|Im|I work as) (a |an |the |one of the )?([\w'-]+ ){{0,2}}?{_ROLES}\b",
    re.IGNORECASE)


def _quick(rx: re.Pattern) -> re.Pattern:
    """`rx` with the look-ahead the rulebook's patterns get (see `compile_pattern`): the
    scanner skips at once every place a match cannot start. Same matches, found faster."""
    first = first_letters(rx.pattern)
    if not first:
        return rx
    chars = "".join(sorted({c for ch in first for c in (ch.lower(), ch.upper())}))
    boundary = r"\b" if starts_at_boundary(rx.pattern) else ""
    return re.compile(f"(?=[{re.escape(chars)}]){boundary}(?:{rx.pattern})", rx.flags)


# the plain forms, kept to test that the quick ones find exactly the same
CONTEXT_CUES = {name: globals()[name] for name in (
    "NEGATION", "PSEUDO_NEGATION", "HYPOTHETICAL", "PSEUDO_HYPOTHETICAL", "HYPOTHETICAL_INSIDE",
    "HISTORICAL", "PAST_PLAN", "OTHER_PERSON_BEFORE", "TERMINATION", "CLAUSE_AFTER_COMMA",
    "STRONG_NEGATION")}
(NEGATION, PSEUDO_NEGATION, HYPOTHETICAL, PSEUDO_HYPOTHETICAL, HYPOTHETICAL_INSIDE, HISTORICAL,
 PAST_PLAN, OTHER_PERSON_BEFORE, TERMINATION, CLAUSE_AFTER_COMMA, STRONG_NEGATION) = (
    _quick(rx) for rx in CONTEXT_CUES.values())


# The same two forms apart, for speed: the first can only match at the very start, and the
# second, begun with its letter, lets the scanner jump from one "I" to the next.
CALLER_AT_START = re.compile(CALLER_INTRO.pattern.split("|(?=[Ii])")[0], re.IGNORECASE)
CALLER_SELF = re.compile(
    rf"[Ii](?<=\b[Ii])(?:'?m| am| work as) (a |an |the |one of the )?([\w'-]+ ){{0,2}}?{_ROLES}\b",
    re.IGNORECASE)


def mask_caller(text: str) -> str:
    """`text` with the caller's own introduction blanked (same length, offsets kept)."""
    first = CALLER_AT_START.match(text)
    spans = [first.span()] if first else []
    spans += [m.span() for m in CALLER_SELF.finditer(text, first.end() if first else 0)]
    if not spans:
        return text
    out, last = [], 0
    for a, b in spans:
        out += [text[last:a], " " * (b - a)]
        last = b
    out.append(text[last:])
    return "".join(out)

ENGLISH_COMMON = frozenset(
    "the a an and or but is are was were he she they it his her their him them i we you to of in "
    "on at for with has have had not no be been this that at from as by my our your mum dad "
    "child school said says told "
    # common English words that are not words of the other languages callers use here
    # (so brief notes - "Booking appointment completed, denies any" - still read as English)
    "about when any only first seen asked weeks week baby concerns concern since after very just "
    "also there what who if all some up out did does can will would could should over into last "
    "today yesterday home mother father daughter boy girl year years old nursery more other which "
    "how why then than because think know seems seemed really going get got still again now well "
    "back went came appointment pregnancy booking health attendance class teacher worried family "
    "identified recording completed".split())


@dataclass(frozen=True)
class Mention:
    indicator_id: str
    start: int
    end: int
    evidence: str
    context: str | None  # None when it applies to this child now


def spells_out_negation(pattern: str) -> bool:
    """True for a pattern that itself contains a negation ("not been seen", "no words at
    all"): the negation inside its own match is part of the concern, not a denial."""
    return bool(NEGATION.search(re.sub(r"\\[a-zA-Z]", " ", pattern)))


def _context_for(text: str, sent_start: int, m_start: int, m_end: int,
                 check_inside: bool = True) -> str | None:
    """Which context rule, if any, removes this mention (checked in a fixed order)."""
    before = text[sent_start:m_start]
    # Look back only to the nearest termination cue ("but", "however", ";"...).
    cut = 0
    for t in TERMINATION.finditer(before):
        cut = t.end()
    # (searched up to the mention's end: ", no concerns" starts a new item at the mention)
    for t in CLAUSE_AFTER_COMMA.finditer(text[sent_start:m_end], cut):
        if t.start() < len(before):
            cut = t.start() + 1
    scope = before[cut:]
    inside = text[m_start:m_end]
    window = " ".join(scope.split()[-NEGATION_WINDOW_WORDS:])
    # (a pseudo-negation only removes text, so it is looked for only where a cue is found)
    if NEGATION.search(window) and NEGATION.search(PSEUDO_NEGATION.sub(" ", window)):
        return "negated"
    if STRONG_NEGATION.search(" ".join(scope.split()[-STRONG_NEGATION_WINDOW_WORDS:])):
        return "negated"
    if NOTHING_JUST_BEFORE.search(scope) or NOBODY_SUBJECT_BEFORE.search(scope):  # "nothing extremist"
        return "negated"
    # a bracketed aside inside the match ("(not school staff, a paid instructor)") does not
    # negate the main clause
    if check_inside and (NOBODY_DOES.search(inside) or NOBODY_BEFORE_LAST_WORD.search(inside)):  # "said nobody hurts him"
        return "negated"
    if check_inside and NEGATION.search(inside) and NEGATION.search(
            PSEUDO_NEGATION.sub(" ", BRACKETED.sub(" ", inside))):
        return "negated"
    if (HYPOTHETICAL.search(scope) and HYPOTHETICAL.search(PSEUDO_HYPOTHETICAL.sub(" ", scope))
            and not (HABITUAL_IF_BEFORE.search(scope) and HABITUAL_AFTER.match(inside))) or (
            check_inside and HYPOTHETICAL_INSIDE.search(inside)) or WHAT_IF_BEFORE.search(
            before, max(0, len(before) - WHAT_IF_REACH)) or (
            ANY_JUST_BEFORE.search(before) and ANYONE_INSIDE.match(inside)) or \
            HYPOTHETICAL_AFTER.match(text, m_end):
        return "hypothetical"
    if POST_NEGATION.match(text, m_end):
        return "negated"
    if (ENQUIRY_BEFORE.search(scope) or (check_inside and ENQUIRY_INSIDE.search(inside))) and \
            DENIAL_AFTER.match(text, m_end):
        return "negated"
    if DENIAL_BEFORE_ENQUIRY.search(before):
        return "negated"
    # "Mum is a bit anxious", "parents are understandably tearful": the parent's state
    if (PARENT_STATE_BEFORE.search(scope) and STATE_WORDS.match(inside)) or (
            PARENT_JUST_BEFORE.search(scope) and STATE_AFTER_VERB.match(inside)):
        return "other_person"
    if (NAME_QUESTION_BEFORE.search(scope) and NAME_QUESTION_AFTER.match(text, m_end)) or \
            NAME_ASKED_BEFORE.search(before):
        return "hypothetical"
    sentence_end = text.find(".", m_end)
    tail = text[m_end: sentence_end if sentence_end != -1 else len(text)]
    # "Mum told me she was abused by her stepdad when she was little": a parent telling of
    # her own childhood (checked before history, which a disclosure is exempt from)
    if PARENT_TELLING.search(scope) and (CHILDHOOD.search(tail[:80]) or (
            check_inside and CHILDHOOD.search(inside))):
        return "other_person"
    # "Mum of a Year 5 girl stayed behind and got upset. She told me she was [sexually abused]
    # by her stepfather when she was a kid": the parent of the sentence before, telling
    if PRONOUN_TELLING.search(scope) and PREV_PARENT_SUBJECT.search(text, 0, sent_start) and (
            CHILDHOOD.search(tail[:80]) or (check_inside and CHILDHOOD.search(inside))):
        return "other_person"
    sentence = text[sent_start: sentence_end if sentence_end != -1 else len(text)]
    own = OWN_CHILDHOOD_GATE.search(sentence) and PARENT_OWN_CHILDHOOD.search(sentence)
    rel = m_start - sent_start
    # the mention within the parent's clause, or just after it ("... as a child and was [abused]")
    if own and own.start() <= rel and (own.end() >= rel or (
            rel - own.end() <= 60 and not CLAUSE_BREAK.search(sentence, own.end(), rel))):
        return "other_person"
    # "when he was a boy ... his own father hit him with a belt"
    if (PARENT_WORD.search(sentence[:rel]) or PARENT_WORD.match(inside)) and OWN_PARENT_AGENT.search(scope[-30:] + inside) and (
            CHILDHOOD.search(sentence[:rel]) or CHILDHOOD.search(tail[:60])):
        return "other_person"
    about_own = ABOUT_OWN_CHILDHOOD.search(sentence)
    if about_own and about_own.end() <= rel and rel - about_own.end() <= 100:
        return "other_person"
    if check_inside and ABOUT_OWN_CHILDHOOD.search(inside):
        return "other_person"
    if OWN_PARENT_BEFORE.search(scope) and OWN_PARENT_INSIDE.match(inside):
        return "other_person"
    # (a parent of the child is in the sentence: a child telling of her own father when she
    # was little is still a disclosure)
    if check_inside and OWN_PARENT_AGENT.search(inside) and (PARENT_WORD.search(sentence[:rel]) or PARENT_WORD.match(inside)) and (
            CHILDHOOD.search(inside) or CHILDHOOD.search(tail[:40])):
        return "other_person"
    if OWN_MEDICATION.search(inside):
        return "other_person"
    if PARENT_OWN_INJURY.search(scope) and INJURY_WORDS.match(inside):
        return "other_person"
    if check_inside and MOTHER_TELLS_OF_HERSELF.match(inside) and MOTHER_BEFORE.search(scope):
        return "other_person"
    # "Mrs A, 24, told me she had FGM": an adult, by her stated age, telling of what was
    # done to herself (reaching into the mention)
    if any(a.end() > len(before) for a in ADULT_OWN.finditer(before + inside)):
        return "other_person"
    # A past-time cue reaches a few words ("used to mind her"), not a whole long clause.
    near = " ".join(scope.split()[-HISTORY_WINDOW_WORDS:])
    if HISTORICAL.search(near) or PAST_PLAN.search(scope) or HISTORICAL.search(tail[:60]) or YEAR_AFTER_BRACKET.match(tail) or (
            LAST_YEAR_OPENING.match(scope) and not STILL_NOW.search(scope + inside + tail)) or \
            PAST_PLAN_REASON.search(before):
        return "historical"
    # ("told me she grew up in care after her stepdad abused her": the cue can sit inside
    # a long match)
    if OTHER_PERSON_BEFORE.search(scope) or OTHER_PERSON_AFTER.search(tail) or (
            check_inside and OTHER_PERSON_BEFORE.search(inside)):
        return "other_person"
    return None


# Letters that `re.IGNORECASE` matches as an ASCII letter although their lower case is
# another letter (the dotless i and the long s); a test checks this against every
# character.
CASE_UNLIKE_LOWER = re.compile("[\u0131\u017f]")


def _lower_stands_for(text: str, lowered: str) -> bool:
    """True when `lowered` (`text.lower()`) holds a gate's literal wherever a pattern
    matching it could match `text`, place for place: not so where a lower case changes
    the length ("İ" is two characters in lower case) or where the patterns match a
    letter as another ("ı" as "i")."""
    return len(lowered) == len(text) and (lowered.isascii() or not CASE_UNLIKE_LOWER.search(lowered))


@lru_cache(maxsize=16384)  # many alternatives share sets
def _gate_set_rank(options: frozenset[str]) -> tuple[int, int, int]:
    """The rarer the set, the higher (see `_rarity`); then the longer its shortest string,
    then the fewer its strings."""
    return (_rarity(options), min(map(len, options)), -len(options))


def _split_gate(alternative: tuple[frozenset[str], ...]) -> tuple[tuple, tuple]:
    """(sets located by the automaton, sets looked for afterwards), for one alternative
    of a pattern's gate (see `gate_alternatives`).

    Sets of rarer words are located, sentence by sentence, in the one pass over the text
    (each place one of their words is found costs one integer operation, see
    `IndicatorMatcher`). A set of very common words or short strings ("he", "the",
    "in") occurs hundreds of times in a long text, so locating each place costs more
    than it saves: such a set is looked for (a substring test) only in the sentences
    where the alternative's rarer sets all are. An alternative with no rarer set has
    its set of longest strings located (a short string is found inside many words).
    Either way a pattern is skipped only where it cannot match, so the pre-filter stays
    exact."""
    ranked = sorted(alternative, key=_gate_set_rank, reverse=True)
    n = sum(1 for g in ranked if _gate_set_rank(g)[0] > 1) or 1
    return (tuple(tuple(sorted(o)) for o in ranked[:n]), tuple(tuple(sorted(o)) for o in ranked[n:]))


@Language.factory("indicator_matcher", default_config={})
def make_indicator_matcher(nlp: Language, name: str):
    """Registered so the pipeline can be built and configured like any spaCy pipeline;
    the rulebook is attached at build time (thresholds data is the configuration)."""
    return IndicatorMatcher()


class IndicatorMatcher:
    """Matches every pattern of the rulebook, but only in the sentences where its gate
    (see `gate_alternatives`) says it can match: where, for one alternative of the gate,
    a string of each of its sets is found.

    Each alternative of each pattern's gate is a "unit", numbered u in order of how
    many of its sets are located (see `_split_gate`), most first. Located set j of unit
    u is one bit of an integer, at offset[j] + u (plane j holds set j of each unit that
    has one, so it is `offset[j + 1] - offset[j]` bits wide). Each gate literal maps to
    the integer of the (unit, set) bits it serves, so a sentence's integer p is the OR
    over the literals found in it (one operation per literal found), and the units
    whose located sets all are in the sentence are the bits of plane 0 that are also
    set in every other plane: `p & (p >> offset[j] | above[j]) & ...`, where above[j]
    marks the units with no set j. Only for those are the other sets looked for, in
    that sentence."""

    def __init__(self) -> None:
        self.rulebook: Rulebook | None = None
        self._plan: tuple | None = None

    def plan(self) -> tuple:
        """Built once per rulebook: a row (indicator, pattern, check inside, match
        prefixes) for every pattern; per unit its row and the sets looked for afterwards
        (see `_split_gate`); plane 0 as a mask and (offset, above) for each further
        plane; an Aho-Corasick automaton of every located gate literal and match prefix,
        each with its (unit, set) bits; the ungated rows."""
        if self._plan is None or self._plan[0] is not self.rulebook:
            rb = self.rulebook
            rows = []
            units: list[tuple[int, tuple, tuple]] = []  # (row, located sets, sets looked for)
            ungated: list[int] = []
            for ind in rb.indicators.values():
                n = len(ind.patterns)
                for rx, gate, prefixes in zip(ind.patterns, ind.gates or ((),) * n,
                                              ind.prefixes or (None,) * n):
                    r = len(rows)
                    rows.append((ind, rx, not spells_out_negation(rx.pattern), _anchors(prefixes)))
                    if not gate:
                        ungated.append(r)
                    for alternative in gate:
                        units.append((r, *_split_gate(alternative)))
            units.sort(key=lambda unit: -len(unit[1]))
            n = len(units)
            widths = [sum(1 for unit in units if len(unit[1]) > j)
                      for j in range(max((len(unit[1]) for unit in units), default=0))]
            offsets = [sum(widths[:j]) for j in range(len(widths))]
            everyone = (1 << n) - 1
            planes = tuple((offsets[j], everyone ^ ((1 << widths[j]) - 1)) for j in range(1, len(widths)))
            places: dict[str, list[int]] = {}
            for u, (_r, by_sentence, _t) in enumerate(units):
                for j, options in enumerate(by_sentence):
                    for lit in options:
                        places.setdefault(lit, []).append(offsets[j] + u)
            bits: dict[str, int] = {}
            for lit, at in places.items():
                mask = bytearray((max(at) >> 3) + 1)
                for i in at:
                    mask[i >> 3] |= 1 << (i & 7)
                bits[lit] = int.from_bytes(mask, "little")
            automaton = ahocorasick.Automaton()
            anchors = {lit for row in rows if row[3] for lit in row[3]}
            for lit in sorted(set(bits) | anchors):
                automaton.add_word(lit, (lit, len(lit) if lit in anchors else 0, bits.get(lit, 0)))
            if len(automaton):
                automaton.make_automaton()
            self._plan = (rb, rows, automaton, tuple(u[0] for u in units), tuple(u[2] for u in units),
                          everyone, planes, tuple(ungated))
        return self._plan

    @staticmethod
    def _candidates(plan: tuple, lowered: str, starts: list[int], ends: list[int],
                    found_at: dict[str, list[tuple[int, int]]]) -> dict[int, int]:
        """The exact pre-filter: for each row that can match, the sentences where it can
        (bit k: sentence k; -1: anywhere), recording in `found_at` where each match
        prefix is. A pattern matches within one sentence, so it can only match in a
        sentence that holds, for one alternative of its gate, a string of every set of
        that alternative. One pass over the text finds every located gate literal and
        match prefix (a literal across a sentence break cannot serve a match); per
        sentence, the units (pattern, alternative) whose located sets it holds, and of
        those the units whose other sets it holds too."""
        _rb, _rows, automaton, unit_row, unit_rest, everyone, planes, ungated = plan
        candidates: dict[int, int] = dict.fromkeys(ungated, -1)
        if not len(automaton):
            return candidates
        for k, (a, b) in enumerate(zip(starts, ends)):
            p = 0
            for end, (lit, anchor_len, got) in automaton.iter(lowered, a, b):
                p |= got
                if anchor_len:
                    found_at.setdefault(lit, []).append((end - anchor_len + 1, k))
            held = p & everyone
            for offset, above in planes:
                held &= p >> offset | above
            sentence = None
            while held:  # each unit whose located sets all are in this sentence
                low = held & -held
                held ^= low
                u = low.bit_length() - 1
                rest = unit_rest[u]
                if rest:
                    if sentence is None:
                        sentence = lowered[a:b]
                    missing = False
                    for options in rest:  # (loops: generators cost more here)
                        for lit in options:
                            if lit in sentence:
                                break
                        else:
                            missing = True  # no string of this set is in the sentence
                            break
                    if missing:
                        continue
                r = unit_row[u]
                candidates[r] = candidates.get(r, 0) | 1 << k
        return candidates

    def __call__(self, doc: Doc) -> Doc:
        plan = self.plan()
        rows = plan[1]
        text = mask_caller(doc.user_data.get("text") or doc.text)  # doc.text re-joins tokens
        lowered = text.lower()
        starts = doc.user_data.get("sentence_starts") or _sentence_starts(doc)
        ends = starts[1:] + [len(text)]
        found_at: dict[str, list[tuple[int, int]]] = {}  # match prefix -> (offset, sentence)
        filtered = _lower_stands_for(text, lowered)
        if filtered:
            candidates = self._candidates(plan, lowered, starts, ends, found_at)
        else:
            # Rare scripts: a lower case that changes the length ("İ"), or a letter the
            # patterns match as another ("ı" as "i"). The lower-cased text cannot stand
            # for the text, so every pattern is tried in every sentence, unfiltered (and
            # where the lengths differ, in the whole text as one sentence, as always).
            if len(lowered) != len(text):
                starts, ends = [0], [len(text)]
            candidates = dict.fromkeys(range(len(rows)), -1)

        everywhere = (1 << len(starts)) - 1
        mentions: list[Mention] = []
        for r, cand in candidates.items():
            ind, rx, check_inside, anchors = rows[r]
            cand &= everywhere
            for k, m in (_anchored(rx, text, ends, cand, anchors, found_at) if anchors and filtered else
                         _scanned(rx, text, starts, ends, cand)):
                ctx = _context_for(text, starts[k], m.start(), m.end(), check_inside)
                if ctx in ind.context_exempt:
                    ctx = None
                mentions.append(Mention(ind.id, m.start(), m.end(), m.group(0), ctx))
                if ctx == "negated":
                    # "'don't touch my wee-wee, Gary touches my wee-wee'": a denial does not
                    # reach a new clause that starts inside a long match; read that clause too
                    b = CLAUSE_AFTER_COMMA.search(text, m.start(), m.end())
                    m2 = b and rx.search(text, b.start() + 1, ends[k])
                    if m2 and _context_for(text, starts[k], m2.start(), m2.end(), check_inside) is None:
                        mentions.append(Mention(ind.id, m2.start(), m2.end(), m2.group(0), None))
        mentions.sort(key=lambda m: (m.start, m.end, m.indicator_id, m.context or ""))
        doc.user_data["mentions"] = mentions
        return doc


def _scanned(rx: re.Pattern, text: str, starts: list[int], ends: list[int], cand: int):
    """(sentence, match) for every match of `rx` in the candidate sentences (a bit set),
    each run of neighbouring candidates scanned at once."""
    while cand:
        k = (cand & -cand).bit_length() - 1
        run = cand >> k
        n = (~run & (run + 1)).bit_length() - 1  # how many sentences in the run
        cand &= ~(((1 << n) - 1) << k)
        for m in rx.finditer(text, starts[k], ends[k + n - 1]):
            j = k if n == 1 else bisect_right(starts, m.start()) - 1
            if m.end() <= ends[j]:  # not across a sentence break
                yield j, m


def _anchored(rx: re.Pattern, text: str, ends: list[int], cand: int, anchors: tuple[str, ...],
              found_at: dict[str, list[tuple[int, int]]]):
    """The same for a pattern every match of which starts with one of `anchors`: tried
    only where one of them was found, not at every position of the sentence."""
    last = -1
    for p, k in sorted(x for lit in anchors for x in found_at.get(lit, ())):
        if p < last or not (cand >> k) & 1:
            continue
        m = rx.match(text, p, ends[k])
        if m is not None:
            last = max(m.end(), p + 1)
            yield k, m


def _anchors(prefixes: frozenset[str] | None) -> tuple[str, ...] | None:
    """The match prefixes worth looking up (see `match_prefixes`): none that is a very
    common short word or shorter than three letters, where visiting each place would
    cost more than scanning the few sentences the gates leave (a two-letter prefix such
    as "he" or "in" is found hundreds of times in a long text, inside other words)."""
    if not prefixes or any(len(p) < 3 or (p in _FREQUENT and len(p) < 5) for p in prefixes):
        return None
    return tuple(sorted(prefixes))


@Language.factory("array_sentencizer", default_config={})
def make_array_sentencizer(nlp: Language, name: str):
    return ArraySentencizer(nlp.vocab)


class ArraySentencizer:
    """spaCy's rule-based `sentencizer`, with its default punctuation, computed on the
    token arrays instead of token by token (which costs more than all the pattern
    matching on a long text). A sentence starts at the first token that is not
    punctuation after a sentence-final character ("." "!" "?" and their kin); the
    tests check that it splits exactly as spaCy's own does."""

    SHORT_DOC_TOKENS = 80  # below this a plain loop costs less than the array calls

    def __init__(self, vocab) -> None:
        from spacy.pipeline import Sentencizer

        hashes = {vocab.strings.add(c) for c in Sentencizer.default_punct_chars}
        self.final_set = frozenset(hashes)
        self.final = np.array(sorted(hashes), dtype=np.uint64)

    def __call__(self, doc: Doc) -> Doc:
        """Sets each token's sentence start, and keeps the character offset where each
        sentence starts in `doc.user_data["sentence_starts"]` for the matcher."""
        n = len(doc)
        if not n:
            doc.user_data["sentence_starts"] = [0]
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT, IDX])
        if n <= self.SHORT_DOC_TOKENS:
            first, seen_final, final_set = [0], False, self.final_set
            for i, (orth, punct, _idx) in enumerate(arr.tolist()):
                if orth in final_set:
                    seen_final = True
                elif seen_final and not punct:
                    first.append(i)
                    seen_final = False
            starts = np.array(first)
        else:
            at = np.searchsorted(self.final, arr[:, 0])
            at[at == len(self.final)] = 0
            final = self.final[at] == arr[:, 0]
            can_start = ~(final | (arr[:, 1] == 1))
            # a token can start a sentence when a sentence-final mark came after the
            # last token that could
            finals_so_far = np.cumsum(final)
            idx = np.flatnonzero(can_start)
            before = np.concatenate(([0], finals_so_far[idx[:-1]])) if len(idx) else idx
            seen = finals_so_far[idx] - final[idx] - before  # marks between the two
            starts = np.concatenate(([0], idx[seen > 0]))
            if len(starts) > 1 and starts[1] == 0:
                starts = starts[1:]
        sent = np.full((n, 1), -1, dtype=np.int64)  # -1: not a start, 1: a start
        sent[starts, 0] = 1
        doc.from_array([SENT_START], sent.astype(np.uint64))
        chars = arr[starts, 2].tolist()
        if chars[0] != 0:
            chars.insert(0, 0)
        doc.user_data["sentence_starts"] = chars
        return doc


def _sentence_starts(doc: Doc) -> list[int]:
    """Character offsets where the sentencizer starts each sentence (read as arrays,
    which is many times faster than iterating `doc.sents` on a long text)."""
    if not len(doc):
        return [0]
    arr = doc.to_array([SENT_START, IDX])
    starts = arr[arr[:, 0] == 1, 1].tolist()  # SENT_START is 1 where a sentence starts
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    return starts


@lru_cache(maxsize=8)
def pipeline(rulebook_key: str, rb: Rulebook) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("array_sentencizer")
    matcher = nlp.add_pipe("indicator_matcher")
    matcher.rulebook = rb
    return nlp


def extract(text: str, rb: Rulebook) -> list[Mention]:
    """Every mention of an indicator, with its evidence quoted from `text` as typed."""
    return read_and_extract(text, rb)[0]


def read_and_extract(text: str, rb: Rulebook) -> tuple[list[Mention], str, Edits | None]:
    """The mentions (quoted and placed in `text` as typed), the text as read (slips in
    serious words and shorthand put into words, for the engine's own rules to search) and
    the edits that map a place in it back to the text as typed (None: no edits)."""
    nlp = pipeline(f"{rb.path}:{rb.version}", rb)
    read, edits = speller(rb.spelling, rb.shorthand).correct(text)
    doc = nlp.make_doc(read)
    doc.user_data["text"] = read
    for _name, component in nlp.pipeline:
        doc = component(doc)
    mentions = doc.user_data["mentions"]
    if edits is None:
        return mentions, read, None
    out = []
    for m in mentions:
        a, b = edits.back(m.start), edits.back(m.end, end=True)
        out.append(Mention(m.indicator_id, a, b, text[a:b], m.context))
    return out, read, edits


def unplaced_alarms(text: str, rb: Rulebook, mentions: list[Mention]) -> list[str]:
    """Alarm words (the rulebook's `alarm_words`) that no mention covers and that are not
    negated, hypothetical or about a parent's childhood: what the rules may have missed."""
    if rb.alarm_pattern is None:
        return []
    lowered = text.lower()
    if rb.alarm_gate and _lower_stands_for(text, lowered) and not any(
            all(any(lit in lowered for lit in options) for options in alternative)
            for alternative in rb.alarm_gate):
        return []  # the usual case: no alarm word anywhere
    covered = [(m.start, m.end) for m in mentions]
    out: list[str] = []
    for a in rb.alarm_pattern.finditer(text):
        if any(s <= a.start() < e for s, e in covered):
            continue
        sent_start = max(text.rfind(c, 0, a.start()) for c in ".?!\n") + 1
        ctx = _context_for(text, sent_start, a.start(), a.end(), check_inside=False)
        if ctx in ("negated", "hypothetical", "other_person"):
            continue
        word = a.group(0).strip(" '\"‘’“”").lower()
        if word not in out:
            out.append(word)
    return out


WORDS = re.compile(r"[^\W\d_]+")


def english_ratio(text: str) -> tuple[float, int]:
    """Share of words that are common English words, and the number of words."""
    words = WORDS.findall(text.lower())
    if not words:
        return 0.0, 0
    return sum(map(ENGLISH_COMMON.__contains__, words)) / len(words), len(words)
