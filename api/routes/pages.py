"""The pages: sign-in, the professional's chat and consultations, the advisor's queue,
detail, review form, export and statistics.

Server-rendered with GOV.UK Frontend (built from npm into /static/govuk). The chat
works with JavaScript (quick replies, a live region, no reloads) and without it
(plain form posts that re-render the page with the transcript). The pages use the
same service functions as the JSON API, behind the session cookie and a CSRF token,
and every read or change of a consultation writes an audit event.
"""

from __future__ import annotations

import csv
import io
import secrets
import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage import Consultation, Review, User

from ..deps import get_db
from ..limits import message_limiter
from ..routes.auth import authenticate
from ..services import consultations as svc
from ..settings import Settings, get_settings
from ..web_auth import (ADVISOR_ROLES, advisor, check_csrf, check_login_csrf, end_session,
                        new_login_csrf, page_user, professional, session_user, set_login_csrf,
                        start_session, wants_json)

ENGINE_DOWN = "The assistant is not available right now. If a child is in immediate danger, phone 999."
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LEVELS = (1, 2, 3, 4)
RECOMMENDATIONS = ("hold_case", "early_help_assessment", "mash_referral", "emergency_999")
REVIEW_STATUSES = ("unreviewed", "agreed", "changed", "actioned")
DECISIONS = {"agree": "Agree with the assistant's advice",
             "change": "Change the level",
             "actioned": "Mark as actioned",
             "callback_done": "Call back done"}


# -- rendering ---------------------------------------------------------------------------
class PageRoute(APIRoute):
    """Errors on a page come back as a GOV.UK error page, not JSON (the chat's fetch
    calls, which ask for JSON, still get JSON)."""

    def get_route_handler(self) -> Callable:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                if wants_json(request):
                    raise
                problems = "; ".join(str(e.get("msg")) for e in exc.errors()) or "invalid request"
                return error_page(request, 422, f"Check the address: {problems}.")
            except HTTPException as exc:
                if wants_json(request):
                    raise
                if 300 <= exc.status_code < 400:
                    return RedirectResponse((exc.headers or {}).get("Location", "/login"),
                                            status_code=exc.status_code)
                return error_page(request, exc.status_code, str(exc.detail), exc.headers)

        return route


router = APIRouter(include_in_schema=False, route_class=PageRoute)
templates = Jinja2Templates(directory=str(TEMPLATES))


