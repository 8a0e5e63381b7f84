"""POST /api/v1/assessments: the same input and output as `triage assess`."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Request, status

import thresholds

from ..deps import current_user
from storage import User

router = APIRouter(prefix="/api/v1", tags=["assessments"])

CASE_SCHEMA = {
    "type": "object",
    "required": ["text"],
    "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 20000},
        "child_age_years": {"type": "number", "minimum": 0, "maximum": 25},
        "unborn": {"type": "boolean"},
        "caller_role": {"type": "string", "maxLength": 100},
        "immediate_danger": {"type": "boolean"},
        "consent": {"enum": ["given", "refused", "not_sought", "unknown"]},
    },
}


@router.post("/assessments", openapi_extra={
    "requestBody": {"required": True, "content": {"application/json": {"schema": CASE_SCHEMA}}}})
async def assess(request: Request, user: User = Depends(current_user)) -> dict:
    raw = await request.body()
    try:
        case = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY,
                            detail=f"The body must be a JSON object: {exc}") from None
    try:
        return thresholds.assess(case)
    except thresholds.CaseError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, detail=str(exc)) from None
