"""Report routes: thin wrappers over the report service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from app.core.db import SessionDep
from app.core.deps import SettingsDep, get_app_extractor
from app.core.errors import problem_responses
from app.reports import service
from app.reports.models import Kind, ReportCreate, ReportOptions, ReportPage, ReportRead
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


@router.post(
    "",
    status_code=201,
    response_model=ReportRead,
    responses={
        200: {"model": ReportRead, "description": "The same content was already stored."},
        **problem_responses(413, 415, 422, 503),
    },
    openapi_extra={"requestBody": CREATE_BODY},
)
async def create_report(
    request: Request,
    response: Response,
    session: SessionDep,
    force: Annotated[bool, Query(description="Store a new report even if one matches.")] = False,
) -> ReportRead:
    """Submit a document (JSON `text`/`html`, or a file upload) and get its brief."""
    document, options = await read_submission(request)
    extractor = get_app_extractor(request)  # after the body, so bad input is a 4xx, not a 503
    report, created = await service.create_report(
        session, document=document, options=options, extractor=extractor, force=force
    )
    response.status_code = 201 if created else 200
    response.headers["Location"] = f"/v1/reports/{report.id}"
    return report


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
        limit=min(limit, getattr(settings, "page_size_max", 200)),
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
