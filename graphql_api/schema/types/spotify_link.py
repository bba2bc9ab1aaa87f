"""SpotifyLink: the state of a user's Spotify connection (never its tokens)."""

from __future__ import annotations

from typing import Self

import strawberry

from graphql_api.db import models


@strawberry.type(description="Whether and how the user is connected to Spotify.")
class SpotifyLink:
    linked: bool
    account_id: str | None = strawberry.field(description="The Spotify user id.")
    needs_relink: bool = strawberry.field(
        description="Spotify no longer accepts the stored link: connect Spotify again."
    )
    scopes: list[str]

    @classmethod
    def from_row(cls, row: models.SpotifyAccount | None) -> Self:
        if row is None:
            return cls(linked=False, account_id=None, needs_relink=False, scopes=[])
        return cls(
            linked=True,
            account_id=row.spotify_user_id,
            needs_relink=row.needs_relink,
            scopes=row.scopes.split(),
        )
