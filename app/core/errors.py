"""Errors as RFC 9457 problem+json: one status table for the project's typed errors."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.engine.errors import (
    EmptyDocumentError,
    IngestError,
    PrecisError,
    UndecodableError,
    UnsupportedMediaTypeError,
)
from app.engine.llm_errors import TokenBudgetExceededError
from app.webhooks.ssrf import UnsafeURLError

PROBLEM_JSON = "application/problem+json"
logger = logging.getLogger(__name__)


class NotFoundError(PrecisError):
    """The requested resource does not exist."""


class InvalidRequestError(PrecisError):
    """The request is well-formed HTTP but its content breaks a rule (bad cursor, field mix)."""


class ServiceUnavailableError(PrecisError):
    """A dependency the request needs (database, extractor) is not available."""


# Most specific first: the first class the error is an instance of decides.
_STATUS_TABLE: tuple[tuple[type[PrecisError], int, str], ...] = (
    (NotFoundError, 404, "not-found"),
    (EmptyDocumentError, 422, "empty-document"),
    (UnsupportedMediaTypeError, 415, "unsupported-media-type"),
    (UndecodableError, 415, "undecodable-document"),
    (IngestError, 422, "unreadable-document"),
    (InvalidRequestError, 422, "invalid-request"),
    (UnsafeURLError, 422, "unsafe-url"),
    (TokenBudgetExceededError, 422, "token-budget-exceeded"),
    (ServiceUnavailableError, 503, "service-unavailable"),
    (PrecisError, 500, "internal-error"),
)


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str = Field(default="about:blank", examples=["urn:precis:problem:not-found"])
    title: str = Field(examples=["Not Found"])
    status: int = Field(examples=[404])
    detail: str | None = Field(default=None, examples=["No report with id '01hx…'."])
    instance: str | None = Field(default=None, examples=["/v1/reports/01hx"])
    errors: list[dict[str, Any]] | None = Field(
        default=None, description="Validation errors, one per offending field."
    )


def status_of(error: PrecisError) -> tuple[int, str]:
    """The HTTP status and problem slug for a typed error."""
    for cls, status, slug in _STATUS_TABLE:
        if isinstance(error, cls):
            return status, slug
    return 500, "internal-error"  # unreachable: PrecisError closes the table


def problem_response(
    request: Request,
    status: int,
    *,
    detail: str | None = None,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Render a problem document."""
    problem = Problem(
        type=f"urn:precis:problem:{slug}" if slug else "about:blank",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.url.path,
        errors=errors,
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entry that documents a route's problem statuses in OpenAPI."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {}},
        }
        for status in statuses
    }


async def _on_precis_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PrecisError)
    status, slug = status_of(exc)
    if status == 500:  # a bug, not a condition we describe: keep its details in the log
        logger.error("request failed: %s", exc.detail, exc_info=exc)
        return problem_response(request, status, slug=slug, detail="An unexpected error occurred.")
    if status > 500:
        logger.warning("request refused (%d): %s (%r)", status, exc.detail, exc.original)
    return problem_response(request, status, slug=slug, detail=exc.detail)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [_public_error(error) for error in exc.errors()]
    malformed = any(error["type"] == "json_invalid" for error in errors)
    detail = "The body is not valid JSON." if malformed else "The request is invalid."
    slug = "malformed-json" if malformed else "validation-error"
    return problem_response(request, 422, slug=slug, detail=detail, errors=errors)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else None
    headers = dict(exc.headers) if exc.headers else None
    return problem_response(request, exc.status_code, detail=detail, headers=headers)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(request, 500, detail="An unexpected error occurred.")


def _public_error(error: Any) -> dict[str, Any]:
    # Drop `input` and `ctx`: they may echo a whole document or hold unserialisable objects.
    return {
        "loc": [str(part) for part in error.get("loc", ())],
        "msg": str(error.get("msg", "")),
        "type": str(error.get("type", "")),
    }


def install_error_handlers(app: FastAPI) -> None:
    """Render every error the app can raise as problem+json."""
    app.add_exception_handler(PrecisError, _on_precis_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(Exception, _on_unexpected)