def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without a zone; they were stored in UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def when(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return ""
    return aware(value).strftime("%-d %B %Y, %H:%M UTC")


def waited(since: datetime | None, now: datetime | None = None) -> str:
    if since is None:
        return ""
    mins = max(0, int(((now or datetime.now(timezone.utc)) - aware(since)).total_seconds() // 60))
    if mins >= 48 * 60:
        return f"{mins // (24 * 60)} days"
    if mins >= 60:
        return f"{mins // 60} h {mins % 60} min"
    return f"{mins} min"


templates.env.filters["when"] = when
templates.env.globals["LEVELS"] = LEVELS


class Labels:
    """Words for levels, outcomes, routes and indicators, from the rulebook in force
    (one home per fact), with plain fallbacks for anything the rulebook lacks."""

    FALLBACK = {"hold_case": "Hold the case in your own service",
                "early_help_assessment": "Start an early help assessment, with the family's consent",
                "mash_referral": "Refer to the MASH now",
                "emergency_999": "Phone 999 now, then refer to the MASH"}

    def __init__(self) -> None:
        try:
            from thresholds import load_rulebook
            self.rb = load_rulebook()
        except Exception:  # noqa: BLE001 - the pages still work with plain words
            self.rb = None

    def outcome(self, rec: str | None) -> dict:
        try:
            return dict(self.rb.outcome(rec)) if self.rb else {}
        except (KeyError, TypeError):
            return {}

    def recommendation(self, rec: str | None) -> str:
        return self.outcome(rec).get("title") or self.FALLBACK.get(rec or "", rec or "")

    def level_name(self, n: int | None) -> str:
        try:
            return self.rb.level(n)["name"] if self.rb and n else ""
        except (KeyError, TypeError, ValueError):
            return ""

    def route(self, route_id: str) -> dict:
        try:
            r = dict(self.rb.route(route_id)) if self.rb else {}
        except KeyError:
            r = {}
        r.setdefault("title", route_id.replace("_", " "))
        r.setdefault("action", "")
        return r

    def indicator(self, indicator_id: str) -> str:
        try:
            return self.rb.indicator(indicator_id)["descriptor"] if self.rb else indicator_id
        except KeyError:
            return indicator_id.replace("_", " ")

    def domain(self, domain_id: str | None) -> str:
        try:
            return self.rb.domains[domain_id]["title"] if self.rb and domain_id else (domain_id or "")
        except (KeyError, TypeError):
            return (domain_id or "").replace("_", " ")

    def rulebook_contacts(self) -> dict:
        return dict(getattr(self.rb, "contacts", None) or {})


def render(request: Request, name: str, status_code: int = 200, **ctx) -> HTMLResponse:
    ctx.setdefault("user", getattr(request.state, "user", None))
    ctx["csrf"] = getattr(request.state, "csrf", "")
    ctx["labels"] = Labels()
    ctx["ADVISOR_ROLES"] = ADVISOR_ROLES
    ctx["csp_nonce"] = nonce = secrets.token_urlsafe(16)
    resp = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    resp.headers.update(page_headers(nonce))
    return resp


def page_headers(nonce: str) -> dict[str, str]:
    """Records about children stay off shared caches; only our own scripts run (the
    two small inline ones carry this response's nonce); no framing (clickjacking)."""
    return {
        "Cache-Control": "no-store",
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
            "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


ERROR_TITLES = {400: "There is a problem with the request", 403: "You cannot see this page",
                404: "Page not found", 409: "Please try again", 422: "There is a problem",
                429: "Too many attempts", 503: "The assistant is not available right now"}


def error_page(request: Request, code: int, detail: str, headers: dict | None = None) -> HTMLResponse:
    resp = render(request, "error.html", status_code=code, code=code, detail=detail,
                  title=ERROR_TITLES.get(code, "Sorry, there is a problem"))
    for k, v in (headers or {}).items():
        if k.lower() == "retry-after":
            resp.headers[k] = v
    return resp


def install(app) -> None:  # noqa: ARG001 - kept for api.main; PageRoute does the work
    """Nothing app-wide is needed: the pages handle their own errors (see PageRoute)."""


# -- consultation views --------------------------------------------------------------------
def transcript(data: dict) -> list[dict]:
    """Messages as shown to people: a pressed button is shown by its title, not its payload."""
    out, buttons = [], {}
    for m in data["messages"]:
        shown = m["text"]
        if shown is None and m.get("payload"):
            shown = buttons.get(m["payload"], m["payload"])
        if m["direction"] == "out":
            buttons = {b["payload"]: b["title"] for b in m.get("buttons") or []}
        out.append({**m, "shown": shown or ""})
    return out


def pending_buttons(data: dict) -> list[dict]:
    """Quick replies to offer: the last assistant message's buttons, if it spoke last."""
    msgs = data["messages"]
    if msgs and msgs[-1]["direction"] == "out":
        return msgs[-1].get("buttons") or []
    return []


def _mark(text: str, spans: list[tuple[int, int]]) -> Markup:
    """The text, escaped, with each piece of evidence in <mark> (overlaps merged)."""
    merged: list[list[int]] = []
    for s, e in sorted(sp for sp in set(spans) if 0 <= sp[0] < sp[1] <= len(text)):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], 0
    for s, e in merged:
        out.append(escape(text[pos:s]))
        out.append(Markup('<mark class="app-evidence">') + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def evidence_spans(messages: list[dict], indicators: list[dict]) -> dict[int, list[tuple[int, int]]]:
    """Where each indicator's evidence sits in the caller's own messages.

    The engine's start/end refer to the text it assessed: the caller's description,
    possibly joined with a later follow-up (`concern followup`, one space between).
    Find the caller message, or pair of messages, whose joined text puts every piece of
    evidence exactly at its start/end, and map the offsets back to those messages. If
    none fits (an older record), fall back to finding the evidence words themselves.
    """
    said = [(i, m["text"]) for i, m in enumerate(messages)
            if m["direction"] == "in" and m.get("text") and not m["text"].startswith("/")]
    inds = [i for i in indicators or [] if isinstance(i.get("start"), int)
            and isinstance(i.get("end"), int) and i.get("evidence")]
    spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
    if not inds:
        return spans
    candidates = [[s] for s in said] + [[a, b] for x, a in enumerate(said) for b in said[x + 1:]]
    for group in candidates:
        joined = " ".join(t for _, t in group)
        if all(joined[i["start"]:i["end"]] == i["evidence"] for i in inds):
            for ind in inds:
                base = 0
                for idx, t in group:
                    if base <= ind["start"] and ind["end"] <= base + len(t):
                        spans[idx].append((ind["start"] - base, ind["end"] - base))
                        break
                    base += len(t) + 1
            return spans
    for ind in inds:  # fallback: the evidence words wherever the caller wrote them
        for idx, t in said:
            at = t.find(ind["evidence"])
            if at >= 0:
                spans[idx].append((at, at + len(ind["evidence"])))
                break
    return spans


def marked_transcript(data: dict) -> list[dict]:
    rows = transcript(data)
    a = data.get("assessment") or {}
    spans = evidence_spans(rows, a.get("indicators") or [])
    for i, r in enumerate(rows):
        r["html"] = _mark(r["shown"], spans.get(i, [])) if i in spans else escape(r["shown"])
    return rows


def advice_context(data: dict) -> dict:
    return {"a": data.get("assessment"), "cid": data["id"], "reference": data["reference"]}


def _load(db: Session, user: User, cid: str, action: str, detail: str | None = None) -> dict:
    """A consultation this user may see (404 otherwise), serialised, with the read audited."""
    c = svc.visible_consultation(db, user, cid)
    data = svc.serialise(c)
    data["needs_human_review"] = bool(c.assessments and c.assessments[-1].needs_human_review)
    data["needs_callback"] = bool(c.needs_callback)
    svc.audit(db, user, action, "consultation", c.id, detail)
    db.commit()
    return data


# -- sign in and out -------------------------------------------------------------------------
@router.get("/")
def home(request: Request, db: Session = Depends(get_db), settings: Settings = Depends(get_settings)):
    user = session_user(request, db, settings)
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse("/advisor" if user.role in ADVISOR_ROLES else "/chat", status_code=303)


def _login_form(request: Request, settings: Settings, status_code: int = 200, **ctx) -> HTMLResponse:
    token = new_login_csrf()
    resp = render(request, "login.html", status_code=status_code, login_csrf=token, **ctx)
    set_login_csrf(resp, request, settings, token)
    return resp


@router.get("/login")
def login_page(request: Request, db: Session = Depends(get_db),
               settings: Settings = Depends(get_settings)):
    if session_user(request, db, settings) is not None:
        return RedirectResponse("/", status_code=303)
    request.state.user = None
    return _login_form(request, settings, errors={})


@router.post("/login", dependencies=[Depends(check_login_csrf)])
def login(request: Request, username: str = Form("", max_length=100),
          password: str = Form("", max_length=200), db: Session = Depends(get_db),
          settings: Settings = Depends(get_settings)):
    errors: dict[str, str] = {}
    if not username.strip():
        errors["username"] = "Enter your username"
    if not password:
        errors["password"] = "Enter your password"
    if errors:
        return _login_form(request, settings, 422, errors=errors, username=username)
    try:
        user = authenticate(db, settings, username.strip(), password,
                            request.client.host if request.client else "?")
    except HTTPException as exc:  # wrong password (401) or too many attempts (429)
        resp = _login_form(request, settings, exc.status_code, username=username,
                           errors={"username": str(exc.detail)})
        if exc.headers and "Retry-After" in exc.headers:
            resp.headers["Retry-After"] = exc.headers["Retry-After"]
        return resp
    resp = RedirectResponse("/advisor" if user.role in ADVISOR_ROLES else "/chat", status_code=303)
    start_session(resp, request, user, settings)
    return resp


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request, user: User = Depends(page_user), db: Session = Depends(get_db),
           settings: Settings = Depends(get_settings)):
    svc.audit(db, user, "logout", "user", str(user.id))
    db.commit()
    resp = RedirectResponse("/login", status_code=303)
    end_session(resp, request, settings)
    return resp


# -- the professional's chat -----------------------------------------------------------------
def _chat(request: Request, user: User, data: dict | None, status_code: int = 200,
          error: str | None = None, draft: str = "", key: str | None = None) -> HTMLResponse:
    return render(request, "chat.html", status_code=status_code, user=user, consultation=data,
                  rows=transcript(data) if data else [],
                  buttons=pending_buttons(data) if data else [],
                  error=error, draft=draft, key=key or str(uuid.uuid4()),
                  **(advice_context(data) if data else {"a": None}))


@router.get("/chat")
def chat_page(request: Request, c: str | None = None, user: User = Depends(professional),
              db: Session = Depends(get_db)):
    data = _load(db, user, c, "read", "chat page") if c else None
    return _chat(request, user, data)


def _engine_down(exc: HTTPException) -> bool:
    return exc.status_code == 503


@router.post("/chat/start", dependencies=[Depends(check_csrf)])
def chat_start(request: Request, user: User = Depends(professional), db: Session = Depends(get_db),
               settings: Settings = Depends(get_settings)):
    message_limiter.hit(f"user:{user.id}", settings.rate_limit_per_minute)
    try:
        out = svc.start_consultation(db, user, settings)
    except HTTPException as exc:
        if not _engine_down(exc):
            raise
        if wants_json(request):
            return JSONResponse({"detail": ENGINE_DOWN}, status_code=503)
        return _chat(request, user, None, 503, error=ENGINE_DOWN)
    if wants_json(request):
        return out
    return RedirectResponse(f"/chat?c={out['id']}", status_code=303)


@router.post("/chat/{cid}/messages", dependencies=[Depends(check_csrf)])
def chat_message(cid: str, request: Request, text: str | None = Form(None),
                 payload: str | None = Form(None, max_length=500),
                 key: str | None = Form(None, max_length=200),
                 user: User = Depends(professional), db: Session = Depends(get_db),
                 settings: Settings = Depends(get_settings)):
    """One turn. JSON for the enhanced chat; a redirect (or the page with the error)
    for the plain form. `key` makes a resent form or a retried fetch safe."""
    as_json = wants_json(request)
    text = text if text and text.strip() else None
    payload = payload if payload and payload.strip() else None
    problem = None
    if text is None and payload is None:
        problem = "Type your message, or choose one of the answers"
    elif text is not None and len(text) > settings.max_message_chars:
        problem = f"Your message must be {settings.max_message_chars} characters or fewer"
    elif text is not None and "\x00" in text:
        problem = "Your message contains a character that cannot be saved"
    if problem:
        if as_json:
            return JSONResponse({"detail": problem}, status_code=422)
        data = _load(db, user, cid, "read", "chat page")
        return _chat(request, user, data, 422, error=problem, draft=text or "", key=key)
    message_limiter.hit(f"user:{user.id}", settings.rate_limit_per_minute)
    key = key or str(uuid.uuid4())
    try:
        out = svc.post_message(db, user, settings, cid, text=text, payload=None if text else payload,
                               idempotency_key=key)
    except HTTPException as exc:
        if not _engine_down(exc):
            raise
        if as_json:
            return JSONResponse({"detail": ENGINE_DOWN, "retry_key": key}, status_code=503)
        db.rollback()
        data = _load(db, user, cid, "read", "chat page")
        return _chat(request, user, data, 503, error=ENGINE_DOWN, draft=text or "", key=key)
    if not as_json:
        return RedirectResponse(f"/chat?c={cid}#latest", status_code=303)
    result = dict(out)
    c = svc.visible_consultation(db, user, cid)
    result["needs_callback"] = bool(c.needs_callback)
    if out.get("assessment"):
        tmpl = templates.env.get_template("_advice.html")
        result["advice_html"] = tmpl.render(labels=Labels(), a=out["assessment"], cid=c.id,
                                            reference=c.reference)
    return result


# -- the professional's record ---------------------------------------------------------------
@router.get("/consultations")
def my_consultations(request: Request, user: User = Depends(page_user), db: Session = Depends(get_db)):
    rows = db.scalars(select(Consultation).where(Consultation.owner_id == user.id)
                      .options(selectinload(Consultation.assessments))
                      .order_by(Consultation.created_at.desc()).limit(200)).all()
    svc.audit(db, user, "list", "consultation", None, f"own consultations: {len(rows)} rows")
    db.commit()
    return render(request, "my_consultations.html", user=user, rows=rows)


@router.get("/consultations/{cid}")
def consultation_page(cid: str, request: Request, user: User = Depends(page_user),
                      db: Session = Depends(get_db)):
    data = _load(db, user, cid, "read")
    return render(request, "consultation.html", user=user, c=data, rows=transcript(data),
                  **advice_context(data))


@router.get("/consultations/{cid}/summary")
def summary_page(cid: str, request: Request, user: User = Depends(page_user),
                 db: Session = Depends(get_db)):
    data = _load(db, user, cid, "read", "printable summary")
    return render(request, "summary.html", user=user, c=data, rows=transcript(data),
                  printed_at=datetime.now(timezone.utc), **advice_context(data))


@router.get("/consultations/{cid}/summary.pdf")
def summary_pdf(cid: str, user: User = Depends(page_user), db: Session = Depends(get_db)):
    data = _load(db, user, cid, "export", "summary PDF")
    pdf = summary_to_pdf(data, transcript(data), Labels())
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="consultation-{data["reference"]}.pdf"',
                             "Cache-Control": "no-store"})


_PDF_CHARS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a0": " ",
                            "\u2022": "-"})


