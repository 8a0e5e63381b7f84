"""The gateway: the only public door. Sign-in, roles, limits, the consultation log,
the pages, and /healthz. The engine and the action server stay on loopback behind it."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from storage import migrate, session_factory

from .limits import BodyLimit
from .routes import assessments, auth, consultations, health
from .seed import seed_demo_users
from .settings import Settings, get_settings

log = logging.getLogger("api")
STATIC = Path(__file__).parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        migrate(settings.database_url)
        with session_factory(settings.database_url)() as db:
            if seed_demo_users(db, settings.triage_demo_password):
                log.warning("Created the demo accounts demo.teacher, demo.gp and demo.advisor.")
        settings.key()
        import thresholds  # the rulebook and its second reader, ready before the first assessment

        thresholds.warm_up_in_background()
        yield

    app = FastAPI(title="Consultation-line triage assistant", version="0.1.0", lifespan=lifespan,
                  description="Places a worry about a child on the local continuum of need and "
                              "advises what to do next. Advisors review every consultation.")
    app.dependency_overrides[get_settings] = lambda: settings
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(p) for p in e.get("loc", ()) if p != "body")
            problems.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return JSONResponse({"detail": "; ".join(problems) or "invalid request"}, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"detail": "Something went wrong on our side; nothing you sent was "
                                       "lost. Try again. If a child is in immediate danger, phone 999."},
                            status_code=500)

    for r in (auth, assessments, consultations, health):
        app.include_router(r.router)
    try:
        from .routes import pages
    except ImportError:
        pages = None
    if pages is not None:
        app.include_router(pages.router)
        pages.install(app)
    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


app = create_app()
