"""The docs page works offline; health probes; the OpenAPI document."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from sqlalchemy import create_engine

from app.main import create_app
from app.settings import Settings

_URL = re.compile(r"""(?:src|href|url)\s*[=:]\s*['"]([^'"]+)['"]""")


async def test_docs_page_references_only_local_assets(client: httpx.AsyncClient) -> None:
    response = await client.get("/docs")
    assert response.status_code == 200
    html = response.text
    assert not re.search(r"https?://(?!precis\.test)", html)
    assets = [url for url in _URL.findall(html) if url.endswith((".js", ".css"))]
    assert len(assets) == 2
    for asset in assets:
        assert (await client.get(asset)).status_code == 200


async def test_openapi_documents_problems_and_examples(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    post = schema["paths"]["/v1/reports"]["post"]
    assert {"413", "415", "422"} <= set(post["responses"])
    assert "application/problem+json" in post["responses"]["415"]["content"]
    body = post["requestBody"]["content"]
    assert set(body) == {"application/json", "multipart/form-data"}
    example = body["application/json"]["examples"]["sandman_article"]["value"]
    assert "LuaDream" in example["text"]
    for path in schema["paths"].values():
        for operation in path.values():
            assert operation.get("description"), operation["operationId"]


def test_openapi_without_seeds_still_has_examples(tmp_path: Path) -> None:
    app = create_app(Settings(database_url="sqlite://"), seed_dir=tmp_path / "missing")
    body = app.openapi()["paths"]["/v1/reports"]["post"]["requestBody"]["content"]
    examples = body["application/json"]["examples"]
    assert "sandman_article" not in examples
    assert examples


async def test_healthz_and_readyz_are_ok(client: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/readyz"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}


async def test_readyz_reports_unreachable_database(tmp_path: Path) -> None:
    app = create_app(Settings(database_url="sqlite://"))
    # Bypass create_db_engine (which would create the directory) to point at a missing one.
    app.state.engine = create_engine(f"sqlite:///{tmp_path / 'missing' / 'db.sqlite'}")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://precis.test") as client:
        assert (await client.get("/healthz")).status_code == 200
        response = await client.get("/readyz")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "missing" not in response.text
