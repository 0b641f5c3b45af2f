"""The project's error tree: one root, no HTTP in sight (the API maps these to statuses)."""

from __future__ import annotations


class PrecisError(Exception):
    """Root of every error Precis raises on purpose."""

    def __init__(self, detail: str, *, original: BaseException | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.original = original


class IngestError(PrecisError):
    """The submitted document cannot be turned into text."""


class EmptyDocumentError(IngestError):
    """The document holds no text once normalised."""


class UnsupportedMediaTypeError(IngestError):
    """The document's media type is not one Precis reads."""


class UndecodableError(IngestError):
    """The document's bytes cannot be decoded (bad encoding, broken PDF)."""
