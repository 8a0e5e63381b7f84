"""A chat turn, stored safely: the one place that writes consultation records.

Order of work for a caller's message:
1. store it (with its idempotency key) and commit, before anything else happens;
2. send it to the engine, tagged with the key;
3. store the replies, any assessment and any handoff, and the response itself, in one
   transaction, and mark the message answered.
A repeat with the same key returns the stored response. If the gateway died between
2 and 3, the retry first asks the engine's tracker whether it already handled the
message, and rebuilds the replies from there rather than sending it twice.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import httpx
from fastapi import HTTPException, status
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage import Assessment, AuditEvent, Consultation, Message, User

from ..settings import Settings

START = "/start_consultation"


class EngineUnavailable(Exception):
    pass


# -- the engine ------------------------------------------------------------------------
_clients: dict[str, httpx.Client] = {}
_clients_lock = threading.Lock()


def _engine(settings: Settings) -> httpx.Client:
    """One pooled keep-alive client per engine address, shared by all request threads
    (a new connection per chat turn costs a TCP handshake and a socket each time)."""
    client = _clients.get(settings.engine)
    if client is None:
        with _clients_lock:
            client = _clients.get(settings.engine)
            if client is None:
                client = _clients[settings.engine] = httpx.Client(
                    base_url=settings.engine,
                    limits=httpx.Limits(max_connections=64, max_keepalive_connections=32))
    return client


def _engine_send(settings: Settings, sender: str, message: str, metadata: dict) -> list[dict]:
    try:
        r = _engine(settings).post("/webhooks/rest/webhook",
                                   json={"sender": sender, "message": message, "metadata": metadata},
                                   timeout=settings.engine_timeout_seconds)
        r.raise_for_status()
        data = r.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise EngineUnavailable(str(exc)) from exc
    if not isinstance(data, list):
        raise EngineUnavailable("unexpected reply from the engine")
    return data


def _engine_replay(settings: Settings, sender: str, key: str) -> list[dict] | None:
    """The replies the engine already gave to the message tagged `key`, if it got it."""
    params = {"token": settings.engine_api_token} if settings.engine_api_token else {}
    try:
        r = _engine(settings).get(f"/conversations/{sender}/tracker", params=params, timeout=5)
        if r.status_code != 200:
            return None
        events = r.json().get("events") or []
    except (httpx.HTTPError, ValueError):
        return None
    found, replies = False, []
    for ev in events:
        if ev.get("event") == "user":
            if found:
                break
            found = (ev.get("metadata") or {}).get("message_key") == key
        elif found and ev.get("event") == "bot":
            data = ev.get("data") or {}
            msg: dict[str, Any] = {}
            if ev.get("text"):
                msg["text"] = ev["text"]
            if data.get("buttons"):
                msg["buttons"] = data["buttons"]
            if data.get("custom"):
                msg["custom"] = data["custom"]
            if msg:
                replies.append(msg)
    return replies if found else None


def unavailable() -> HTTPException:
    return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE,
                         detail="The assistant is not available right now; your message is saved. "
                                "Try again in a moment. If a child is in immediate danger, phone 999.")


# -- storing -----------------------------------------------------------------------------
def audit(db: Session, user: User | None, action: str, object_type: str, object_id: str | None,
          detail: str | None = None) -> None:
    db.add(AuditEvent(user_id=user.id if user else None, action=action, object_type=object_type,
                      object_id=object_id, detail=(detail or "")[:500] or None))


def _next_seq(db: Session, cid: str) -> int:
    return (db.scalar(select(func.max(Message.seq)).where(Message.consultation_id == cid)) or 0) + 1


def _store_replies(db: Session, c: Consultation, replies: list[dict]) -> dict:
    """Turn the engine's reply list into stored messages and the API's response."""
    shown: list[dict] = []
    assessment = None
    seq = _next_seq(db, c.id)
    for r in replies:
        custom = r.get("custom")
        if isinstance(custom, dict):
            if custom.get("type") == "assessment" and isinstance(custom.get("assessment"), dict):
                assessment = custom["assessment"]
            elif custom.get("type") == "handoff":
                c.needs_callback = True
                c.callback_reason = str(custom.get("reason") or "caller asked for a person")[:300]
            continue
        text = r.get("text")
        if not text:
            continue
        buttons = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                   for b in r.get("buttons") or [] if isinstance(b, dict)]
        db.add(Message(consultation_id=c.id, seq=seq, direction="out", text=text,
                       buttons=buttons or None))
        seq += 1
        shown.append({"text": text, "buttons": buttons})
    if assessment is not None:
        db.add(Assessment(
            consultation_id=c.id, level=int(assessment.get("level", 4)),
            recommendation=str(assessment.get("recommendation", "mash_referral")),
            needs_human_review=bool(assessment.get("needs_human_review")),
            rulebook_name=str((assessment.get("rulebook") or {}).get("name", "")),
            rulebook_version=str((assessment.get("rulebook") or {}).get("version", "")),
            result=assessment))
        c.status = "advised"
        c.review_status = "unreviewed"
    return {"messages": shown, "assessment": assessment}


def visible_consultation(db: Session, user: User, cid: str) -> Consultation:
    """The consultation if this user may see it; 404 otherwise (never reveal it exists)."""
    c = db.get(Consultation, cid) if isinstance(cid, str) and len(cid) <= 36 else None
    if c is None or not (c.owner_id == user.id or
                         (user.role in ("advisor", "admin") and c.organisation_id == user.organisation_id)):
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="No such consultation.")
    return c


def start_consultation(db: Session, user: User, settings: Settings) -> dict:
    cid = str(uuid.uuid4())
    try:
        replies = _engine_send(settings, cid, START, {"caller_role": user.profession or ""})
    except EngineUnavailable:
        raise unavailable() from None
    c = Consultation(id=cid, owner_id=user.id, organisation_id=user.organisation_id,
                     caller_role=user.profession)
    db.add(c)
    db.flush()
    out = _store_replies(db, c, replies)
    audit(db, user, "create", "consultation", cid)
    db.commit()
    return {"id": c.id, "reference": c.reference, "messages": out["messages"]}


def post_message(db: Session, user: User, settings: Settings, consultation_id: str,
                 text: str | None = None, payload: str | None = None,
                 idempotency_key: str | None = None) -> dict:
    c = visible_consultation(db, user, consultation_id)
    if c.owner_id != user.id:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            detail="Only the professional who started a consultation can add to it.")
    key = idempotency_key or str(uuid.uuid4())
    said = text if text is not None else payload
    msg = db.scalar(select(Message).where(Message.consultation_id == c.id,
                                          Message.idempotency_key == key))
    if msg is not None:
        if (msg.text, msg.payload) != (text, payload):
            raise HTTPException(status.HTTP_409_CONFLICT,
                                detail="This Idempotency-Key was already used for a different message.")
        if msg.answered and msg.response is not None:
            return msg.response
        replies = _engine_replay(settings, c.id, key)
    else:
        for _attempt in range(5):
            msg = Message(consultation_id=c.id, seq=_next_seq(db, c.id), direction="in",
                          text=text, payload=payload, idempotency_key=key)
            db.add(msg)
            try:
                audit(db, user, "message", "consultation", c.id)
                db.commit()
                break
            except IntegrityError:
                db.rollback()
                existing = db.scalar(select(Message).where(Message.consultation_id == c.id,
                                                           Message.idempotency_key == key))
                if existing is not None:
                    if existing.answered and existing.response is not None:
                        return existing.response
                    raise HTTPException(status.HTTP_409_CONFLICT,
                                        detail="This message is already being answered; retry shortly.")
        else:
            raise HTTPException(status.HTTP_409_CONFLICT, detail="Busy: retry the message.")
        replies = None
    if replies is None:
        try:
            replies = _engine_send(settings, c.id, said,
                                   {"message_key": key, "caller_role": user.profession or ""})
        except EngineUnavailable:
            raise unavailable() from None
    response = _store_replies(db, c, replies)
    msg.answered = True
    msg.response = response
    db.commit()
    return response


def serialise(c: Consultation) -> dict:
    latest = c.assessments[-1] if c.assessments else None
    return {
        "id": c.id, "reference": c.reference, "status": c.status,
        "caller_role": c.caller_role, "created_at": c.created_at.isoformat(),
        "needs_callback": c.needs_callback, "callback_reason": c.callback_reason,
        "review_status": c.review_status,
        "messages": [{"seq": m.seq, "direction": m.direction, "text": m.text,
                      "payload": m.payload, "buttons": m.buttons or [],
                      "idempotency_key": m.idempotency_key,
                      "created_at": m.created_at.isoformat()} for m in c.messages],
        "assessment": latest.result if latest else None,
        "reviews": [{"decision": r.decision, "new_level": r.new_level, "reason": r.reason,
                     "advisor": r.advisor.username, "created_at": r.created_at.isoformat()}
                    for r in c.reviews],
    }
