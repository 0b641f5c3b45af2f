"""Offline pipeline vs ioc-finder on realistic documents only (seeds, eval and holdout docs).

Each document is repeated ``copies`` times with a unique first line, so no cache can answer for
a copy. CPU time, one process, both measured in the same run, best of three interleaved runs each.

    python -m bench.bench_offline_real [copies]
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from app.engine.document import Document
from app.engine.indicators import run_ioc_finder
from app.engine.offline import OfflineExtractor, extract_offline
from bench import interpreter

ROOT = Path(__file__).resolve().parents[1]
REPEAT = 3
FOLDERS = ("seeds", "eval/docs", "eval/holdout/docs")


def documents(copies: int) -> list[str]:
    """Every realistic document, ``copies`` times, each copy with its own first line."""
    paths = [p for folder in FOLDERS for p in sorted((ROOT / folder).glob("*"))]
    texts = [p.read_text(encoding="utf-8") for p in paths if p.suffix in (".txt", ".md")]
    return [f"Copy {i}-{j}.\n\n{text}" for i in range(copies) for j, text in enumerate(texts)]


def cpu_seconds(run: Callable[[str], object], docs: list[str]) -> float:
    """CPU seconds to run ``run`` over every document."""
    started = time.process_time()
    for doc in docs:
        run(doc)
    return time.process_time() - started


def main() -> None:
    copies = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    docs = documents(copies)
    megabytes = sum(len(d.encode()) for d in docs) / 1e6
    # Warm both sides the way the service starts (data loaded, collector tuned for the
    # process) and pay ioc-finder's first-use grammar costs outside the timed loops.
    OfflineExtractor().warm()
    extract_offline(Document.from_raw("warm-up 192.0.2.1 example[.]com"))
    run_ioc_finder("warm-up http://192.0.2.1/a user@example.com example.com 2001:db8::1")
    baseline = pipeline = float("inf")
    for _ in range(REPEAT):  # interleaved, best of each: load on the machine hits both alike
        baseline = min(baseline, cpu_seconds(run_ioc_finder, docs))
        pipeline = min(
            pipeline, cpu_seconds(lambda doc: extract_offline(Document.from_raw(doc)), docs)
        )
    print(interpreter())
    print(
        f"{len(docs)} docs {megabytes:.2f} MB  ioc-finder {megabytes / baseline:.2f} MB/s  "
        f"offline pipeline {megabytes / pipeline:.2f} MB/s  ratio {baseline / pipeline:.2f}"
    )


if __name__ == "__main__":
    main()
