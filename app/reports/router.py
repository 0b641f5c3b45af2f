"""Report routes: thin wrappers over the report service."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from fastapi.responses import PlainTextResponse

from app.core.db import SessionDep
from app.core.deps import SettingsDep, get_app_extractor
from app.core.errors import InvalidRequestError, problem_responses
from app.core.extractors import check_token_budget
from app.core.idempotency import request_fingerprint
from app.engine.document import text_sha256
from app.jobs.extractors import supports_prompt_version
from app.reports import service
from app.reports.models import (
    ExtractionPage,
    ExtractionRequest,
    Kind,
    ReportCreate,
    ReportOptions,
    ReportPage,
    ReportRead,
)
from app.reports.responses import answer_submission, check_callback_url
from app.reports.submission import read_submission

router = APIRouter(prefix="/v1/reports", tags=["reports"])

_UPLOAD_SCHEMA = {
    **ReportOptions.model_json_schema(),
    "title": "ReportUpload",
    "required": ["file"],
}
_UPLOAD_SCHEMA["properties"] = {
    "file": {
        "type": "string",
        "format": "binary",
        "description": "text/plain, text/markdown, text/html or application/pdf",
    },
    **ReportOptions.model_json_schema()["properties"],
}
CREATE_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ReportCreate.model_json_schema()},
        "multipart/form-data": {"schema": _UPLOAD_SCHEMA},
    },
}


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Repeat a POST safely: the same key and body within 24 h get the same answer.",
    ),
]
PreferHeader = Annotated[
    str | None,
    Header(description="`wait=N` (N ≤ 60): answer 201 with the brief if it is ready in N s."),
]
_QUEUED_RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"model": ReportRead, "description": "Queued; poll `Location` for the brief."},
    201: {"model": ReportRead, "description": "Ready within the `Prefer: wait` time."},
}


@router.post(
    "",
    status_code=202,
    response_model=ReportRead,
    responses={
        **_QUEUED_RESPONSES,
        200: {"model": ReportRead, "description": "The same content was already stored."},
        **problem_responses(413, 415, 422, 503),
    },
    openapi_extra={"requestBody": CREATE_BODY},
)
async def create_report(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    idempotency_key: IdempotencyKeyHeader = None,
    prefer: PreferHeader = None,
    force: Annotated[bool, Query(description="Store a new report even if one matches.")] = False,
) -> Response:
    """Submit a document (JSON `text`/`html`, or a file upload); its brief is made by a worker."""
    document, options = await read_submission(request)
    await check_callback_url(options.callback_url, settings=settings)
    extractor = get_app_extractor(request)  # after the body, so bad input is a 4xx, not a 503
    budget = options.max_tokens_budget
    if budget is not None:
        doc = service.engine_document(document.text, options)
        await asyncio.to_thread(check_token_budget, extractor, doc, budget)
    fingerprint = request_fingerprint(
        "POST /v1/reports",
        force,
        text_sha256(document.text),
        document.media_type,
        options.model_dump(mode="json"),
    )
    return await answer_submission(
        request,
        session,
        submit=lambda s: service.submit_report(s, document=document, options=options, force=force),
        fingerprint=fingerprint,
        idempotency_key=idempotency_key,
        prefer=prefer,
    )


@router.post(
    "/{report_id}/extractions",
    status_code=202,
    response_model=ReportRead,
    responses={**_QUEUED_RESPONSES, **problem_responses(404, 422)},
)
async def create_extraction(
    report_id: str,
    request: Request,
    session: SessionDep,
    body: Annotated[ExtractionRequest | None, Body()] = None,
    idempotency_key: IdempotencyKeyHeader = None,
    prefer: PreferHeader = None,
) -> Response:
    """Queue a new extraction of a stored report (optionally another extractor or model)."""
    wanted = body or ExtractionRequest()
    if wanted.prompt_version is not None and not supports_prompt_version():
        raise InvalidRequestError("This build has one prompt version; leave prompt_version out.")
    fingerprint = request_fingerprint(
        "POST /v1/reports/{id}/extractions", report_id, wanted.model_dump(mode="json")
    )
    return await answer_submission(
        request,
        session,
        submit=lambda s: service.request_extraction(s, report_id=report_id, request=wanted),
        fingerprint=fingerprint,
        idempotency_key=idempotency_key,
        prefer=prefer,
    )


@router.get(
    "/{report_id}/extractions", response_model=ExtractionPage, responses=problem_responses(404)
)
def list_extractions(report_id: str, session: SessionDep) -> ExtractionPage:
    """List a report's extractions (versions) with their provenance, newest first."""
    return service.list_extractions(session, report_id=report_id)


@router.get("", response_model=ReportPage, responses=problem_responses(422))
def list_reports(
    session: SessionDep,
    settings: SettingsDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the last page.")] = None,
    actor: Annotated[str | None, Query(description="Actor name or any alias.")] = None,
    indicator: Annotated[
        str | None, Query(description="Indicator value (may be defanged).")
    ] = None,
    label: str | None = None,
    kind: Kind | None = None,
    since: Annotated[str | None, Query(description="ISO date or datetime (inclusive).")] = None,
    until: Annotated[str | None, Query(description="ISO date (inclusive) or datetime.")] = None,
    q: Annotated[str | None, Query(description='Full-text words; "quote phrases".')] = None,
) -> ReportPage:
    """List report summaries, newest first, with filters and cursor pagination."""
    return service.list_reports(
        session,
        limit=min(limit, settings.page_size_max),
        cursor=cursor,
        actor=actor,
        indicator=indicator,
        label=label,
        kind=kind,
        since=since,
        until=until,
        q=q,
    )


@router.get("/{report_id}", response_model=ReportRead, responses=problem_responses(404))
def get_report(report_id: str, session: SessionDep) -> ReportRead:
    """Get a report with its newest brief."""
    return service.get_report(session, report_id=report_id)


@router.delete("/{report_id}", status_code=204, responses=problem_responses(404))
def delete_report(report_id: str, session: SessionDep) -> Response:
    """Delete a report and everything derived from it."""
    service.delete_report(session, report_id=report_id)
    return Response(status_code=204)


@router.get(
    "/{report_id}/brief.md",
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/markdown": {}}, "description": "The brief as Markdown."},
        **problem_responses(404),
    },
)
def get_brief_markdown(report_id: str, session: SessionDep) -> PlainTextResponse:
    """Get a report's newest brief as Markdown."""
    markdown = service.brief_markdown(session, report_id=report_id)
    return PlainTextResponse(markdown, media_type="text/markdown; charset=utf-8")