def _latin1(s: Any) -> str:
    """The PDF's built-in fonts cover Latin-1; anything else is shown as '?'."""
    return str(s or "").translate(_PDF_CHARS).encode("latin-1", "replace").decode("latin-1")


def summary_to_pdf(data: dict, rows: list[dict], labels: Labels) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(_latin1(f"Consultation {data['reference']}"))
    pdf.add_page()
    width = pdf.epw

    def para(text: str, size: int = 11, style: str = "", gap: float = 2) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, size * 0.5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    para("Safeguarding consultation summary", 18, "B", 4)
    para(f"Reference {data['reference']}  |  started {when(data['created_at'])}  |  "
         f"caller: {data.get('caller_role') or 'not given'}  |  review: {data['review_status']}", 10)
    a = data.get("assessment")
    if a:
        if a["recommendation"] == "emergency_999":
            pdf.set_text_color(212, 53, 28)
            para("A CHILD MAY BE IN IMMEDIATE DANGER: PHONE 999 NOW, then refer to the MASH.", 14, "B")
            pdf.set_text_color(0, 0, 0)
        para(f"Advice: {labels.recommendation(a['recommendation'])}", 14, "B")
        para(f"Level {a['level']}: {labels.level_name(a['level'])}", 12, "B")
        if a.get("needs_human_review"):
            para("The assistant was not sure it read this correctly: an advisor will review it.", 11, "I")
        for r in a.get("special_routes") or []:
            route = labels.route(r)
            para(f"Also: {route['title']}. {route['action']}", 11)
        outcome = labels.outcome(a["recommendation"])
        if outcome.get("next_steps"):
            para("What to do next", 12, "B", 1)
            for step in outcome["next_steps"]:
                para(f"- {step}", 11, "", 0.5)
            pdf.ln(1)
        if outcome.get("timescale"):
            para(f"By when: {outcome['timescale']}", 11)
        if a.get("rationale"):
            para("Why", 12, "B", 1)
            for r in a["rationale"]:
                para(f"- {r}", 11, "", 0.5)
            pdf.ln(1)
        rb = a.get("rulebook") or {}
        para(f"Thresholds used: {rb.get('name', '')}, version {rb.get('version', '')}", 9, "I")
    else:
        para("No advice has been given yet: the consultation was not finished.", 11, "I")
    para("Transcript", 12, "B", 1)
    for m in rows:
        para(("You: " if m["direction"] == "in" else "Assistant: ") + m["shown"], 10, "", 1)
    para("This advice supports your professional judgement; it does not replace it. "
         "An early help advisor reviews every consultation.", 9, "I")
    return bytes(pdf.output())


