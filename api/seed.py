"""Demo accounts, created only when TRIAGE_DEMO_PASSWORD is set and no user exists."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import Organisation, User

from .security import hash_password

DEMO_USERS = [
    ("demo.teacher", "Demo Teacher (DSL)", "professional", "teacher"),
    ("demo.gp", "Demo GP", "professional", "gp"),
    ("demo.advisor", "Demo Early Help Advisor", "advisor", None),
]


def organisation(db: Session, name: str = "Example Council") -> Organisation:
    org = db.scalar(select(Organisation).where(Organisation.name == name))
    if org is None:
        org = Organisation(name=name)
        db.add(org)
        db.flush()
    return org


def seed_demo_users(db: Session, password: str | None) -> bool:
    if not password or db.scalar(select(func.count(User.id))):
        return False
    org = organisation(db)
    for username, display, role, profession in DEMO_USERS:
        db.add(User(username=username, display_name=display, role=role, profession=profession,
                    organisation_id=org.id, password_hash=hash_password(password)))
    db.commit()
    return True
