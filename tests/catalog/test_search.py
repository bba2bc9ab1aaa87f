"""Name search uses its index on each engine (EXPLAIN), and finds substrings in any case."""

from __future__ import annotations

from sqlalchemy import select, text

from graphql_api.catalog.search import name_matches
from graphql_api.db.engine import create_engine, create_sessionmaker
from graphql_api.db.models import Album, Artist, Genre, Song
from graphql_api.settings import Settings
from tests.catalog.conftest import ingest, spotify_track

MODELS = (Song, Album, Artist, Genre)


async def test_name_search_is_answered_by_the_search_index(settings: Settings) -> None:
    engine = create_engine(settings.database_url)
    dialect = engine.dialect.name
    async with create_sessionmaker(engine)() as session:
        for model in MODELS:
            statement = select(model.id).where(name_matches(model, "Mirror", dialect))
            compiled = statement.compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
            if dialect == "postgresql":
                # The tables are tiny; without this the planner rightly prefers a scan.
                await session.execute(text("SET LOCAL enable_seqscan = off"))
                plan = "\n".join(
                    row[0] for row in await session.execute(text(f"EXPLAIN {compiled}"))
                )
                assert f"ix_{model.__tablename__}_name_trgm" in plan, plan
            else:
                plan = "\n".join(
                    str(row[-1])
                    for row in await session.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
                )
                assert f"{model.__tablename__}_fts VIRTUAL TABLE INDEX" in plan, plan
                assert f"SCAN {model.__tablename__}\n" not in plan + "\n", plan
    await engine.dispose()


async def test_name_search_finds_substrings_in_any_case_and_follows_renames(
    settings: Settings,
) -> None:
    await ingest(settings, [spotify_track(1, album=1, artists=[1], duration=1, year=2000)])
    engine = create_engine(settings.database_url)
    dialect = engine.dialect.name
    async with create_sessionmaker(engine)() as session:
        found = await session.scalars(
            select(Song.name).where(name_matches(Song, "RROR so", dialect))
        )
        assert list(found) == ["Mirror Song 1"]
        await session.execute(text("UPDATE songs SET name = 'Renamed 100%'"))
        assert (
            list(
                await session.scalars(
                    select(Song.name).where(name_matches(Song, "mirror", dialect))
                )
            )
            == []
        )
        assert list(
            await session.scalars(select(Song.name).where(name_matches(Song, "ed 100%", dialect)))
        ) == ["Renamed 100%"]
        assert (
            list(await session.scalars(select(Song.name).where(name_matches(Song, 'a"b', dialect))))
            == []
        )
    await engine.dispose()