# -- the advisor's queue -----------------------------------------------------------------------
class Filters:
    """The queue's and the export's filters, checked; bad values become form errors."""

    def __init__(self, level: str | None, recommendation: str | None, review_status: str | None,
                 date_from: str | None, date_to: str | None) -> None:
        self.errors: dict[str, str] = {}
        self.level = int(level) if level and level.isdigit() and int(level) in LEVELS else None
        if level and self.level is None:
            self.errors["level"] = "Choose a level from 1 to 4"
        self.recommendation = recommendation if recommendation in RECOMMENDATIONS else None
        if recommendation and self.recommendation is None:
            self.errors["recommendation"] = "Choose a recommendation from the list"
        self.review_status = review_status if review_status in REVIEW_STATUSES else None
        if review_status and self.review_status is None:
            self.errors["review_status"] = "Choose a review status from the list"
        self.date_from = self._date(date_from, "date_from", "The from date")
        self.date_to = self._date(date_to, "date_to", "The to date")
        if self.date_from and self.date_to and self.date_from > self.date_to:
            self.errors["date_to"] = "The to date must be the same as or after the from date"

    def _date(self, value: str | None, name: str, label: str) -> date | None:
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = f"{label} must be a real date, like 2026-11-22"
            return None

    def query(self, user: User):
        q = select(Consultation).where(Consultation.organisation_id == user.organisation_id) \
            .options(selectinload(Consultation.assessments), selectinload(Consultation.reviews))
        if self.review_status:
            q = q.where(Consultation.review_status == self.review_status)
        if self.date_from:
            q = q.where(Consultation.created_at >= datetime.combine(self.date_from, time.min, timezone.utc))
        if self.date_to:
            q = q.where(Consultation.created_at <= datetime.combine(self.date_to, time.max, timezone.utc))
        return q.order_by(Consultation.created_at.desc())

    def keep(self, c: Consultation) -> bool:
        """Level and recommendation filters apply to the latest advice only."""
        a = c.assessments[-1] if c.assessments else None
        if self.level is not None and (a is None or a.level != self.level):
            return False
        if self.recommendation and (a is None or a.recommendation != self.recommendation):
            return False
        return True

    def as_query(self) -> str:
        from urllib.parse import urlencode
        pairs = {"level": self.level, "recommendation": self.recommendation,
                 "review_status": self.review_status, "date_from": self.date_from,
                 "date_to": self.date_to}
        return urlencode({k: v for k, v in pairs.items() if v})


