"""File uploads and HTML submissions."""

from __future__ import annotations

import httpx

from tests.api.conftest import SANDMAN, WAIT
from tests.engine.pdf_factory import minimal_pdf
from tests.engine.test_ingest import ARTICLE_HTML


async def test_upload_text_file_with_form_fields(client: httpx.AsyncClient) -> None:
    files = {"file": ("sandman.txt", SANDMAN.encode(), "text/plain")}
    data = {"title": "Uploaded", "tlp": "green", "labels": "apt, china", "kind": "article"}
    response = await client.post("/v1/reports", files=files, data=data, headers=WAIT)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["title"] == "Uploaded"
    assert body["tlp"] == "green"
    assert body["labels"] == ["apt", "china"]
    assert body["media_type"] == "text/plain"
    assert "LuaDream" in body["text"]


async def test_upload_markdown_by_extension_takes_heading_title(client: httpx.AsyncClient) -> None:
    markdown = b"# KeyPlug notes\n\nAPT41 deployed KeyPlug.\n"
    files = {"file": ("notes.md", markdown, "application/octet-stream")}
    response = await client.post("/v1/reports", files=files, headers=WAIT)
    assert response.status_code == 201, response.text
    assert response.json()["media_type"] == "text/markdown"
    assert response.json()["title"] == "KeyPlug notes"


async def test_upload_pdf_extracts_its_text(client: httpx.AsyncClient) -> None:
    pdf = minimal_pdf(["Sandman uses the LuaDream backdoor.", "Action: Patch VPN gateways."])
    response = await client.post(
        "/v1/reports", files={"file": ("brief.pdf", pdf, "application/pdf")}, headers=WAIT
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["media_type"] == "application/pdf"
    assert "LuaDream backdoor" in body["text"]
    assert [item["text"] for item in body["brief"]["action_items"]] == ["Patch VPN gateways."]


async def test_upload_html_file_keeps_main_content(client: httpx.AsyncClient) -> None:
    files = {"file": ("page.html", ARTICLE_HTML.encode(), "text/html")}
    response = await client.post("/v1/reports", files=files, headers=WAIT)
    assert response.status_code == 201, response.text
    text = response.json()["text"]
    assert "LuaDream" in text
    assert "NAV_LOGIN_LINK" not in text
    assert "SECRET_SCRIPT_TEXT" not in text


async def test_create_report_from_html_json_keeps_main_content(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json={"html": ARTICLE_HTML}, headers=WAIT)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["media_type"] == "text/html"
    assert "telecom providers" in body["text"]
    assert "FOOTER_COPYRIGHT" not in body["text"]
    assert "window.tracking" not in body["text"]


async def test_same_html_and_text_content_dedupe(client: httpx.AsyncClient) -> None:
    first = await client.post("/v1/reports", json={"html": ARTICLE_HTML}, headers=WAIT)
    again = await client.post(
        "/v1/reports", files={"file": ("same.txt", first.json()["text"].encode(), "text/plain")}
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
