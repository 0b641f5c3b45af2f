"""The `precis` command: serve, worker, extract, schema, eval, db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from app.engine.errors import PrecisError
from app.engine.pipeline import Extractor

if TYPE_CHECKING:
    from app.engine.brief import Brief
    from app.engine.document import Document

SCHEMA_PATH = Path("schemas/brief.schema.json")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `precis` console script."""
    args = _parser().parse_args(argv)
    try:
        code: int = args.handler(args)
    except PrecisError as exc:
        print(f"precis: {exc}", file=sys.stderr)
        return 2
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="precis", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument(
        "--host", default=None, help="bind address (default PRECIS_HOST or 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, default=None, help="port (default PRECIS_PORT or 8000)")
    _add_extract_delay(serve)
    serve.set_defaults(handler=_serve)

    worker = commands.add_parser("worker", help="run extraction workers (no HTTP server)")
    worker.add_argument(
        "--concurrency",
        type=int,
        default=None,
        help="jobs run at once (default PRECIS_WORKER_CONCURRENCY or 2)",
    )
    _add_extract_delay(worker)
    worker.set_defaults(handler=_worker)

    database = commands.add_parser("db", help="database schema commands")
    actions = database.add_subparsers(required=True, metavar="ACTION")
    upgrade = actions.add_parser("upgrade", help="migrate the database to this release's schema")
    upgrade.add_argument("--revision", default="head", help=argparse.SUPPRESS)
    upgrade.set_defaults(handler=_db_upgrade)

    extract = commands.add_parser("extract", help="print the brief of a file (no server needed)")
    extract.add_argument("path", help="a .txt/.md/.html/.pdf file, or - for standard input")
    extract.add_argument("--extractor", choices=["offline", "llm", "auto"], default=None)
    extract.add_argument("--format", choices=["json", "markdown"], default="json")
    extract.set_defaults(handler=_extract)

    schema = commands.add_parser("schema", help="write the brief's JSON Schema")
    schema.add_argument("--output", type=Path, default=SCHEMA_PATH)
    schema.set_defaults(handler=_schema)

    evaluate = commands.add_parser("eval", help="score the extractor against a gold JSONL file")
    evaluate.add_argument("gold", type=Path)
    evaluate.add_argument("--extractor", choices=["offline", "llm", "auto"], default=None)
    evaluate.set_defaults(handler=_eval)
    return parser


def _add_extract_delay(parser: argparse.ArgumentParser) -> None:
    # For tests and benchmarks of the queue only: every extraction sleeps this long first.
    parser.add_argument("--extract-delay", type=float, default=0.0, help=argparse.SUPPRESS)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.main import create_app
    from app.settings import get_settings

    settings = get_settings()
    host = args.host or settings.host
    port = args.port or settings.port
    extractor = None
    if args.extract_delay > 0:
        from app.jobs.extractors import DelayedExtractor

        extractor = DelayedExtractor(_extractor(None), args.extract_delay)
    app = create_app(settings, extractor=extractor)
    uvicorn.run(app, host=host, port=port, log_level=settings.log_level)
    return 0


def _worker(args: argparse.Namespace) -> int:
    import logging

    from app.jobs.process import run_worker_process
    from app.settings import get_settings

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if args.concurrency is not None and args.concurrency < 1:
        raise SystemExit("precis: --concurrency must be at least 1")
    asyncio.run(
        run_worker_process(settings, concurrency=args.concurrency, extract_delay=args.extract_delay)
    )
    return 0


def _db_upgrade(args: argparse.Namespace) -> int:
    from app.core.db import create_db_engine
    from app.core.schema import current_revision, upgrade_db
    from app.settings import get_settings

    engine = create_db_engine(get_settings().database_url)
    try:
        upgrade_db(engine, args.revision)
        print(f"database at revision {current_revision(engine)}")
    finally:
        engine.dispose()
    return 0


def _extract(args: argparse.Namespace) -> int:
    from app.engine.document import Document
    from app.engine.ingest import ingest, resolve_media_type

    data, name = _read_input(args.path)
    ingested = ingest(data, media_type=resolve_media_type(None, name or "stdin.txt"))
    doc = Document(text=ingested.text, title=ingested.title)
    brief = asyncio.run(_run_once(doc, _extractor(args.extractor)))
    if args.format == "markdown":
        from app.exports.markdown import render_markdown

        print(render_markdown(brief))
    else:
        print(brief.model_dump_json(indent=2))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from app.engine.schema import render_brief_schema

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render_brief_schema(), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    from app.evaluation.scoring import evaluate, format_table

    report = asyncio.run(evaluate(args.gold, _extractor(args.extractor)))
    print(format_table(report))
    return 0


async def _run_once(doc: Document, extractor: Extractor) -> Brief:
    """Extract one document, then close the extractor's connections (if it has any)."""
    from app.engine.pipeline import run_pipeline

    try:
        return await run_pipeline(doc, extractor)
    finally:
        close = getattr(extractor, "aclose", None)
        if close is not None:
            await close()


def _read_input(path: str) -> tuple[bytes, str | None]:
    if path == "-":
        return sys.stdin.buffer.read(), None
    file = Path(path)
    if not file.is_file():
        raise SystemExit(f"precis: no such file: {path}")
    return file.read_bytes(), file.name


def _extractor(choice: str | None) -> Extractor:
    from app.core.extractors import get_extractor
    from app.settings import get_settings

    return get_extractor(get_settings(), choice=choice)


if __name__ == "__main__":
    raise SystemExit(main())
