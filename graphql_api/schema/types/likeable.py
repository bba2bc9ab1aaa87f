"""The ``Likeable`` interface: what a song, album, artist and playlist share about likes.

A node type implements it by inheriting it, naming its :class:`LikeTarget` and keeping
its row (with ``id`` and ``like_count``) in ``row``. ``likeCount`` is the row's counter
(kept by every like and unlike); ``viewerHasLiked`` goes through one DataLoader, so a
page of nodes costs one statement whatever its size.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol, cast

import strawberry

from graphql_api.db.models import LikeTarget
from graphql_api.resolvers import social
from graphql_api.resolvers.context import Info


@strawberry.interface(
    description="Something a user can like: a song, an album, an artist or a playlist."
)
class Likeable:
    like_target: ClassVar[LikeTarget]
    row: strawberry.Private[Any]

    @strawberry.field(description="How many users like it.")  # type: ignore[untyped-decorator]
    def like_count(self) -> int:
        return int(self.row.like_count)

    @strawberry.field(description="Whether you like it; false when anonymous.")  # type: ignore[untyped-decorator]
    async def viewer_has_liked(self, info: Info) -> bool:
        return await social.viewer_has_liked(info.context, self.like_target, int(self.row.id))


class _FromRow(Protocol):
    def __call__(self, row: Any) -> Likeable: ...


def likeable_of(target: LikeTarget, row: Any) -> Likeable:
    """The node of a liked row: the type implementing :class:`Likeable` for ``target``."""
    for node_type in Likeable.__subclasses__():
        if node_type.like_target is target:
            return cast(_FromRow, getattr(node_type, "from_row"))(row)  # noqa: B009
    raise LookupError(f"no node type implements Likeable for {target}")


def likeable_type_names() -> dict[str, LikeTarget]:
    """The GraphQL type name of each node type implementing :class:`Likeable`."""
    return {
        node_type.__strawberry_definition__.name: node_type.like_target  # type: ignore[attr-defined]
        for node_type in Likeable.__subclasses__()
    }
