"""`python -m storage upgrade`: apply the migrations to DATABASE_URL (or the default)."""

import os
import sys

from .db import migrate, normalise_url

if __name__ == "__main__":
    if sys.argv[1:] != ["upgrade"]:
        print("usage: python -m storage upgrade", file=sys.stderr)
        sys.exit(2)
    url = os.environ.get("DATABASE_URL")
    migrate(url)
    print(f"schema up to date: {normalise_url(url).split('@')[-1]}")
