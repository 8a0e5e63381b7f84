"""The pages: sign-in, the professional's chat and consultations, the advisor's queue,
detail and review form. Server-rendered with GOV.UK Frontend; the chat works with
JavaScript (quick replies, live region) and without it (plain form posts)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import datetime, timezone
from pathlib import Path

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import Consultation, Review, User

from ..deps import get_db
from ..routes.auth import authenticate
from ..security import create_token
from ..services import consultations as svc
from ..settings import Settings, get_settings
from ..web_auth import COOKIE, LoginRequired, check_csrf, page_user

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))

RECOMMENDATION = {"hold_case": "Hold the case in your own service",
                  "early_help_assessment": "Early help assessment, with consent",
                  "mash_referral": "Refer to the MASH now",
                  "emergency_999": "Phone 999 now, then the MASH"}


def highlight(text: str | None, indicators: list[dict] | None, offset_text: str | None) -> Markup:
    """The caller's words with the evidence for each indicator marked."""
    if not text:
        return Markup("")
    spans = sorted({(i["start"], i["end"]) for i in indicators or [] if i.get("end", 0) > i.get("start", 0)
                    and offset_text == text})
    out, pos = [], 0
    for s, e in spans:
        if s < pos:
            continue
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def render(request: Request, name: str, **ctx) -> HTMLResponse:
    ctx.setdefault("user", None)
    ctx["csrf"] = getattr(request.state, "csrf", "")
    ctx["RECOMMENDATION"] = RECOMMENDATION
    return templates.TemplateResponse(request, name, ctx)


def install(app) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        if request.url.path.startswith("/web/"):
            return JSONResponse({"detail": "Your session has ended: sign in again."}, status_code=401)
        return RedirectResponse("/login", status_code=303)


@router.get("/")
def home(request: Request, db: Session = Depends(get_db), settings: Settings = Depends(get_settings)):
    try:
        user = page_user(request, db, settings)
    except LoginRequired:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/advisor" if user.role in ("advisor", "admin") else "/chat", status_code=303)


@router.get("/login")
def login_page(request: Request):
    return render(request, "login.html", error=None)


@router.post("/login")
def login(request: Request, username: str = Form("", max_length=100),
          password: str = Form("", max_length=200), db: Session = Depends(get_db),
          settings: Settings = Depends(get_settings)):
    try:
        user = authenticate(db, settings, username, password,
                            request.client.host if request.client else "?")
    except HTTPException as exc:
        resp = render(request, "login.html", error=exc.detail, username=username)
        resp.status_code = exc.status_code
        return resp
    resp = RedirectResponse("/", status_code=303)
    resp.set_cookie(COOKIE, create_token(user.id, settings.key(), settings.token_minutes, "web"),
                    httponly=True, samesite="lax", secure=settings.secure_cookies,
                    max_age=settings.token_minutes * 60)
    return resp


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout():
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(COOKIE)
    return resp


# -- professionals ---------------------------------------------------------------------
@router.get("/chat")
def chat_page(request: Request, c: str | None = None, user: User = Depends(page_user),
              db: Session = Depends(get_db)):
    consultation = svc.visible_consultation(db, user, c) if c else None
    data = svc.serialise(consultation) if consultation else None
    return render(request, "chat.html", user=user, consultation=data)


@router.post("/web/consultations", dependencies=[Depends(check_csrf)])
def web_start(request: Request, user: User = Depends(page_user), db: Session = Depends(get_db),
              settings: Settings = Depends(get_settings)):
    out = svc.start_consultation(db, user, settings)
    if "application/json" in request.headers.get("accept", ""):
        return out
    return RedirectResponse(f"/chat?c={out['id']}", status_code=303)


@router.post("/web/consultations/{cid}/messages", dependencies=[Depends(check_csrf)])
def web_message(cid: str, request: Request, text: str | None = Form(None, max_length=5000),
                payload: str | None = Form(None, max_length=500),
                key: str | None = Form(None, max_length=200),
                user: User = Depends(page_user), db: Session = Depends(get_db),
                settings: Settings = Depends(get_settings)):
    text = text if text and text.strip() else None
    if (text is None) == (payload is None):
        raise HTTPException(422, detail="Type a message or choose an answer.")
    out = svc.post_message(db, user, settings, cid, text=text, payload=payload,
                           idempotency_key=key or str(uuid.uuid4()))
    if "application/json" in request.headers.get("accept", ""):
        return out
    return RedirectResponse(f"/chat?c={cid}", status_code=303)


@router.get("/consultations")
def my_consultations(request: Request, user: User = Depends(page_user), db: Session = Depends(get_db)):
    rows = db.scalars(select(Consultation).where(Consultation.owner_id == user.id)
                      .order_by(Consultation.created_at.desc()).limit(200)).all()
    return render(request, "my_consultations.html", user=user, rows=rows)


@router.get("/consultations/{cid}")
def consultation_page(cid: str, request: Request, user: User = Depends(page_user),
                      db: Session = Depends(get_db)):
    c = svc.visible_consultation(db, user, cid)
    svc.audit(db, user, "read", "consultation", c.id)
    db.commit()
    return render(request, "summary.html", user=user, c=svc.serialise(c))


# -- advisors ------------------------------------------------------------------------
def _advisor(user: User = Depends(page_user)) -> User:
    if user.role not in ("advisor", "admin"):
        raise HTTPException(403, detail="Only early help advisors can see this page.")
    return user