def urgency(c: Consultation) -> int:
    """0 is most urgent: unreviewed 999 advice, then unreviewed level 4, then callbacks
    and cases the assistant was unsure of, then the rest unreviewed, then reviewed."""
    a = c.assessments[-1] if c.assessments else None
    if c.review_status != "unreviewed":
        return 4 if not c.needs_callback else 2
    if a is not None and a.recommendation == "emergency_999":
        return 0
    if a is not None and a.level == 4:
        return 1
    if c.needs_callback or (a is not None and a.needs_human_review):
        return 2
    return 3


def queue_rows(db: Session, user: User, f: Filters, limit: int = 500) -> list[dict]:
    now = datetime.now(timezone.utc)
    rows = []
    for c in db.scalars(f.query(user).limit(2000)).all():
        if not f.keep(c):
            continue
        a = c.assessments[-1] if c.assessments else None
        since = aware(a.created_at if a else c.created_at)
        changed = [r for r in c.reviews if r.decision == "change" and r.new_level]
        rows.append({"c": c, "a": a, "rank": urgency(c), "since": since,
                     "waited": waited(since, now),
                     "advisor_level": changed[-1].new_level if changed else None})
    # urgent groups: longest wait first; reviewed ones: newest first
    rows.sort(key=lambda r: (r["rank"], r["since"].timestamp() * (1 if r["rank"] < 4 else -1)))
    return rows[:limit]


