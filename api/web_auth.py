"""Sign-in for the pages: a signed, HTTP-only session cookie and a CSRF token.

The session cookie holds a short-lived signed token (never a password), is HTTP-only
and SameSite=Lax, and is `Secure` unless the site is being served over plain HTTP on
the machine itself (development at http://127.0.0.1); SECURE_COOKIES=true/false in the
environment forces it either way. Every form post and every chat call must carry the
CSRF token, which is bound to the session (an HMAC of the session token), in a form
field or the X-CSRF-Token header. The sign-in form, which has no session yet, uses a
double-submit cookie instead, so nobody can sign a professional into another account.
Signing out is recorded in the audit trail and ends that user's earlier sessions on
every gateway, so a copied cookie stops working too.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from fastapi import Depends, HTTPException, Request, Response, status
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import AuditEvent, User

from .deps import get_db
from .security import ALGORITHM, create_token, read_token
from .settings import Settings, get_settings

COOKIE = "triage_session"
LOGIN_CSRF_COOKIE = "triage_login_csrf"
PURPOSE = "web"
ADVISOR_ROLES = ("advisor", "admin")


class LoginRequired(HTTPException):
    """Not signed in: pages redirect to /login, the chat's JSON calls get 401."""

    def __init__(self, json: bool = False):
        if json:
            super().__init__(status.HTTP_401_UNAUTHORIZED,
                             detail="Your session has ended: sign in again.")
        else:
            super().__init__(status.HTTP_303_SEE_OTHER, detail="Sign in first.",
                             headers={"Location": "/login"})


def _is_loopback(host: str | None) -> bool:
    host = (host or "").strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cookie_secure(request: Request, settings: Settings) -> bool:
    """Secure by default; off only for plain HTTP on loopback, unless forced."""
    forced = os.environ.get("SECURE_COOKIES")
    if forced is not None and forced.strip():
        return forced.strip().lower() in ("1", "true", "yes", "on")
    if settings.secure_cookies or request.url.scheme == "https":
        return True
    return not _is_loopback(request.url.hostname)


def csrf_token(session_token: str, secret: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + session_token.encode(), hashlib.sha256).hexdigest()


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/web/") or \
        "application/json" in request.headers.get("accept", "")


def _issued_at(token: str, secret: str) -> datetime | None:
    try:
        iat = jwt.decode(token, secret, algorithms=[ALGORITHM]).get("iat")
        return datetime.fromtimestamp(int(iat), timezone.utc)
    except (jwt.PyJWTError, TypeError, ValueError):
        return None


def signed_out_since(db: Session, user: User, issued: datetime | None) -> bool:
    """Signing out ends every session of that user issued before it, on every gateway
    (the sign-out is in the audit trail, which all gateways share)."""
    if issued is None:
        return True
    last = db.scalar(select(func.max(AuditEvent.at)).where(
        AuditEvent.user_id == user.id, AuditEvent.action == "logout"))
    if last is None:
        return False
    last = last if last.tzinfo else last.replace(tzinfo=timezone.utc)
    return last >= issued + timedelta(seconds=1)  # iat is whole seconds


def session_user(request: Request, db: Session, settings: Settings) -> User | None:
    """The signed-in user from the session cookie, or None; sets request.state.csrf."""
    tok = request.cookies.get(COOKIE)
    uid = read_token(tok, settings.key(), purpose=PURPOSE) if tok else None
    user = db.get(User, uid) if uid is not None else None
    if user is None or not user.active:
        return None
    if signed_out_since(db, user, _issued_at(tok, settings.key())):
        return None
    request.state.csrf = csrf_token(tok, settings.key())
    request.state.user = user
    return user


def page_user(request: Request, db: Session = Depends(get_db),
              settings: Settings = Depends(get_settings)) -> User:
    user = session_user(request, db, settings)
    if user is None:
        raise LoginRequired(json=wants_json(request))
    return user


def professional(user: User = Depends(page_user)) -> User:
    if user.role != "professional":
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            detail="Only professionals can start or add to a consultation.")
    return user


def advisor(user: User = Depends(page_user)) -> User:
    if user.role not in ADVISOR_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            detail="Only early help advisors can see this page.")
    return user


async def _sent_token(request: Request, field: str = "csrf_token") -> str | None:
    sent = request.headers.get("x-csrf-token")
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(field)
        sent = value if isinstance(value, str) else None
    return sent


def _refused() -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN,
                         detail="The form expired or was not sent from this site: "
                                "reload the page and try again.")


async def check_csrf(request: Request, settings: Settings = Depends(get_settings)) -> None:
    """Every state-changing request from the pages must carry the session's token."""
    tok = request.cookies.get(COOKIE) or ""
    sent = await _sent_token(request)
    if not tok or not sent or not hmac.compare_digest(str(sent), csrf_token(tok, settings.key())):
        raise _refused()


def new_login_csrf() -> str:
    return secrets.token_urlsafe(32)


async def check_login_csrf(request: Request) -> None:
    """Double-submit check for the sign-in form (there is no session to bind to yet)."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    sent = await _sent_token(request)
    if not cookie or not sent or not hmac.compare_digest(str(sent), cookie):
        raise _refused()


def set_login_csrf(response: Response, request: Request, settings: Settings, value: str) -> None:
    response.set_cookie(LOGIN_CSRF_COOKIE, value, httponly=True, samesite="strict",
                        secure=cookie_secure(request, settings), path="/login", max_age=3600)


def start_session(response: Response, request: Request, user: User, settings: Settings) -> None:
    token = create_token(user.id, settings.key(), settings.token_minutes, PURPOSE)
    response.set_cookie(COOKIE, token, httponly=True, samesite="lax",
                        secure=cookie_secure(request, settings), path="/",
                        max_age=settings.token_minutes * 60)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")


def end_session(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=cookie_secure(request, settings))