def _urgency(c: Consultation) -> tuple:
    a = c.assessments[-1] if c.assessments else None
    unreviewed = c.review_status == "unreviewed"
    rank = 0
    if a and unreviewed and a.recommendation == "emergency_999":
        rank = 4
    elif a and unreviewed and a.level == 4:
        rank = 3
    elif unreviewed and (c.needs_callback or (a and a.needs_human_review)):
        rank = 2
    elif unreviewed:
        rank = 1
    return (-rank, c.created_at)


@router.get("/advisor")
def queue(request: Request, level: int | None = None, review_status: str | None = None,
          user: User = Depends(_advisor), db: Session = Depends(get_db)):
    rows = db.scalars(select(Consultation).where(Consultation.organisation_id == user.organisation_id)
                      .order_by(Consultation.created_at.desc()).limit(500)).all()
    if review_status:
        rows = [c for c in rows if c.review_status == review_status]
    if level:
        rows = [c for c in rows if c.assessments and c.assessments[-1].level == level]
    rows = sorted(rows, key=_urgency)
    now = datetime.now(timezone.utc)

    def waited(c):
        mins = int((now - c.created_at.replace(tzinfo=c.created_at.tzinfo or timezone.utc)).total_seconds() // 60)
        return f"{mins // 60} h {mins % 60} min" if mins >= 60 else f"{mins} min"

    svc.audit(db, user, "list", "consultation", None, f"queue {len(rows)} rows")
    db.commit()
    return render(request, "advisor_queue.html", user=user, rows=rows, waited=waited,
                  level=level, review_status=review_status)


@router.get("/advisor/consultations/{cid}")
def advisor_detail(cid: str, request: Request, user: User = Depends(_advisor),
                   db: Session = Depends(get_db)):
    c = svc.visible_consultation(db, user, cid)
    data = svc.serialise(c)
    a = data["assessment"] or {}
    # Evidence offsets refer to the text the engine assessed: highlight each caller
    # message where the evidence appears in it.
    marked = []
    for m in data["messages"]:
        if m["direction"] == "in" and m["text"]:
            spans = [{"start": m["text"].find(i["evidence"]), "end": m["text"].find(i["evidence"]) + len(i["evidence"])}
                     for i in a.get("indicators", []) if i.get("evidence") and i["evidence"] in m["text"]]
            marked.append((m, highlight(m["text"], spans, m["text"])))
        else:
            marked.append((m, escape(m["text"] or m["payload"] or "")))
    svc.audit(db, user, "read", "consultation", c.id)
    db.commit()
    return render(request, "advisor_detail.html", user=user, c=data, marked=marked, a=a)


@router.post("/advisor/consultations/{cid}/review", dependencies=[Depends(check_csrf)])
def advisor_review(cid: str, request: Request, decision: str = Form(...),
                   new_level: str | None = Form(None), reason: str | None = Form(None, max_length=2000),
                   user: User = Depends(_advisor), db: Session = Depends(get_db)):
    c = svc.visible_consultation(db, user, cid)
    errors = []
    if decision not in ("agree", "change", "actioned", "callback_done"):
        errors.append("Choose what to record.")
    lvl = int(new_level) if new_level and new_level.isdigit() and 1 <= int(new_level) <= 4 else None
    if decision == "change" and (lvl is None or not (reason or "").strip()):
        errors.append("To change the level, choose the new level and give a reason.")
    if errors:
        data = svc.serialise(c)
        resp = render(request, "advisor_detail.html", user=user, c=data, a=data["assessment"] or {},
                      marked=[(m, escape(m["text"] or m["payload"] or "")) for m in data["messages"]],
                      errors=errors)
        resp.status_code = 422
        return resp
    db.add(Review(consultation_id=c.id, advisor_id=user.id, decision=decision, new_level=lvl,
                  reason=reason))
    c.review_status = {"agree": "agreed", "change": "changed", "actioned": "actioned"}.get(decision, c.review_status)
    if decision == "callback_done":
        c.needs_callback = False
    svc.audit(db, user, f"review_{decision}", "consultation", c.id, reason)
    db.commit()
    return RedirectResponse(f"/advisor/consultations/{cid}?saved=1", status_code=303)


@router.get("/advisor/export.csv")
def export_csv(user: User = Depends(_advisor), db: Session = Depends(get_db)):
    rows = db.scalars(select(Consultation).where(Consultation.organisation_id == user.organisation_id)
                      .order_by(Consultation.created_at.desc())).all()
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["reference", "created_at", "caller_role", "level", "recommendation",
                "needs_human_review", "review_status", "needs_callback"])

    def safe(v):  # no spreadsheet formula injection
        s = "" if v is None else str(v)
        return "'" + s if s[:1] in ("=", "+", "-", "@", "\t", "\r") else s

    for c in rows:
        a = c.assessments[-1] if c.assessments else None
        w.writerow([safe(x) for x in (c.reference, c.created_at.isoformat(), c.caller_role,
                                      a.level if a else "", a.recommendation if a else "",
                                      a.needs_human_review if a else "", c.review_status,
                                      c.needs_callback)])
    svc.audit(db, user, "export", "consultation", None, f"{len(rows)} rows")
    db.commit()
    return Response(buf.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": "attachment; filename=consultations.csv"})