@router.get("/advisor")
def queue(request: Request, level: str | None = None, recommendation: str | None = None,
          review_status: str | None = None, date_from: str | None = None,
          date_to: str | None = None, user: User = Depends(advisor), db: Session = Depends(get_db)):
    f = Filters(level, recommendation, review_status, date_from, date_to)
    rows = queue_rows(db, user, f) if not f.errors else []
    svc.audit(db, user, "list", "consultation", None, f"advisor queue {f.as_query()}: {len(rows)} rows")
    db.commit()
    return render(request, "advisor_queue.html", status_code=422 if f.errors else 200, user=user,
                  rows=rows, f=f, RECOMMENDATIONS=RECOMMENDATIONS, REVIEW_STATUSES=REVIEW_STATUSES,
                  urgent=sum(1 for r in rows if r["rank"] <= 1))


def _detail(request: Request, user: User, data: dict, status_code: int = 200,
            errors: dict | None = None, form: dict | None = None, saved: bool = False) -> HTMLResponse:
    a = data.get("assessment") or {}
    indicators = [{**i, "label": Labels().indicator(i["id"]), "domain_title": Labels().domain(i.get("domain"))}
                  for i in a.get("indicators") or []]
    return render(request, "advisor_detail.html", status_code=status_code, user=user, c=data,
                  rows=marked_transcript(data), indicators=indicators, errors=errors or {},
                  form=form or {}, saved=saved, DECISIONS=DECISIONS, **advice_context(data))


@router.get("/advisor/consultations/{cid}")
def advisor_detail(cid: str, request: Request, saved: int = 0, user: User = Depends(advisor),
                   db: Session = Depends(get_db)):
    data = _load(db, user, cid, "read", "advisor detail")
    return _detail(request, user, data, saved=bool(saved))


