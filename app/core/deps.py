"""Request dependencies shared by the routers: settings and the extractor."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.core.errors import ServiceUnavailableError
from app.core.extractors import get_extractor
from app.engine.pipeline import Extractor
from app.settings import Settings


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_app_extractor(request: Request) -> Extractor:
    """The app's extractor, built on first use when none was injected."""
    state = request.app.state
    if state.extractor is None:
        try:
            state.extractor = get_extractor(state.settings, engine=state.engine)
        except ImportError as exc:  # the configured extractor's code is missing or broken
            raise ServiceUnavailableError("No extractor is installed.", original=exc) from exc
    extractor: Extractor = state.extractor
    return extractor


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
ExtractorDep = Annotated[Extractor, Depends(get_app_extractor)]
