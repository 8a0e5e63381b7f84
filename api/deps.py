"""Injected dependencies: the database session and the signed-in user."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from storage import User, session_factory

from .security import read_token
from .settings import Settings, get_settings

oauth2 = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_db(settings: Settings = Depends(get_settings)) -> Iterator[Session]:
    db = session_factory(settings.database_url)()
    try:
        yield db
    finally:
        db.close()


def unauthorised(detail: str = "Sign in first: send Authorization: Bearer <token>.") -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail,
                         headers={"WWW-Authenticate": "Bearer"})


def current_user(token: str | None = Depends(oauth2), db: Session = Depends(get_db),
                 settings: Settings = Depends(get_settings)) -> User:
    if not token:
        raise unauthorised()
    uid = read_token(token, settings.key())
    user = db.get(User, uid) if uid is not None else None
    if user is None or not user.active:
        raise unauthorised("The token is invalid or has expired: sign in again.")
    return user


def advisor(user: User = Depends(current_user)) -> User:
    if user.role not in ("advisor", "admin"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only early help advisors can do this.")
    return user
