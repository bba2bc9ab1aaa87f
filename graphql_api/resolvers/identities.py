"""Identity mutations and reads: link, complete, unlink an OpenID Connect identity.

Thin, like ``resolvers/auth.py``: check the viewer, run the domain
(``graphql_api.auth.identities``, ``identity_link``, ``oidc_login``) in a unit of work.
"""

from __future__ import annotations

from graphql_api.auth import identities, identity_link, oidc_login
from graphql_api.db import models
from graphql_api.errors import NotFound
from graphql_api.resolvers.context import Context


async def identities_of(context: Context, user_id: int) -> list[models.Identity] | None:
    """The user's identities; None for anyone but the user."""
    if context.viewer_id != user_id:
        return None
    return await context.loaders.identities.load(user_id)


async def link_identity(context: Context, provider: str, redirect_to: str | None) -> str:
    """The provider's authorize URL that links an identity there to the viewer's account."""
    user_id = context.require_viewer()
    client = context.resources.oidc.client(provider)
    await client.metadata()  # fetched before the transaction, not inside it
    async with context.unit_of_work() as uow:
        started = await oidc_login.begin(
            uow.session,
            context.resources.settings,
            client,
            redirect_to=redirect_to,
            linking_user_id=user_id,
        )
    return started.url


async def complete_identity_link(context: Context, code: str) -> models.Identity:
    """Link the identity held under ``code`` (from the link callback) to the viewer."""
    user_id = context.require_viewer()
    async with context.unit_of_work() as uow:
        outcome = await identity_link.complete(uow.session, user_id=user_id, code=code)
    # Raised after the commit: a code presented by another account stays burnt.
    return outcome.unwrap()


async def unlink_identity(context: Context, identity_id: int | None) -> models.User:
    """Unlink one of the viewer's identities (never their last way to log in)."""
    user_id = context.require_viewer()
    if identity_id is None:
        raise NotFound("No such identity.", field="id")
    async with context.unit_of_work() as uow:
        await identities.unlink(uow.session, user_id, identity_id)
        row = await uow.session.get(models.User, user_id)
    assert row is not None
    return row
