"""Words for the advice, from an assessment and the rulebook's own text.

Presentation only: the level, recommendation and routes come from the engine.
"""

from __future__ import annotations

import re

from . import engine


def understood(assessment: dict) -> str:
    """What was understood, in plain words, for the caller to confirm or correct."""
    seen: list[str] = []
    for ind in assessment.get("indicators") or []:
        d = engine.indicator_descriptor(ind["id"])
        if d not in seen:
            seen.append(d)
    if not seen:
        return ("I could not pick out a specific safeguarding need from what you wrote. "
                "An advisor will read it. Is that everything, or would you like to add more?")
    lines = "\n".join(f"- {d}" for d in seen[:8])
    return f"Here is what I understood:\n{lines}\nIs that right?"


def advice_messages(assessment: dict, involvement: str | None = None) -> list[str]:
    """The advice: the level, why, what to do next and by when, consent, routes, contacts."""
    level = assessment["level"]
    rec = assessment["recommendation"]
    info = engine.level_info(level)
    out = engine.outcome_info(rec)
    msgs: list[str] = []
    if rec == "emergency_999":
        msgs.append("Phone 999 now if you have not already. A child in immediate danger needs "
                    "the police or an ambulance first. Then refer to the MASH straight away.")
    head = f"My advice: {out['title']}. This looks like level {level}: {info['name']}."
    if info["description"]:
        head += f" {info['description']}"
    msgs.append(head)
    why = []
    for ind in assessment.get("indicators") or []:
        d = engine.indicator_descriptor(ind["id"])
        evidence = ind.get("evidence")
        line = f"- {d}" + (f" (you said: \"{evidence}\")" if evidence else "")
        if line not in why:
            why.append(line)
    # The rationale's "(level N)" lines repeat the indicators listed above.
    why += [f"- {r}" for r in assessment.get("rationale") or []
            if r and not re.search(r"\(level \d\)\.$", r)][:6]
    if why:
        msgs.append("Why:\n" + "\n".join(why[:10]))
    steps = list(out["next_steps"])
    if involvement == "social_care":
        steps.insert(0, "There is an open social care case: tell the allocated social worker today.")
    elif involvement == "early_help":
        steps.insert(0, "There is an open early help case: tell the lead professional.")
    if steps or out["timescale"]:
        body = "\n".join(f"- {s}" for s in steps)
        if out["timescale"]:
            body += f"\nBy when: {out['timescale']}"
        msgs.append("What to do next:\n" + body.strip())
    if out["consent_guidance"]:
        msgs.append("Consent: " + out["consent_guidance"])
    routes = assessment.get("special_routes") or []
    for route in routes:
        r = engine.route_info(route)
        msgs.append(f"Also: {r['title']}. {r['action']}".strip())
    if assessment.get("needs_human_review"):
        msgs.append("I am not fully sure I have understood this, so an early help advisor will "
                    "review it and may call you.")
    c = engine.contacts()
    if c:
        msgs.append("Contacts:\n" + "\n".join(f"- {k.replace('_', ' ').capitalize()}: {v}"
                                              for k, v in c.items()))
    msgs.append("This is advice to support your judgement: you decide. If you want to refer, "
                "you can always refer, whatever the level. A summary is saved with this "
                "consultation (reference at the top of the page).")
    return msgs
