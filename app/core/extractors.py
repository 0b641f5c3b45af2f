"""Choose the extractor the app runs, from the settings."""

from __future__ import annotations

from app.core.errors import ServiceUnavailableError
from app.engine.pipeline import Extractor
from app.settings import Settings


def get_extractor(settings: Settings, *, choice: str | None = None) -> Extractor:
    """Build the extractor ``choice`` names, else PRECIS_EXTRACTOR; 'auto' is offline for now."""
    choice = choice or settings.extractor
    if choice in ("auto", "offline"):
        # Imported here: the offline extractor loads gazetteers, which the app only needs on use.
        from app.engine.offline import OfflineExtractor

        return OfflineExtractor()
    raise ServiceUnavailableError(f"The {choice!r} extractor is not available in this build.")
