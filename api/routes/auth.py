"""Sign-in for the API: OAuth2 password flow, bearer tokens."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from fastapi import APIRouter, Depends, Form, HTTPException, Request, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import User

from ..deps import current_user, get_db
from ..limits import login_limiter
from ..security import create_token, verify_password
from ..services.consultations import audit
from ..settings import Settings, get_settings

router = APIRouter(prefix="/api/v1", tags=["auth"])


def authenticate(db: Session, settings: Settings, username: str, password: str,
                 client: str) -> User:
    """Check a username and password, with lockout after repeated failures."""
    login_limiter.hit(f"ip:{client}", 30)
    user = db.scalar(select(User).where(User.username == username[:100]))
    now = datetime.now(timezone.utc)
    locked = user is not None and user.locked_until is not None and \
        user.locked_until.replace(tzinfo=user.locked_until.tzinfo or timezone.utc) > now
    ok = verify_password(password, user.password_hash if user else None)
    if locked:
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS,
                            detail="Too many failed sign-ins: try again later.",
                            headers={"Retry-After": str(settings.login_lockout_minutes * 60)})
    if not ok or user is None or not user.active:
        if user is not None:
            user.failed_logins += 1
            if user.failed_logins >= settings.login_max_failures:
                user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
                user.failed_logins = 0
            audit(db, user, "login_failed", "user", str(user.id))
            db.commit()
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Wrong username or password.",
                            headers={"WWW-Authenticate": "Bearer"})
    user.failed_logins = 0
    user.locked_until = None
    audit(db, user, "login", "user", str(user.id))
    db.commit()
    return user


@router.post("/auth/token")
def token(request: Request, username: str = Form(..., max_length=100),
          password: str = Form(..., max_length=200), db: Session = Depends(get_db),
          settings: Settings = Depends(get_settings)) -> dict:
    user = authenticate(db, settings, username, password,
                        request.client.host if request.client else "?")
    return {"access_token": create_token(user.id, settings.key(), settings.token_minutes),
            "token_type": "bearer"}


@router.get("/me")
def me(user: User = Depends(current_user)) -> dict:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "profession": user.profession, "organisation": user.organisation.name}
