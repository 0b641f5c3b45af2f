"""Errors of the LLM path, under the one root; SDK errors are wrapped with ``original=``."""

from __future__ import annotations

from app.engine.errors import PrecisError


class LLMError(PrecisError):
    """Something went wrong talking to the model."""


class LLMUnavailableError(LLMError):
    """The model endpoint cannot be reached (connection refused, timeouts after retries)."""


class LLMRequestError(LLMError):
    """The endpoint answered with an error we cannot recover from (bad request, auth)."""

    def __init__(
        self, detail: str, *, status: int | None = None, original: BaseException | None = None
    ) -> None:
        super().__init__(detail, original=original)
        self.status = status


class UnsupportedModeError(LLMRequestError):
    """The endpoint rejected the structured-output mode we asked for."""


class RefusalError(LLMError):
    """The model refused to answer."""


class ContentFilterError(LLMError):
    """The provider's content filter stopped the answer."""


class OutputTruncatedError(LLMError):
    """The answer hit the output token limit (``finish_reason == "length"``)."""


class InvalidOutputError(LLMError):
    """The answer is not valid JSON for the wire schema, even after one reask."""

    def __init__(
        self, detail: str, *, attempts: int, original: BaseException | None = None
    ) -> None:
        super().__init__(detail, original=original)
        self.attempts = attempts


class TokenBudgetExceededError(LLMError):
    """The extraction would use more tokens than the caller allowed."""

    def __init__(self, detail: str, *, estimated: int, budget: int) -> None:
        super().__init__(detail)
        self.estimated = estimated
        self.budget = budget