@router.post("/advisor/consultations/{cid}/review", dependencies=[Depends(check_csrf)])
def advisor_review(cid: str, request: Request, decision: str = Form(""),
                   new_level: str = Form(""), reason: str = Form("", max_length=2000),
                   user: User = Depends(advisor), db: Session = Depends(get_db)):
    c = svc.visible_consultation(db, user, cid)
    errors: dict[str, str] = {}
    if decision not in DECISIONS:
        errors["decision"] = "Select what you want to record"
    level = int(new_level) if new_level.isdigit() and int(new_level) in LEVELS else None
    current = c.assessments[-1].level if c.assessments else None
    if decision == "change":
        if level is None:
            errors["new_level"] = "Select the new level"
        elif level == current:
            errors["new_level"] = f"The assistant already gave level {current}: choose a different level, or agree"
        if not reason.strip():
            errors["reason"] = "Enter the reason for changing the level"
    if errors:
        data = _load(db, user, cid, "read", "advisor detail (review form errors)")
        return _detail(request, user, data, 422, errors=errors,
                       form={"decision": decision, "new_level": new_level, "reason": reason})
    db.add(Review(consultation_id=c.id, advisor_id=user.id, decision=decision,
                  new_level=level if decision == "change" else None,
                  reason=reason.strip() or None))
    c.review_status = {"agree": "agreed", "change": "changed", "actioned": "actioned"}.get(
        decision, c.review_status)
    if decision == "callback_done":
        c.needs_callback = False
    detail = f"level {current} -> {level}: {reason.strip()}" if decision == "change" else reason.strip()
    svc.audit(db, user, f"review_{decision}", "consultation", c.id, detail)
    db.commit()
    return RedirectResponse(f"/advisor/consultations/{cid}?saved=1", status_code=303)


# -- export and statistics -------------------------------------------------------------------
def csv_safe(value: Any) -> str:
    """A cell a spreadsheet will never run as a formula (CSV injection): a text value
    starting with = + - @, a tab or a carriage return gets a leading apostrophe."""
    s = "" if value is None else str(value)
    if s[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") or s.lstrip()[:1] in ("=", "+", "-", "@"):
        return "'" + s
    return s


@router.get("/advisor/export.csv")
def export_csv(level: str | None = None, recommendation: str | None = None,
               review_status: str | None = None, date_from: str | None = None,
               date_to: str | None = None, user: User = Depends(advisor),
               db: Session = Depends(get_db)):
    f = Filters(level, recommendation, review_status, date_from, date_to)
    if f.errors:
        raise HTTPException(422, detail="; ".join(f.errors.values()))
    rows = [c for c in db.scalars(f.query(user)).all() if f.keep(c)]
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    w.writerow(["reference", "started_utc", "caller_role", "level", "recommendation",
                "special_routes", "needs_human_review", "rulebook_version", "review_status",
                "advisor_level", "needs_callback"])
    for c in rows:
        a = c.assessments[-1] if c.assessments else None
        changed = [r for r in c.reviews if r.decision == "change" and r.new_level]
        w.writerow([csv_safe(x) for x in (
            c.reference, aware(c.created_at).isoformat(timespec="seconds"), c.caller_role,
            a.level if a else "", a.recommendation if a else "",
            " ".join((a.result or {}).get("special_routes") or []) if a else "",
            a.needs_human_review if a else "", a.rulebook_version if a else "",
            c.review_status, changed[-1].new_level if changed else "", c.needs_callback)])
    svc.audit(db, user, "export", "consultation", None, f"CSV {f.as_query()}: {len(rows)} rows")
    db.commit()
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="consultations.csv"',
                             "Cache-Control": "no-store"})


def week_start(dt: datetime) -> date:
    d = aware(dt).date()
    return d - timedelta(days=d.weekday())


