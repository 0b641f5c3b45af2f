"""Report rules: ingest, de-duplicate, queue, store briefs, list. Never commits (callers do)."""

from __future__ import annotations

import base64
import binascii
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlmodel import Session

from app.core.errors import InvalidRequestError, NotFoundError
from app.engine.brief import Brief, BriefKind, ExtractionState
from app.engine.document import Document, text_sha256
from app.engine.ingest import IngestedDocument, ingest, resolve_media_type
from app.engine.pipeline import Extractor, run_pipeline
from app.jobs import queue
from app.jobs.models import Job, JobStatus
from app.reports import repository
from app.reports.ids import new_report_id
from app.reports.models import (
    Extraction,
    ExtractionInfo,
    ExtractionPage,
    ExtractionRead,
    ExtractionRequest,
    Report,
    ReportActionItem,
    ReportActor,
    ReportCounts,
    ReportCreate,
    ReportIndicator,
    ReportLink,
    ReportOptions,
    ReportPage,
    ReportRead,
    ReportStatus,
    ReportSummary,
    utcnow,
)
from app.reports.repository import PagePosition, ReportFilters
from app.reports.rows import brief_rows
from app.reports.search import name_key, refang, search_terms

TITLE_MAX = 500
_SUMMARY_FIELDS = {"id", "title", "kind", "tlp", "status", "created_at", "labels"}


@dataclass(frozen=True)
class Submission:
    """A report as accepted, and the job queued for it (None: an identical report was reused)."""

    report: ReportRead
    job_id: str | None

    @property
    def created(self) -> bool:
        """Whether a job was queued (a new report or a new extraction version)."""
        return self.job_id is not None


def ingest_json(payload: ReportCreate) -> IngestedDocument:
    """Read the text or HTML of a JSON submission."""
    if payload.html is not None:
        return ingest(payload.html, media_type="text/html")
    return ingest(payload.text or "", media_type="text/plain")


def ingest_upload(
    *, data: bytes, content_type: str | None, filename: str | None
) -> IngestedDocument:
    """Read an uploaded file, by its declared type or else its extension."""
    return ingest(data, media_type=resolve_media_type(content_type, filename))


def submit_report(
    session: Session, *, document: IngestedDocument, options: ReportOptions, force: bool = False
) -> Submission:
    """Store a document and queue its extraction; an identical stored document is reused."""
    if not force:
        existing = repository.find_report_by_sha256(session, text_sha256(document.text))
        if existing is not None:
            return Submission(read_report(session, report=existing), job_id=None)
    report = register_report(session, document=document, options=options)
    job = queue.enqueue_job(session, report_id=report.id)
    return Submission(read_report(session, report=report), job_id=job.id)


def request_extraction(
    session: Session, *, report_id: str, request: ExtractionRequest
) -> Submission:
    """Queue a new extraction version of a stored report."""
    report = _require_report(session, report_id)
    job = queue.enqueue_job(session, report_id=report.id, params=request.model_dump())
    return Submission(read_report(session, report=report), job_id=job.id)


def list_extractions(session: Session, *, report_id: str) -> ExtractionPage:
    """A report's extractions with their provenance, newest first."""
    _require_report(session, report_id)
    rows = repository.list_extractions(session, report_id)
    return ExtractionPage(items=[ExtractionRead.model_validate(row.model_dump()) for row in rows])


def register_report(
    session: Session, *, document: IngestedDocument, options: ReportOptions
) -> Report:
    """Stage a new report, queued for extraction."""
    report = Report(
        id=new_report_id(),
        text=document.text,
        sha256=text_sha256(document.text),
        title=options.title or document.title,
        source_url=options.source_url,
        kind=options.kind,
        tlp=options.tlp,
        labels=options.labels,
        media_type=document.media_type,
        status=ReportStatus.queued.value,
        callback_url=options.callback_url,
    )
    repository.add_report(session, report)
    return report


