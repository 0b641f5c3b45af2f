"""Read a POST /v1/reports body: a JSON object or a multipart upload, into document + options."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from app.engine.errors import UnsupportedMediaTypeError
from app.engine.ingest import IngestedDocument
from app.reports import service
from app.reports.models import ReportCreate, ReportOptions

_FORM_FIELDS = frozenset(ReportOptions.model_fields) | {"file"}


async def read_submission(request: Request) -> tuple[IngestedDocument, ReportOptions]:
    """Parse and ingest the body; bad fields raise RequestValidationError (422)."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        payload = _validate(ReportCreate, await request.body(), json=True)
        assert isinstance(payload, ReportCreate)
        return service.ingest_json(payload), payload
    if content_type == "multipart/form-data":
        async with request.form(max_files=1, max_fields=len(_FORM_FIELDS) + 32) as form:
            return await _read_form(form)
    raise UnsupportedMediaTypeError(
        "Send application/json or multipart/form-data (a file in the 'file' field)."
    )


async def _read_form(form: FormData) -> tuple[IngestedDocument, ReportOptions]:
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise RequestValidationError(
            [{"loc": ("body", "file"), "msg": "a file is required", "type": "missing"}]
        )
    fields: dict[str, Any] = {
        key: value for key, value in form.multi_items() if key not in ("file", "labels")
    }
    unknown = sorted(set(form.keys()) - _FORM_FIELDS)
    fields.update({key: form.getlist(key) for key in unknown})
    labels = [str(part) for value in form.getlist("labels") for part in str(value).split(",")]
    fields["labels"] = [label for label in labels if label.strip()]
    options = _validate(ReportOptions, fields, json=False)
    assert isinstance(options, ReportOptions)
    document = service.ingest_upload(
        data=await upload.read(),
        content_type=upload.content_type,
        filename=upload.filename,
    )
    return document, options


def _validate(model: type[ReportOptions], data: Any, *, json: bool) -> ReportOptions:
    try:
        if json:
            return model.model_validate_json(data)
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
        ) from exc
