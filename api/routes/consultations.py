"""Chat consultations: start, send a message, read one, list them (advisors), review."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Literal

from fastapi import APIRouter, Depends, Header, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import Assessment, Consultation, Review, User

from ..deps import advisor, current_user, get_db
from ..limits import message_limiter
from ..services import consultations as svc
from ..settings import Settings, get_settings

router = APIRouter(prefix="/api/v1", tags=["consultations"])


def _clean(v: str | None, limit: int) -> str | None:
    if v is None:
        return v
    if "\x00" in v:
        raise ValueError("must not contain NUL characters")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    if not v.strip():
        raise ValueError("must not be empty")
    if len(v) > limit:
        raise ValueError(f"is too long ({len(v)} characters; at most {limit})")
    return v


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(None, description="what the caller typed")
    payload: str | None = Field(None, description="the payload of a button the caller pressed")

    @field_validator("text")
    @classmethod
    def _text(cls, v):
        return _clean(v, get_settings().max_message_chars)

    @field_validator("payload")
    @classmethod
    def _payload(cls, v):
        return _clean(v, 500)

    @model_validator(mode="after")
    def _one(self):
        if (self.text is None) == (self.payload is None):
            raise ValueError("send exactly one of 'text' or 'payload'")
        return self


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    decision: Literal["agree", "change", "actioned", "callback_done"]
    new_level: int | None = Field(None, ge=1, le=4)
    reason: str | None = Field(None, max_length=2000)

    @model_validator(mode="after")
    def _reason(self):
        if self.decision == "change" and (self.new_level is None or not (self.reason or "").strip()):
            raise ValueError("changing the level needs new_level and a reason")
        return self


@router.post("/consultations")
def start(user: User = Depends(current_user), db: Session = Depends(get_db),
          settings: Settings = Depends(get_settings)) -> dict:
    if user.role != "professional":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only professionals start consultations.")
    message_limiter.hit(f"user:{user.id}", settings.rate_limit_per_minute)
    return svc.start_consultation(db, user, settings)


@router.post("/consultations/{consultation_id}/messages")
def message(consultation_id: str, body: MessageIn,
            idempotency_key: str | None = Header(None, max_length=200),
            user: User = Depends(current_user), db: Session = Depends(get_db),
            settings: Settings = Depends(get_settings)) -> dict:
    message_limiter.hit(f"user:{user.id}", settings.rate_limit_per_minute)
    return svc.post_message(db, user, settings, consultation_id, text=body.text,
                            payload=body.payload, idempotency_key=idempotency_key)


@router.get("/consultations/{consultation_id}")
def read(consultation_id: str, user: User = Depends(current_user),
         db: Session = Depends(get_db)) -> dict:
    c = svc.visible_consultation(db, user, consultation_id)
    svc.audit(db, user, "read", "consultation", c.id)
    db.commit()
    return svc.serialise(c)


@router.get("/consultations")
def listing(level: int | None = Query(None, ge=1, le=4),
            recommendation: Literal["hold_case", "early_help_assessment", "mash_referral",
                                    "emergency_999"] | None = None,
            review_status: Literal["unreviewed", "agreed", "changed", "actioned"] | None = None,
            date_from: date | None = None, date_to: date | None = None,
            limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
            user: User = Depends(advisor), db: Session = Depends(get_db)) -> dict:
    q = select(Consultation).where(Consultation.organisation_id == user.organisation_id)
    if review_status:
        q = q.where(Consultation.review_status == review_status)
    if date_from:
        q = q.where(Consultation.created_at >= datetime.combine(date_from, time.min, timezone.utc))
    if date_to:
        q = q.where(Consultation.created_at <= datetime.combine(date_to, time.max, timezone.utc))
    if level is not None or recommendation:
        sub = select(Assessment.consultation_id)
        if level is not None:
            sub = sub.where(Assessment.level == level)
        if recommendation:
            sub = sub.where(Assessment.recommendation == recommendation)
        q = q.where(Consultation.id.in_(sub))
    rows = db.scalars(q.order_by(Consultation.created_at.desc(), Consultation.id)
                      .limit(limit).offset(offset)).all()
    items = []
    for c in rows:
        a = c.assessments[-1] if c.assessments else None
        items.append({"id": c.id, "reference": c.reference, "created_at": c.created_at.isoformat(),
                      "caller_role": c.caller_role, "status": c.status,
                      "review_status": c.review_status, "needs_callback": c.needs_callback,
                      "level": a.level if a else None,
                      "recommendation": a.recommendation if a else None,
                      "needs_human_review": a.needs_human_review if a else None})
    svc.audit(db, user, "list", "consultation", None, f"{len(items)} rows")
    db.commit()
    return {"items": items, "limit": limit, "offset": offset}


@router.post("/consultations/{consultation_id}/reviews")
def review(consultation_id: str, body: ReviewIn, user: User = Depends(advisor),
           db: Session = Depends(get_db)) -> dict:
    c = svc.visible_consultation(db, user, consultation_id)
    db.add(Review(consultation_id=c.id, advisor_id=user.id, decision=body.decision,
                  new_level=body.new_level, reason=body.reason))
    c.review_status = {"agree": "agreed", "change": "changed", "actioned": "actioned"}.get(
        body.decision, c.review_status)
    if body.decision == "callback_done":
        c.needs_callback = False
    svc.audit(db, user, f"review_{body.decision}", "consultation", c.id, body.reason)
    db.commit()
    db.refresh(c)
    return svc.serialise(c)
