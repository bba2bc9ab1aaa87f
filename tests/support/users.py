"""Users for tests: a plain one (no Spotify link) and a logged-in session for one."""

from __future__ import annotations

from graphql_api.auth.sessions import start_session
from graphql_api.db.models import User
from graphql_api.resources import Resources


async def plain_user(resources: Resources, name: str) -> int:
    """A Mixtape user without a Spotify link."""
    async with resources.sessionmaker() as session:
        user = User(display_name=name)
        session.add(user)
        await session.commit()
        return user.id


async def login(resources: Resources, user_id: int) -> str:
    """An access token for ``user_id`` (a real session, as logging in makes)."""
    async with resources.sessionmaker() as session:
        issued = await start_session(session, resources.settings, user_id=user_id, method="test")
        await session.commit()
    return issued.access_token
