"""One poll of one user: ask Spotify, store the state, count plays, publish a change."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from graphql_api.db.base import utcnow
from graphql_api.db.models import NowPlaying, Poller, SpotifyAccount
from graphql_api.db.uow import unit_of_work
from graphql_api.errors import RateLimited, SpotifyRelinkRequired
from graphql_api.listening.catalog import ensure_songs
from graphql_api.listening.changes import Change, detect_change
from graphql_api.listening.counting import CountedPlay, PlayTracker, advance
from graphql_api.listening.events import NowPlayingEvent, channel
from graphql_api.listening.history import (
    NewPlay,
    backfill,
    plays_from_recently_played,
    record_play,
)
from graphql_api.listening.intervals import IntervalPolicy
from graphql_api.listening.playback import Playback, parse_currently_playing
from graphql_api.listening.scheduler import Claim
from graphql_api.listening.store import load_row, playback_of, tracker_of, write_state
from graphql_api.resources import Resources
from graphql_api.settings import Settings

log = logging.getLogger(__name__)

RELINK_REQUIRED = "SPOTIFY_RELINK_REQUIRED"


def policy_of(settings: Settings) -> IntervalPolicy:
    """The interval policy ``settings`` configure."""
    return IntervalPolicy(
        playing=settings.poll_playing_seconds,
        paused=settings.poll_paused_seconds,
        idle=settings.poll_idle_seconds,
        minimum=settings.poll_min_seconds,
        max_backoff=settings.poll_max_backoff_seconds,
    )


@dataclass(frozen=True)
class PollOutcome:
    change: Change | None = None
    plays: int = 0
    error: str | None = None
    delay: float = 0.0
    # When Spotify answered (a successful poll's reading).
    observed_at: dt.datetime | None = None


def _as_item(play: CountedPlay) -> dict[str, Any]:
    item = play.item
    return {
        "uri": item.uri,
        "type": item.kind,
        "name": item.name,
        "duration_ms": item.duration_ms,
        "id": item.spotify_id,
        "explicit": item.explicit,
        "is_local": item.is_local,
    }


async def poll_user(resources: Resources, claim: Claim) -> PollOutcome:
    """Poll ``claim.user_id`` once and reschedule them. Never raises for Spotify's failures:
    they become the poller's ``last_error`` and a back-off."""
    settings = resources.settings
    policy = policy_of(settings)
    client = resources.spotify.client_for(claim.user_id)
    now = utcnow()
    try:
        # /me/player rather than currently-playing: the same state plus the device.
        body = await client.get("me/player", {"additional_types": "episode"})
        observed_at = utcnow()
        history: list[dict[str, Any]] = []
        gap = dt.timedelta(seconds=settings.poll_gap_seconds)
        if claim.last_poll_at is None or now - claim.last_poll_at > gap:
            params: dict[str, Any] = {"limit": 50}
            if claim.last_poll_at is not None:
                params["after"] = int(claim.last_poll_at.timestamp() * 1000)
            page = await client.get("me/player/recently-played", params)
            history = list((page or {}).get("items") or [])
    except SpotifyRelinkRequired as exc:
        # Not every such failure has marked the link (a 401 just after a successful
        # refresh; tokens no configured key decrypts): mark it here, or the user stays
        # due and is claimed again at every tick.
        await _failed(resources, claim, str(exc), None, stopped=RELINK_REQUIRED)
        return PollOutcome(error=str(exc))
    except RateLimited as exc:
        delay = policy.after_error(claim.consecutive_errors + 1, exc.retry_after)
        await _failed(resources, claim, str(exc), delay)
        return PollOutcome(error=str(exc), delay=delay)
    except Exception as exc:  # any failure must reschedule, never kill the loop
        delay = policy.after_error(claim.consecutive_errors + 1)
        message = str(exc) if hasattr(exc, "code") else f"{type(exc).__name__}: {exc}"
        log.warning("now-playing poll of user %s failed: %s", claim.user_id, message)
        await _failed(resources, claim, message, delay)
        return PollOutcome(error=message, delay=delay)

    current = parse_currently_playing(body if isinstance(body, dict) else None, observed_at)
    pressure = await resources.spotify.budget.usage()
    delay = policy.after_success(current, pressure)
    # The first poll of a claim, or one after failures, says so in the poller row; later
    # polls that find nothing new write nothing.
    record = claim.fresh or claim.consecutive_errors > 0
    return await store_poll(
        resources, claim.user_id, current, body, history, delay, record_poll=record
    )