def compute_stats(db: Session, user: User, weeks: int) -> dict:
    since = datetime.combine(date.today() - timedelta(weeks=weeks), time.min, timezone.utc)
    cs = db.scalars(select(Consultation)
                    .where(Consultation.organisation_id == user.organisation_id,
                           Consultation.created_at >= since)
                    .options(selectinload(Consultation.assessments),
                             selectinload(Consultation.reviews))).all()
    by_level: dict[date, Counter] = defaultdict(Counter)
    by_role: dict[date, Counter] = defaultdict(Counter)
    roles: Counter = Counter()
    agreement = {"agreed": 0, "changed": 0}
    matrix: dict[int, Counter] = defaultdict(Counter)
    for c in cs:
        a = c.assessments[-1] if c.assessments else None
        wk = week_start(c.created_at)
        by_level[wk][a.level if a else 0] += 1
        role = c.caller_role or "not given"
        by_role[wk][role] += 1
        roles[role] += 1
        verdicts = [r for r in c.reviews if r.decision in ("agree", "change")]
        if a and verdicts:
            last = verdicts[-1]
            advisor_level = a.level if last.decision == "agree" else (last.new_level or a.level)
            agreement["agreed" if advisor_level == a.level else "changed"] += 1
            matrix[a.level][advisor_level] += 1
    weeks_list = sorted(set(by_level) | set(by_role))
    reviewed = agreement["agreed"] + agreement["changed"]
    return {"weeks": weeks_list, "by_level": by_level, "by_role": by_role,
            "roles": [r for r, _ in roles.most_common()], "agreement": agreement,
            "reviewed": reviewed, "total": len(cs),
            "percent_agreed": round(100 * agreement["agreed"] / reviewed) if reviewed else None,
            "matrix": matrix}


LEVEL_COLOURS = {1: "#00703c", 2: "#1d70b8", 3: "#f47738", 4: "#d4351c", 0: "#505a5f"}
ROLE_COLOURS = ["#1d70b8", "#00703c", "#f47738", "#4c2c92", "#d4351c", "#505a5f", "#28a197", "#912b88"]


def bar_chart(title: str, weeks: list[date], counts: dict[date, Counter], series: list,
              colours: dict, names: dict, chart_id: str) -> Markup:
    """A stacked horizontal bar per week, as inline SVG (the table beside it carries
    the same numbers for screen readers; the SVG is hidden from them)."""
    row_h, label_w, bar_w, top = 28, 110, 420, 10
    total_max = max([sum(counts[w].values()) for w in weeks] or [1]) or 1
    height = top + row_h * max(len(weeks), 1) + 40
    parts = [f'<svg class="app-chart" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" '
             f'viewBox="0 0 {label_w + bar_w + 60} {height}" width="100%" aria-hidden="true" '
             f'focusable="false">']
    for i, w in enumerate(weeks):
        y = top + i * row_h
        parts.append(f'<text x="0" y="{y + 17}" font-size="14" fill="#0b0c0c">w/c {w.strftime("%d %b")}</text>')
        x = label_w
        for s in series:
            n = counts[w].get(s, 0)
            if not n:
                continue
            wpx = bar_w * n / total_max
            parts.append(f'<rect x="{x:.1f}" y="{y + 3}" width="{wpx:.1f}" height="{row_h - 8}" '
                         f'fill="{colours[s]}" stroke="#ffffff" stroke-width="1"><title>'
                         f'{escape(names[s])}: {n}</title></rect>')
            x += wpx
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 17}" font-size="14" fill="#0b0c0c">'
                     f'{sum(counts[w].values())}</text>')
    ly = top + row_h * max(len(weeks), 1) + 15
    lx = 0
    for s in series:
        parts.append(f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{colours[s]}"/>'
                     f'<text x="{lx + 18}" y="{ly + 12}" font-size="13" fill="#0b0c0c">{escape(names[s])}</text>')
        lx += 24 + 8 * len(names[s])
    parts.append("</svg>")
    return Markup("".join(parts))


@router.get("/advisor/stats")
def stats(request: Request, weeks: int = 12, user: User = Depends(advisor),
          db: Session = Depends(get_db)):
    weeks = min(max(weeks, 1), 104)
    s = compute_stats(db, user, weeks)
    level_series = [lv for lv in (1, 2, 3, 4, 0) if any(s["by_level"][w].get(lv) for w in s["weeks"])]
    level_names = {lv: (f"Level {lv}" if lv else "Not finished") for lv in (0, 1, 2, 3, 4)}
    role_colours = {r: ROLE_COLOURS[i % len(ROLE_COLOURS)] for i, r in enumerate(s["roles"])}
    charts = {
        "level": bar_chart("By level", s["weeks"], s["by_level"], level_series, LEVEL_COLOURS,
                           level_names, "chart-level"),
        "role": bar_chart("By caller role", s["weeks"], s["by_role"], s["roles"], role_colours,
                          {r: r.replace("_", " ") for r in s["roles"]}, "chart-role"),
    }
    svc.audit(db, user, "stats", "consultation", None, f"{s['total']} consultations, {weeks} weeks")
    db.commit()
    return render(request, "advisor_stats.html", user=user, s=s, charts=charts, weeks=weeks,
                  level_series=level_series, level_names=level_names)
