"""Benchmarks (not tests): each prints ratios against a baseline measured in the same run."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def interpreter() -> str:
    """Which Python ran the benchmark: its build moves pure-Python code more than C libraries.

    An interpreter that calls into a shared libpython (pyenv's default build, without
    profile-guided optimisation) runs the offline pipeline markedly slower than a statically
    linked, optimised build such as Debian's /usr/bin/python3.11, while ioc-finder's time
    moves less; see bench/RESULTS.md.
    """
    executable = os.path.realpath(sys._base_executable)
    return f"python {sys.version.split()[0]} ({executable}, {_linkage()})"


def _linkage() -> str:
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return "linkage unknown"
    return "shared libpython" if "libpython" in maps else "static libpython"
