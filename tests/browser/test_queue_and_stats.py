"""The advisor's queue order and the statistics, on a real (temporary) SQLite database
built by the storage layer's own migrations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from api.routes.pages import Filters, compute_stats, queue_rows
from storage import Assessment, Consultation, Organisation, Review, User, migrate, session_factory


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'pages.db'}"
    migrate(url)
    s = session_factory(url)()
    yield s
    s.close()


def _setup(db):
    org = Organisation(name="Test Council")
    other_org = Organisation(name="Elsewhere")
    db.add_all([org, other_org])
    db.flush()
    prof = User(username="t", display_name="T", role="professional", profession="teacher",
                organisation_id=org.id, password_hash="x")
    gp = User(username="g", display_name="G", role="professional", profession="gp",
              organisation_id=org.id, password_hash="x")
    adv = User(username="a", display_name="A", role="advisor", organisation_id=org.id, password_hash="x")
    outsider = User(username="o", display_name="O", role="professional", profession="gp",
                    organisation_id=other_org.id, password_hash="x")
    db.add_all([prof, gp, adv, outsider])
    db.flush()
    return org, prof, gp, adv, outsider


def _consultation(db, owner, level, rec, minutes_ago, review_status="unreviewed", callback=False,
                  unsure=False):
    at = datetime.now(timezone.utc) - timedelta(minutes=minutes_ago)
    c = Consultation(owner_id=owner.id, organisation_id=owner.organisation_id,
                     caller_role=owner.profession, created_at=at, review_status=review_status,
                     needs_callback=callback)
    db.add(c)
    db.flush()
    if level:
        db.add(Assessment(consultation_id=c.id, level=level, recommendation=rec,
                          needs_human_review=unsure, rulebook_name="r", rulebook_version="1",
                          result={"level": level, "recommendation": rec, "special_routes": []},
                          created_at=at))
    return c


def test_queue_order_is_999_then_level_4_longest_waiting_first_then_flagged_then_rest(db):
    org, prof, gp, adv, outsider = _setup(db)
    l2_old = _consultation(db, prof, 2, "hold_case", 300)
    l4_new = _consultation(db, prof, 4, "mash_referral", 5)
    l4_old = _consultation(db, gp, 4, "mash_referral", 90)
    e999 = _consultation(db, gp, 4, "emergency_999", 1)
    unsure = _consultation(db, prof, 2, "hold_case", 10, unsure=True)
    reviewed4 = _consultation(db, prof, 4, "mash_referral", 500, review_status="agreed")
    unfinished = _consultation(db, prof, None, None, 20)
    hidden = _consultation(db, outsider, 4, "emergency_999", 1000)
    db.commit()
    rows = queue_rows(db, adv, Filters(None, None, None, None, None))
    order = [r["c"].id for r in rows]
    assert order == [e999.id, l4_old.id, l4_new.id, unsure.id, l2_old.id, unfinished.id, reviewed4.id]
    assert hidden.id not in order  # another council's consultations never show
    assert rows[1]["waited"] == "1 h 30 min"
    only4 = [r["c"].id for r in queue_rows(db, adv, Filters("4", None, "unreviewed", None, None))]
    assert only4 == [e999.id, l4_old.id, l4_new.id]
    bad = Filters("9", "say_level_1", "done", "2026-13-01", None)
    assert set(bad.errors) == {"level", "recommendation", "review_status", "date_from"}


def test_stats_count_weeks_roles_and_agreement(db):
    org, prof, gp, adv, _ = _setup(db)
    a = _consultation(db, prof, 4, "mash_referral", 60)
    b = _consultation(db, prof, 3, "early_help_assessment", 60)
    c = _consultation(db, gp, 2, "hold_case", 60)
    _consultation(db, gp, 2, "hold_case", 60 * 24 * 8)  # last week, not reviewed
    db.add_all([Review(consultation_id=a.id, advisor_id=adv.id, decision="agree"),
                Review(consultation_id=b.id, advisor_id=adv.id, decision="change", new_level=4,
                       reason="more than it looked"),
                Review(consultation_id=c.id, advisor_id=adv.id, decision="actioned")])
    db.commit()
    s = compute_stats(db, adv, weeks=4)
    assert s["total"] == 4
    assert s["reviewed"] == 2 and s["percent_agreed"] == 50
    assert s["matrix"][4][4] == 1 and s["matrix"][3][4] == 1
    assert sum(sum(cnt.values()) for cnt in s["by_level"].values()) == 4
    assert sum(cnt["teacher"] for cnt in s["by_role"].values()) == 2
    assert sum(cnt["gp"] for cnt in s["by_role"].values()) == 2
    assert len(s["weeks"]) == 2  # the hour-old ones and the 8-day-old one fall in different weeks