async def process_report(session: Session, *, report: Report, extractor: Extractor) -> Extraction:
    """Run the pipeline on a stored report and keep the brief as its next extraction version."""
    brief = await run_pipeline(report_document(report), extractor)
    return store_brief(session, report=report, brief=brief)


def report_document(report: Report) -> Document:
    """The engine's view of a stored report: its text and what the caller said about it."""
    options = ReportOptions.model_validate(
        {
            "title": report.title,
            "source_url": report.source_url,
            "kind": report.kind,
            "tlp": report.tlp,
        }
    )
    return engine_document(report.text, options)


def engine_document(text: str, options: ReportOptions) -> Document:
    """The engine's view of a stored text and what the caller said about it."""
    return Document(
        text=text,
        title=options.title,
        source_url=options.source_url,
        kind=BriefKind(options.kind) if options.kind else None,
        meta={"tlp": options.tlp} if options.tlp else {},
    )


def brief_status(brief: Brief) -> ReportStatus:
    """`partial` when the extractor could not read every chunk, else `done`."""
    partial = brief.provenance.state == ExtractionState.partial
    return ReportStatus.partial if partial else ReportStatus.done


def store_brief(
    session: Session, *, report: Report, brief: Brief, job_id: str | None = None
) -> Extraction:
    """Record a brief as a new extraction and refresh the report's normalised rows."""
    status = brief_status(brief)
    extraction = Extraction(
        report_id=report.id,
        version=repository.next_extraction_version(session, report.id),
        job_id=job_id,
        status=status.value,
        extractor=brief.provenance.extractor,
        model=brief.provenance.model,
        prompt_version=brief.provenance.prompt_version,
        brief=brief.model_dump(mode="json"),
        provenance=brief.provenance.model_dump(mode="json"),
    )
    repository.add_extraction(session, extraction)
    repository.replace_brief_rows(session, report.id, brief_rows(report.id, brief))
    report.kind = report.kind or brief.kind.value  # the caller's kind wins over the extractor's
    report.title = report.title or (brief.title[:TITLE_MAX] if brief.title else None)
    report.status = status.value
    report.updated_at = utcnow()
    session.add(report)
    session.flush()
    return extraction


def get_report(session: Session, *, report_id: str) -> ReportRead:
    """A report with its newest brief."""
    return read_report(session, report=_require_report(session, report_id))


def delete_report(session: Session, *, report_id: str) -> None:
    """Delete a report with everything derived from it."""
    repository.delete_report(session, _require_report(session, report_id))


def read_report(session: Session, *, report: Report) -> ReportRead:
    """The API view of a stored report, with its newest brief and its newest job's progress."""
    extraction = repository.newest_extraction(session, report.id)
    job = queue.newest_job(session, report.id)
    return ReportRead.model_validate(
        {
            **report.model_dump(),
            **(_job_progress(job) if job else {}),
            "extraction": ExtractionInfo.model_validate(extraction.model_dump())
            if extraction
            else None,
            "brief": Brief.model_validate(extraction.brief) if extraction else None,
        }
    )


def _job_progress(job: Job) -> dict[str, Any]:
    retrying = job.status == JobStatus.queued.value and job.attempts > 0
    return {
        "attempts": job.attempts,
        "last_error": job.last_error,
        "next_attempt_at": job.run_after if retrying else None,
    }


def newest_brief(session: Session, *, report_id: str) -> tuple[Report, Brief]:
    """A report and its newest brief; a report not yet extracted counts as not found."""
    report = _require_report(session, report_id)
    extraction = repository.newest_extraction(session, report.id)
    if extraction is None:
        raise NotFoundError(f"Report {report_id!r} has no brief yet.")
    return report, Brief.model_validate(extraction.brief)


