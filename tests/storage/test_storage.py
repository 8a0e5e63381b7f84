"""The storage layer on SQLite and on a real PostgreSQL: migrations, the idempotency
guarantee, and durable settings. On CI (TRIAGE_REQUIRE_POSTGRES=1) PostgreSQL must be
reachable: the tests fail rather than skip."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from storage import (Assessment, AuditEvent, Consultation, Message, Organisation, User, get_engine,
                     migrate, session_factory)
from storage.db import normalise_url
from tests.conftest import skip_or_fail

PG_BASE = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_url() -> str:
    """A fresh database on the PostgreSQL server for this test run."""
    import psycopg

    admin = normalise_url(PG_BASE).replace("postgresql+psycopg://", "postgresql://")
    name = f"triage_test_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL is not reachable at {PG_BASE}: {exc}".splitlines()[0],
                     "TRIAGE_REQUIRE_POSTGRES")
    return admin.rsplit("/", 1)[0] + "/" + name, admin, name


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'triage.db'}"
        return
    url, admin, name = _pg_url()
    yield url
    get_engine(normalise_url(url)).dispose()
    import psycopg
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seed(db):
    org = Organisation(name="Example Council")
    db.add(org)
    db.flush()
    u = User(username="t", display_name="T", role="professional", profession="teacher",
             organisation_id=org.id, password_hash="x")
    db.add(u)
    db.flush()
    c = Consultation(owner_id=u.id, organisation_id=org.id)
    db.add(c)
    db.commit()
    return u, c


def test_migrations_create_every_table_and_can_repeat(db_url):
    migrate(db_url)
    migrate(db_url)  # a second start-up must be harmless
    names = set(inspect(get_engine(normalise_url(db_url))).get_table_names())
    assert {"users", "organisations", "consultations", "messages", "assessments", "reviews",
            "audit_events", "alembic_version"} <= names


def test_the_same_idempotency_key_is_stored_once(db_url):
    migrate(db_url)
    db = session_factory(db_url)()
    u, c = _seed(db)
    db.add(Message(consultation_id=c.id, seq=1, direction="in", text="hello", idempotency_key="k1"))
    db.commit()
    db.add(Message(consultation_id=c.id, seq=2, direction="in", text="hello", idempotency_key="k1"))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    n = db.scalar(select(func.count(Message.id)).where(Message.idempotency_key == "k1"))
    assert n == 1
    db.close()


def test_records_round_trip_with_json(db_url):
    migrate(db_url)
    db = session_factory(db_url)()
    u, c = _seed(db)
    result = {"level": 4, "recommendation": "mash_referral", "indicators": [{"id": "x", "evidence": "bruise ✓"}]}
    db.add(Assessment(consultation_id=c.id, level=4, recommendation="mash_referral",
                      needs_human_review=False, rulebook_name="R", rulebook_version="1", result=result))
    db.add(AuditEvent(user_id=u.id, action="read", object_type="consultation", object_id=c.id))
    db.commit()
    db.close()
    db = session_factory(db_url)()
    got = db.get(Consultation, c.id)
    assert got.assessments[0].result == result
    assert got.reference.startswith("C-")
    db.close()


def test_sqlite_is_opened_for_durability(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    migrate(url)
    with get_engine(normalise_url(url)).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar().lower() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_postgres_urls_are_normalised_to_psycopg3():
    assert normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_url(None).startswith("sqlite:///")
