"""Liveness and readiness probes."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from app.core.db import EngineDep, check_db
from app.core.errors import ServiceUnavailableError, problem_responses

router = APIRouter(tags=["health"])


class HealthStatus(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/healthz", response_model=HealthStatus)
def healthz() -> HealthStatus:
    """Say the process is alive."""
    return HealthStatus()


@router.get("/readyz", response_model=HealthStatus, responses=problem_responses(503))
def readyz(engine: EngineDep) -> HealthStatus:
    """Say the database is reachable."""
    try:
        check_db(engine)
    except SQLAlchemyError as exc:
        raise ServiceUnavailableError("The database is not reachable.", original=exc) from exc
    return HealthStatus()