def list_reports(
    session: Session,
    *,
    limit: int,
    cursor: str | None = None,
    actor: str | None = None,
    indicator: str | None = None,
    label: str | None = None,
    kind: str | None = None,
    since: str | None = None,
    until: str | None = None,
    q: str | None = None,
) -> ReportPage:
    """One page of report summaries matching the filters, newest first."""
    filters = ReportFilters(
        actor_key=name_key(actor) if actor and actor.strip() else None,
        indicator_key=refang(indicator).casefold() if indicator and indicator.strip() else None,
        label_key=label.strip().casefold() if label and label.strip() else None,
        kind=kind,
        since=parse_instant(since, field="since", end_of_day=False) if since else None,
        until=parse_instant(until, field="until", end_of_day=True) if until else None,
        terms=tuple(search_terms(q or "")),
    )
    after = decode_cursor(cursor) if cursor else None
    rows = repository.list_reports(session, filters=filters, after=after, limit=limit + 1)
    page = list(rows[:limit])
    next_cursor = encode_cursor(page[-1]) if len(rows) > limit else None
    return ReportPage(items=summarise(session, page), next_cursor=next_cursor)


def summarise(session: Session, reports: list[Report]) -> list[ReportSummary]:
    """Summaries of reports, with actor names and row counts fetched in one query each."""
    ids = [report.id for report in reports]
    names = repository.actor_names_by_report(session, ids)
    counts = {
        field: repository.count_rows_by_report(session, model, ids)
        for field, model in (
            ("actors", ReportActor),
            ("indicators", ReportIndicator),
            ("action_items", ReportActionItem),
            ("links", ReportLink),
        )
    }
    return [
        ReportSummary.model_validate(
            {
                **report.model_dump(include=_SUMMARY_FIELDS),
                "actors": names.get(report.id, []),
                "counts": ReportCounts(**{f: c.get(report.id, 0) for f, c in counts.items()}),
            }
        )
        for report in reports
    ]


def parse_instant(value: str, *, field: str, end_of_day: bool) -> datetime:
    """Parse an ISO date or datetime into UTC; a bare date as `until` includes that day."""
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=int(end_of_day)), time(), tzinfo=UTC)
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidRequestError(f"{field} must be an ISO 8601 date or datetime.") from exc
    return instant.astimezone(UTC) if instant.tzinfo else instant.replace(tzinfo=UTC)


def encode_cursor(report: Report) -> str:
    """An opaque cursor pointing just after this report."""
    raw = json.dumps([report.created_at.isoformat(), report.id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> PagePosition:
    """Read a cursor made by `encode_cursor`."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, report_id = json.loads(raw)
        instant = datetime.fromisoformat(created_at)
        if instant.tzinfo is None:
            raise ValueError("cursor time without offset")
        return PagePosition(created_at=instant, id=str(report_id))
    except (ValueError, TypeError, binascii.Error) as exc:
        raise InvalidRequestError("The cursor is not valid.") from exc


def _require_report(session: Session, report_id: str) -> Report:
    report = repository.get_report(session, report_id)
    if report is None:
        raise NotFoundError(f"No report with id {report_id!r}.")
    return report


def brief_markdown(session: Session, *, report_id: str) -> str:
    """The newest brief of a report as Markdown."""
    report, brief = newest_brief(session, report_id=report_id)
    try:
        module = importlib.import_module("app.exports.markdown")
    except ImportError:
        return _minimal_markdown(report, brief)
    render: Callable[..., str] = module.render_markdown
    return render(brief, report_id=report.id, source_url=report.source_url)


def _minimal_markdown(report: Report, brief: Brief) -> str:
    # Stand-in until app.exports.markdown lands: title, summary, actors, action items.
    lines = [f"# {brief.title or report.title or report.id}", "", brief.summary, ""]
    if brief.actors:
        lines += ["## Actors", "", *(f"- {a.name} ({a.type.value})" for a in brief.actors), ""]
    if brief.action_items:
        lines += ["## Action items", "", *(f"- [ ] {i.text}" for i in brief.action_items), ""]
    return "\n".join(lines)
