"""Account administration: `python -m api.admin create-user USERNAME --role advisor ...`.

The password is read from the terminal (or PASSWORD in the environment for scripts),
never from the command line, so it does not end up in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from sqlalchemy import select

from storage import User, migrate, session_factory

from .security import hash_password
from .seed import organisation
from .settings import get_settings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m api.admin")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("create-user")
    c.add_argument("username")
    c.add_argument("--role", choices=["professional", "advisor", "admin"], required=True)
    c.add_argument("--profession", help="teacher, gp, health_visitor, school_nurse, police...")
    c.add_argument("--name", help="display name")
    c.add_argument("--organisation", default="Example Council")
    args = p.parse_args(argv)
    settings = get_settings()
    migrate(settings.database_url)
    db = session_factory(settings.database_url)()
    if db.scalar(select(User).where(User.username == args.username)):
        print(f"user {args.username} already exists", file=sys.stderr)
        return 1
    password = os.environ.get("PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        print("the password must be at least 10 characters", file=sys.stderr)
        return 2
    org = organisation(db, args.organisation)
    db.add(User(username=args.username, display_name=args.name or args.username, role=args.role,
                profession=args.profession, organisation_id=org.id,
                password_hash=hash_password(password)))
    db.commit()
    print(f"created {args.role} {args.username}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
