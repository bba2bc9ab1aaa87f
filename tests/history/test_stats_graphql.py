"""viewer.listeningStats and another user's, over GraphQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from strawberry.relay import GlobalID

from graphql_api.db.models import SharingLevel, User
from graphql_api.resources import Resources
from tests.history.conftest import import_files, new_user, token_for
from tests.support.graphql_client import GraphQLClient
from tests.support.history_export import write_export

FIELDS = """plays msPlayed skips skipRate timezone
  topSongs(first: 3) { song { name } plays msPlayed }
  topArtists(first: 2) { artist { name } plays }
  topAlbums(first: 2) { album { name } plays }
  topGenres(first: 2) { genre { name } plays }
  heatmap { weekday hour plays }
  periods(unit: MONTH) { start plays }
  streaks { longestDays currentDays }
  discoveries(first: 2) { totalCount items { artist { name } firstPlayedAt } }"""
VIEWER = "query($tz: String!) { viewer { listeningStats(timezone: $tz) { " + FIELDS + " } } }"
OTHER = (
    "query($id: ID!) { listeningStats(userId: $id, range: "
    '{since: "2022-01-01T00:00:00Z"}, timezone: "Asia/Tokyo") { plays } }'
)


async def test_viewer_reads_their_statistics_in_their_timezone(
    resources: Resources, gql: GraphQLClient, tmp_path: Path
) -> None:
    user_id = await new_user(resources)
    paths, expected = write_export(tmp_path, files=2, per_file=200)
    await import_files(resources, user_id, paths)
    client = gql.with_token(await token_for(resources, user_id))
    found = (await client.query(VIEWER, {"tz": "Europe/Berlin"}))["viewer"]["listeningStats"]
    assert found["plays"] == expected.plays
    assert found["skips"] == expected.skips
    assert found["timezone"] == "Europe/Berlin"
    assert sum(c["plays"] for c in found["heatmap"]) == expected.plays
    assert sum(p["plays"] for p in found["periods"]) == expected.plays
    assert len(found["topSongs"]) == 3
    assert found["discoveries"]["totalCount"] > 0
    bad = await client.execute(VIEWER, {"tz": "Mars/Olympus"})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_another_users_statistics_follow_their_sharing(
    resources: Resources, gql: GraphQLClient, tmp_path: Path
) -> None:
    owner = await new_user(resources, "Owner")
    paths, expected = write_export(tmp_path, files=2, per_file=100)
    await import_files(resources, owner, paths)
    viewer = gql.with_token(await token_for(resources, await new_user(resources, "Viewer")))
    variables = {"id": str(GlobalID("User", str(owner)))}
    hidden = await viewer.execute(OTHER, variables)
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    async with resources.sessionmaker() as session:
        await session.execute(
            update(User).where(User.id == owner).values(now_playing_sharing=SharingLevel.EVERYONE)
        )
        await session.commit()
    shared = await viewer.query(OTHER, variables)
    wanted = sum(1 for started, _, _ in expected.counted if started.year >= 2022)
    assert shared["listeningStats"]["plays"] == wanted
