"""Offline pipeline vs ioc-finder on realistic documents only (seeds, eval and holdout docs).

Each document is repeated ``copies`` times with a unique first line, so no cache can answer for
a copy. CPU time, one process, both measured in the same run.

    python -m bench.bench_offline_real [copies]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from app.engine.document import Document
from app.engine.indicators import run_ioc_finder
from app.engine.offline import extract_offline

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("seeds", "eval/docs", "eval/holdout/docs")


def documents(copies: int) -> list[str]:
    """Every realistic document, ``copies`` times, each copy with its own first line."""
    paths = [p for folder in FOLDERS for p in sorted((ROOT / folder).glob("*"))]
    texts = [p.read_text(encoding="utf-8") for p in paths if p.suffix in (".txt", ".md")]
    return [f"Copy {i}-{j}.\n\n{text}" for i in range(copies) for j, text in enumerate(texts)]


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    docs = documents(copies)
    megabytes = sum(len(d.encode()) for d in docs) / 1e6
    extract_offline(Document.from_raw("warm-up 192.0.2.1 example[.]com"))
    started = time.process_time()
    for doc in docs:
        run_ioc_finder(doc)
    baseline = time.process_time() - started
    started = time.process_time()
    for doc in docs:
        extract_offline(Document.from_raw(doc))
    pipeline = time.process_time() - started
    print(
        f"{len(docs)} docs {megabytes:.2f} MB  ioc-finder {megabytes / baseline:.2f} MB/s  "
        f"offline pipeline {megabytes / pipeline:.2f} MB/s  ratio {baseline / pipeline:.2f}"
    )


if __name__ == "__main__":
    main()