async def store_poll(
    resources: Resources,
    user_id: int,
    current: Playback,
    body: Any,
    history: list[dict[str, Any]],
    delay: float,
    *,
    record_poll: bool = True,
) -> PollOutcome:
    """The transaction of one successful poll: the plays it counted or backfilled and the
    new state; publishes a change once committed.

    A poll that finds nothing new (the same item in the same state, progress where the
    clock puts it, or nothing playing still) writes nothing: the stored reading plus the
    clock describe it, and the listening progress is credited from the stored reading
    the next time. ``record_poll`` writes the poll's time in the poller row anyway (the
    first poll of a claim). The schedule (``next_poll_at``) is the loop's, not this.

    Every song the poll needs goes into the catalog in one write, before any other
    (``ensure_songs``): the catalog's lock order then holds (see ``write_catalog``)."""
    event: NowPlayingEvent | None = None
    if not history and not record_poll:
        # Most polls find nothing new: decide that in a read-only transaction, which on
        # SQLite neither takes nor waits for the write lock.
        async with resources.reader() as session:
            if _quiet(await load_row(session, user_id), current):
                return PollOutcome(delay=delay, observed_at=current.observed_at)
    async with unit_of_work(resources.sessionmaker) as uow:
        session = uow.session
        row = await load_row(session, user_id)
        if (
            row is not None
            and row.observed_at is not None
            and row.observed_at >= current.observed_at
        ):
            # Another process claimed this user after our lease ran out and stored a newer
            # reading: ours is stale, and writing it would undo theirs (or count a play twice).
            recorded = await backfill(session, user_id, history)
            return PollOutcome(plays=recorded, delay=delay, observed_at=current.observed_at)
        previous = playback_of(row) if row is not None else None
        change = detect_change(previous, current)
        tracker, plays = advance(
            tracker_of(row) if row is not None else PlayTracker(), previous, current, change
        )
        song_id = row.song_id if row is not None and change is None else None
        needs_current = current.item is not None and song_id is None
        # The counted plays' compact items first: the full objects Spotify gave win.
        items = [_as_item(play) for play in plays]
        items += [play.item for play in plays_from_recently_played(history)]
        songs = await ensure_songs(session, items + ([body["item"]] if needs_current else []))
        recorded = await backfill(session, user_id, history, songs)
        for play in plays:
            new = NewPlay(
                item=_as_item(play),
                played_at=play.played_at,
                ms_played=play.ms_played,
                context_uri=play.context_uri,
                source="poller",
            )
            recorded += await record_play(session, user_id, new, songs[play.item.uri])
        if needs_current:
            song_id = songs[str(body["item"]["uri"])]
        news = bool(change or plays or recorded) or _differs(row, current, tracker, song_id)
        if news:
            write_state(session, row, user_id, current, tracker, song_id)
        if news or record_poll:
            await session.execute(
                update(Poller)
                .where(Poller.user_id == user_id)
                .values(
                    last_poll_at=current.observed_at,
                    consecutive_errors=0,
                    last_error=None,
                    stopped_reason=None,
                )
            )
        if change is not None:
            event = NowPlayingEvent(user_id, current, change)
            message = event.as_message()
            uow.after_commit(lambda: resources.pubsub.publish(channel(user_id), message))
    return PollOutcome(
        change=event.change if event else None,
        plays=recorded,
        delay=delay,
        observed_at=current.observed_at,
    )


def _quiet(row: NowPlaying | None, current: Playback) -> bool:
    """Whether storing ``current`` would write nothing: a stale reading, or one that says
    nothing the stored ``row`` does not (see ``store_poll``)."""
    if row is None or row.observed_at is None:
        return False
    if row.observed_at >= current.observed_at:
        return True
    previous = playback_of(row)
    change = detect_change(previous, current)
    if change is not None:
        return False
    tracker, plays = advance(tracker_of(row), previous, current, change)
    if plays or (current.item is not None and row.song_id is None):
        return False
    return not _differs(row, current, tracker, row.song_id)


def _differs(
    row: NowPlaying | None,
    current: Playback,
    tracker: PlayTracker,
    song_id: int | None,
) -> bool:
    """Whether ``current`` says anything the stored ``row`` does not (its progress and the
    time listened follow from the stored reading and the clock, so they do not count)."""
    if row is None or row.observed_at is None:
        return True
    return (
        row.song_id != song_id
        or row.item != (current.item.as_json() if current.item else None)
        or row.is_playing != current.is_playing
        or row.context_uri != current.context_uri
        or row.device_name != current.device_name
        or row.play_started_at != tracker.started_at
        or row.play_recorded != tracker.recorded
    )


async def _failed(
    resources: Resources,
    claim: Claim,
    message: str,
    delay: float | None,
    *,
    stopped: str | None = None,
) -> None:
    """Record a failed poll; ``delay`` None = do not reschedule (stopped until fixed)."""
    now = utcnow()
    values: dict[str, Any] = {
        "last_error": message[:1000],
        "last_error_at": now,
        "consecutive_errors": claim.consecutive_errors + 1,
        "stopped_reason": stopped,
    }
    # A stopped poller is due again at once when its cause goes away (e.g. a relink).
    values["next_poll_at"] = now + dt.timedelta(seconds=delay if delay is not None else 0)
    async with unit_of_work(resources.sessionmaker) as uow:
        await uow.session.execute(
            update(Poller).where(Poller.user_id == claim.user_id).values(**values)
        )
        if stopped == RELINK_REQUIRED:
            # The scheduler claims no link that needs relinking; relinking clears the mark.
            await uow.session.execute(
                update(SpotifyAccount)
                .where(SpotifyAccount.user_id == claim.user_id)
                .values(needs_relink=True)
            )
    if stopped == RELINK_REQUIRED:
        # Nor may this process go on calling Spotify with the token it has cached.
        resources.spotify.tokens.forget(claim.user_id)
