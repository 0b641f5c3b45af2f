"""Bad input never yields a 500: every error is a problem+json document with the right status."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.engine.brief import Brief
from app.engine.document import Document
from app.main import create_app
from app.settings import Settings
from tests.api.conftest import SANDMAN, WAIT, ClientFactory


def _assert_problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["status"] == status
    assert problem["title"]
    assert problem["type"]
    assert problem["instance"] == response.request.url.path
    return problem


async def test_create_report_malformed_json_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/reports", content=b'{"text": "abc",', headers={"content-type": "application/json"}
    )
    problem = _assert_problem(response, 422)
    assert "JSON" in problem["detail"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": "Some text", "colour": "red"}, "colour"),
        ({"text": "Some text", "tlp": "purple"}, "tlp"),
        ({"text": "Some text", "kind": "novel"}, "kind"),
        ({"text": "Some text", "source_url": "javascript:alert(1)"}, "source_url"),
        ({"text": "Some text", "labels": [""]}, "labels"),
        ({"text": 42}, "text"),
    ],
)
async def test_create_report_invalid_field_is_422_naming_it(
    client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    problem = _assert_problem(await client.post("/v1/reports", json=body), 422)
    assert any(field in error["loc"] for error in problem["errors"])


@pytest.mark.parametrize("body", [{}, {"text": "a", "html": "<p>b</p>"}, ["text"], "text"])
async def test_create_report_needs_exactly_one_content_field(
    client: httpx.AsyncClient, body: Any
) -> None:
    _assert_problem(await client.post("/v1/reports", json=body), 422)


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r\n  \u200b"])
async def test_create_report_empty_or_whitespace_text_is_422(
    client: httpx.AsyncClient, text: str
) -> None:
    _assert_problem(await client.post("/v1/reports", json={"text": text}), 422)


async def test_create_report_html_without_text_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json={"html": "<script>x()</script>"})
    _assert_problem(response, 422)


async def test_create_report_over_limit_by_content_length_is_413(
    make_client: ClientFactory,
) -> None:
    async with make_client(max_body_bytes=1000) as client:
        response = await client.post("/v1/reports", json={"text": "x" * 2000})
        _assert_problem(response, 413)
        ok = await client.post("/v1/reports", json={"text": "small enough"})
        assert ok.status_code == 202


async def test_create_report_over_limit_when_streamed_is_413(make_client: ClientFactory) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"text": "'
        for _ in range(20):
            yield b"y" * 100
        yield b'"}'

    async with make_client(max_body_bytes=1000) as client:
        response = await client.post(
            "/v1/reports", content=chunks(), headers={"content-type": "application/json"}
        )
        assert "content-length" not in response.request.headers
        _assert_problem(response, 413)


async def test_create_report_upload_over_limit_is_413(make_client: ClientFactory) -> None:
    async with make_client(max_body_bytes=1000) as client:
        files = {"file": ("big.txt", b"z " * 1000, "text/plain")}
        _assert_problem(await client.post("/v1/reports", files=files), 413)


async def test_create_report_image_upload_is_415(client: httpx.AsyncClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    response = await client.post("/v1/reports", files={"file": ("pic.png", png, "image/png")})
    _assert_problem(response, 415)


async def test_create_report_invalid_utf8_upload_is_415(client: httpx.AsyncClient) -> None:
    files = {"file": ("notes.txt", b"Sandman \xff\xfe\xfa uses LuaDream", "text/plain")}
    _assert_problem(await client.post("/v1/reports", files=files), 415)


async def test_create_report_raw_body_of_other_type_is_415(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/reports", content=b"hello", headers={"content-type": "application/xml"}
    )
    _assert_problem(response, 415)


async def test_create_report_upload_without_file_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/reports", data={"title": "no file"}, files={"other": ("a.txt", b"x", "text/plain")}
    )
    problem = _assert_problem(response, 422)
    assert any("file" in error["loc"] for error in problem["errors"])


async def test_create_report_upload_with_unknown_form_field_is_422(
    client: httpx.AsyncClient,
) -> None:
    files = {"file": ("a.txt", SANDMAN.encode(), "text/plain")}
    response = await client.post("/v1/reports", files=files, data={"colour": "red"})
    _assert_problem(response, 422)


async def test_unknown_report_is_404(client: httpx.AsyncClient) -> None:
    problem = _assert_problem(await client.get("/v1/reports/01nonexistent"), 404)
    assert "01nonexistent" in problem["detail"]


async def test_unknown_route_is_problem_404(client: httpx.AsyncClient) -> None:
    _assert_problem(await client.get("/v1/nothing-here"), 404)


class _BrokenExtractor:
    name = "broken"

    async def extract(self, doc: Document) -> Brief:
        raise RuntimeError("secret internal detail /etc/passwd")


async def test_extractor_crash_fails_the_job_without_internals(
    make_client: ClientFactory,
) -> None:
    async with make_client(extractor_override=_BrokenExtractor(), max_attempts=1) as client:
        response = await client.post("/v1/reports", json={"text": SANDMAN}, headers=WAIT)
        assert response.status_code == 202, response.text
        report = response.json()
        assert report["status"] == "failed"
        assert report["brief"] is None
        assert "RuntimeError" in report["last_error"]
        assert "secret" not in response.text
        assert "passwd" not in response.text
        listed = (await client.get("/v1/reports")).json()["items"]
        assert [(item["id"], item["status"]) for item in listed] == [(report["id"], "failed")]


async def test_create_report_without_extractor_is_503_after_input_checks(
    settings: Settings,
) -> None:
    app = create_app(settings.model_copy(update={"extractor": "llm"}))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://precis.test") as client,
    ):
        _assert_problem(await client.post("/v1/reports", json={"text": "  "}), 422)
        problem = _assert_problem(await client.post("/v1/reports", json={"text": SANDMAN}), 503)
        assert "llm" in problem["detail"]
        assert (await client.get("/v1/reports")).status_code == 200
