"""GET /healthz: 200 only when the engine, the action server and the database answer."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from storage import get_engine

from ..settings import Settings, get_settings

router = APIRouter(tags=["health"])


def _http(url: str) -> str:
    try:
        r = httpx.get(url, timeout=1.0)
        return "ok" if r.status_code == 200 else f"answered {r.status_code}"
    except httpx.HTTPError as exc:
        return f"unreachable ({type(exc).__name__})"


@router.get("/healthz")
def healthz(settings: Settings = Depends(get_settings)) -> JSONResponse:
    components = {"engine": _http(f"{settings.engine}/"),
                  "actions": _http(f"{settings.actions}/health")}
    try:
        with get_engine(settings.database_url).connect() as conn:
            conn.execute(text("SELECT 1"))
        components["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any database failure means not healthy
        components["database"] = f"unavailable ({type(exc).__name__})"
    ok = all(v == "ok" for v in components.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "components": components},
                        status_code=200 if ok else 503)
