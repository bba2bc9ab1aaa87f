"""Local time of plays in a user's timezone, in SQL, on both engines.

PostgreSQL converts itself (``played_at AT TIME ZONE 'Europe/Paris'``), DST included.
SQLite has no timezone database, so the offsets come from Python's ``zoneinfo``: the
range is cut where the zone's UTC offset changes (found by stepping a day at a time and
bisecting to the second), and the SQL adds the offset of the piece a play falls in
(``CASE WHEN played_at < <change> THEN <offset> ... END``). Both give the same local
time for every instant, on either side of a DST change: a play at 01:30 UTC on the
night the clocks go back lands in the local hour it was really in.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, Integer, case, cast, extract, func, literal, literal_column
from sqlalchemy.sql import ColumnElement

from graphql_api.errors import BadUserInput

# Plays before or after any range: offsets are computed for this span at most.
EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
MAX_TZ_LENGTH = 64
# IANA names: letters, digits and / _ + - only (so a name is safe inline in SQL).
ZONE_NAME = re.compile(r"[A-Za-z0-9/_+\-]{1,64}")


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    """The IANA zone ``name`` (e.g. ``Europe/Berlin``); BAD_USER_INPUT when unknown."""
    try:
        if not ZONE_NAME.fullmatch(name) or name.startswith(("/", ".")):
            raise ValueError(name)
        return zoneinfo.ZoneInfo(name)
    except (ValueError, zoneinfo.ZoneInfoNotFoundError) as error:
        raise BadUserInput(
            f"Unknown timezone {name[:MAX_TZ_LENGTH]!r}: use an IANA name such as 'Europe/Berlin'.",
            argument="timezone",
        ) from error


def _offset(zone: zoneinfo.ZoneInfo, at: dt.datetime) -> int:
    offset = at.astimezone(zone).utcoffset()
    return int(offset.total_seconds()) if offset is not None else 0


def offset_changes(
    zone: zoneinfo.ZoneInfo, since: dt.datetime, until: dt.datetime
) -> list[tuple[dt.datetime, int]]:
    """``[(start, offset seconds)]``: the zone's offset from each start on, over the range."""
    pieces = [(since, _offset(zone, since))]
    day = dt.timedelta(days=1)
    at = since
    while at < until:
        step = min(at + day, until)
        if _offset(zone, step) != pieces[-1][1]:
            low, high = at, step  # the change lies in (low, high]
            while high - low > dt.timedelta(seconds=1):
                middle = low + (high - low) / 2
                if _offset(zone, middle) == pieces[-1][1]:
                    low = middle
                else:
                    high = middle
            high = high.replace(microsecond=0)
            pieces.append((high, _offset(zone, high)))
        at = step
    return pieces


@dataclass(frozen=True)
class LocalTime:
    """SQL for the local time of ``column`` (an aware UTC timestamp) in a zone."""

    dialect: str
    zone: zoneinfo.ZoneInfo
    since: dt.datetime
    until: dt.datetime

    def timestamp(self, column: Any) -> Any:
        """PostgreSQL: the local timestamp. SQLite: local *seconds since the epoch* (an
        integer: the buckets below are integer arithmetic on it, far cheaper per play
        than formatting dates)."""
        if self.dialect == "postgresql":
            # Inline, not a bind parameter: GROUP BY must repeat the very same expression.
            local: ColumnElement[object] = column.op("AT TIME ZONE")(
                literal_column(f"'{self.zone.key}'")
            )
            return local
        pieces = offset_changes(self.zone, self.since, self.until)
        seconds: ColumnElement[object] = literal(pieces[-1][1])
        if len(pieces) > 1:
            seconds = case(
                *((column < pieces[n + 1][0], pieces[n][1]) for n in range(len(pieces) - 1)),
                else_=pieces[-1][1],
            )
        epoch: ColumnElement[int] = cast(func.strftime("%s", column), Integer)
        return epoch + seconds

    def hour(self, column: Any) -> Any:
        local = self.timestamp(column)
        if self.dialect == "postgresql":
            return cast(extract("hour", local), Integer)
        return (local // 3600) % 24

    def weekday(self, column: Any) -> Any:
        """ISO weekday: 1 = Monday ... 7 = Sunday."""
        local = self.timestamp(column)
        if self.dialect == "postgresql":
            return cast(extract("isodow", local), Integer)
        # Day 0 of the epoch, 1970-01-01, was a Thursday (ISO 4).
        return (local // 86400 + 3) % 7 + 1

    def bucket(self, column: Any, unit: str) -> Any:
        """The local day, ISO week (its Monday) or month (its 1st) a play falls in: a
        date (PostgreSQL); on SQLite the day number since the epoch (day, week) or
        ``YYYY-MM-01`` text (month). ``unit`` is one of day, week, month (checked by the
        caller; it is written into the SQL)."""
        assert unit in ("day", "week", "month")
        local = self.timestamp(column)
        if self.dialect == "postgresql":
            if unit == "day":
                return cast(local, Date)
            return cast(func.date_trunc(literal_column(f"'{unit}'"), local), Date)
        day = local // 86400
        if unit == "day":
            return day
        if unit == "month":
            return func.strftime("%Y-%m-01", local, "unixepoch")
        return day - (day + 3) % 7
