"""Offline pipeline benchmark: ioc-finder alone vs the indicator pass vs the offline extractor.

Run ``python -m bench.bench_offline [--mb 5]``. Everything is measured in one run on the
same deterministic corpus (``bench.corpus``) and printed as MB/s with ratios against
ioc-finder alone, plus the indicator recall against ioc-finder's values. This is a
benchmark, not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import time
from collections.abc import Callable, Iterable
from typing import Any

from app.engine.indicators import (
    IndicatorScan,
    run_ioc_finder,
    scan_indicators,
    scan_indicators_exhaustive,
)
from app.engine.ioc_filters import canonical_value
from bench.corpus import build_corpus

Values = set[tuple[str, str]]


def ioc_finder_values(found: dict[str, set[str]]) -> Values:
    """Canonical (type, value) pairs of a raw ioc-finder result."""
    return {
        (kind, canonical_value(kind, value)) for kind, values in found.items() for value in values
    }


def scan_values(scan: IndicatorScan) -> Values:
    """Canonical (type, value) pairs of a scan, references counted as URLs."""
    pairs = {(i.type.value, i.value) for i in scan.indicators}
    return pairs | {("url", url) for url in scan.references}


def timed(fn: Callable[[str], Any], docs: list[str], repeat: int) -> tuple[float, list[Any]]:
    """Best-of-``repeat`` seconds to run ``fn`` over every document, and its results."""
    best, results = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        results = [fn(doc) for doc in docs]
        best = min(best, time.perf_counter() - start)
    return best, results


def recall(found: Iterable[Values], expected: Iterable[Values]) -> float:
    """Share of expected values that were found, over the whole corpus."""
    hit = total = 0
    for got, want in zip(found, expected, strict=True):
        hit += len(got & want)
        total += len(want)
    return hit / total if total else 1.0


def offline_runner() -> Callable[[str], Any] | None:
    """A callable running the whole offline extractor on one text, if it exists yet."""
    try:
        offline = importlib.import_module("app.engine.offline")
        document = importlib.import_module("app.engine.document")
    except ImportError as error:
        print(f"note: offline extractor not importable yet ({error}); skipping (c)")
        return None
    extractor = offline.OfflineExtractor()
    loop = asyncio.new_event_loop()

    def run(text: str) -> Any:
        return loop.run_until_complete(extractor.extract(document.Document.from_raw(text)))

    return run


def gazetteer_load_seconds() -> float | None:
    """Time one gazetteer load, if ``app.engine.gazetteer.load_gazetteer`` exists."""
    try:
        gazetteer = importlib.import_module("app.engine.gazetteer")
    except ImportError:
        return None
    loader = getattr(gazetteer, "load_gazetteer", None)
    if loader is None:
        return None
    start = time.perf_counter()
    loader()
    return time.perf_counter() - start


def warm_up() -> None:
    """Pay one-off import and data-load costs outside the timed runs."""
    scan_indicators("warm-up evil[.]com T1059 http://u@a.com/#x d41d8cd98f00b204e9800998ecf8427e")
    run_ioc_finder("warm-up evil.com")


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=5.0, help="corpus size in MB")
    parser.add_argument("--repeat", type=int, default=3, help="best of N timed runs")
    args = parser.parse_args()
    docs = build_corpus(args.mb)
    megabytes = sum(len(d.encode()) for d in docs) / 1e6
    print(f"corpus: {len(docs)} documents, {megabytes:.2f} MB")
    gaz = gazetteer_load_seconds()
    print(f"gazetteer load: {gaz:.3f} s" if gaz is not None else "gazetteer: not available")
    warm_up()

    base_s, base_raw = timed(run_ioc_finder, docs, args.repeat)
    scan_s, scans = timed(scan_indicators, docs, args.repeat)
    rows = [("(a) ioc-finder alone", base_s), ("(b) scan_indicators", scan_s)]
    runner = offline_runner()
    if runner is not None:
        runner(docs[0])
        offline_s, _ = timed(runner, docs, args.repeat)
        rows.append(("(c) offline extractor", offline_s))

    print(f"\n{'run':<26}{'seconds':>9}{'MB/s':>9}{'x (a)':>8}")
    for name, seconds in rows:
        print(f"{name:<26}{seconds:>9.2f}{megabytes / seconds:>9.2f}{base_s / seconds:>8.2f}")

    raw_expected = [ioc_finder_values(found) for found in base_raw]
    filtered_expected = [scan_values(scan_indicators_exhaustive(doc)) for doc in docs]
    got = [scan_values(scan) for scan in scans]
    print(
        f"\nrecall of (b) vs (a) after the same post-filters: {recall(got, filtered_expected):.4f}"
    )
    print(f"recall of (b) vs (a) raw values (filters drop some): {recall(got, raw_expected):.4f}")
    missing = set().union(*(want - have for have, want in zip(got, filtered_expected, strict=True)))
    if missing:
        print(f"missed values (first 10): {sorted(missing)[:10]}")


if __name__ == "__main__":
    main()
