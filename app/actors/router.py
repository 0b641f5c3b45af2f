"""Actor routes: the cross-report actor index."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.actors import service
from app.actors.models import ActorPage, ActorRead
from app.core.db import SessionDep
from app.core.errors import problem_responses

router = APIRouter(prefix="/v1/actors", tags=["actors"])


@router.get("", response_model=ActorPage, responses=problem_responses(422))
def list_actors(
    session: SessionDep,
    q: Annotated[str | None, Query(description="Part of a name or alias.")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ActorPage:
    """List actors across reports whose name or alias contains `q`, with report counts."""
    return service.search_actors(session, q=q, limit=limit)


@router.get("/{name:path}", response_model=ActorRead, responses=problem_responses(404, 422))
def get_actor(
    name: str,
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=500, description="Reports per page.")] = 100,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the last page.")] = None,
) -> ActorRead:
    """Get an actor by any of its names, with its reports (paged) and links across them."""
    return service.get_actor(session, name=name, limit=limit, cursor=cursor)
