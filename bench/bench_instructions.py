"""Offline pipeline vs ioc-finder in instructions, which machine load does not change.

Wall and CPU time on a shared two-core VM move by 10-20% from run to run, more than a round of
optimisation gains. Valgrind's callgrind counts the instructions a process executes; this
benchmark counts three processes over the same corpus (setup only, setup plus the offline
pipeline, setup plus ioc-finder) and prints each run's instructions minus the setup's.
Instructions are not time: the two workloads retire instructions at different rates per cycle
(see bench/RESULTS.md), so use this to compare versions of the pipeline, and `bench_offline`
for the MB/s ratio itself.

    python -m bench.bench_instructions [--mb 1.0]    (needs valgrind; a few minutes at 1 MB)
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = ("setup", "offline", "ioc-finder")
_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def workload(run: str, megabytes: float) -> None:
    """Build the corpus and warm both extractors; then run one of them over the corpus."""
    from app.engine.action_dates import warm as warm_dates
    from app.engine.document import Document
    from app.engine.indicators import run_ioc_finder
    from app.engine.offline import OfflineExtractor, extract_offline
    from bench.corpus import build_corpus

    docs = build_corpus(megabytes)
    OfflineExtractor().warm()
    warm_dates()
    sample = "APT41 uses KeyPlug. Block 192.0.2.1 and evil[.]com by Friday.\n- Patch CVE-2023-1234"
    extract_offline(Document.from_raw(sample))
    run_ioc_finder(sample)
    if run == "offline":
        for text in docs:
            extract_offline(Document.from_raw(text))
    elif run == "ioc-finder":
        for text in docs:
            run_ioc_finder(text)


def count(run: str, megabytes: float) -> int:
    """Instructions of one process running ``workload(run)`` under callgrind."""
    with tempfile.TemporaryDirectory() as out:
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={out}/callgrind.out",
                sys.executable,
                "-m",
                "bench.bench_instructions",
                "--workload",
                run,
                "--mb",
                str(megabytes),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": "0"},
            capture_output=True,
            text=True,
            check=True,
        )
    found = _REFS.search(done.stderr)
    if found is None:
        raise RuntimeError(f"callgrind printed no instruction count:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=1.0, help="corpus size in MB")
    parser.add_argument("--workload", choices=RUNS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        workload(args.workload, args.mb)
        return
    setup, offline, ioc_finder = (count(run, args.mb) for run in RUNS)
    print(f"corpus: {args.mb} MB; instructions after setup ({setup / 1e6:,.0f}M) is subtracted")
    print(f"{'run':<24}{'instructions':>16}{'x offline':>12}")
    for name, total in (("offline extractor", offline), ("ioc-finder alone", ioc_finder)):
        work = total - setup
        print(f"{name:<24}{work / 1e6:>15,.0f}M{work / (offline - setup):>12.2f}")


if __name__ == "__main__":
    main()
