"""Each user's release radar as an Atom feed, at an unguessable, revocable URL.

The URL's secret is an HMAC (under the server's secret key) of a random nonce kept per
user; the database stores the nonce and the secret's SHA-256, by which a request is
looked up. Rotating draws a new nonce: the old URL stops working at once.

A new server secret changes the feeds' URLs too, but only once ``mixtape admin keys rotate``
re-derives them (``rederive_feeds``): until then the URL shown is the one derived under the
key that still matches (the old key is in ``MIXTAPE_PREVIOUS_SECRET_KEYS``), so the URL
shown is always the one that works.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import xml.etree.ElementTree as ET

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from graphql_api.db.base import utcnow
from graphql_api.db.models import ReleaseFeed, User
from graphql_api.library.bulk import table_of, upsert
from graphql_api.releases.queries import ReleaseRow, release_radar
from graphql_api.settings import Settings

ATOM = "http://www.w3.org/2005/Atom"
ENTRIES = 50
_INFO = b"mixtape/release-feed/v1|"


def _secret(settings: Settings, nonce: str) -> str:
    return _derive(settings.secret_key, nonce)


def _derive(secret: SecretStr, nonce: str) -> str:
    key = secret.get_secret_value().encode()
    digest = hmac.new(key, _INFO + nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _working_secret(settings: Settings, nonce: str, token_hash: str) -> str | None:
    """The feed's secret under whichever known key made it (None: under no known key)."""
    for key in (settings.secret_key, *settings.previous_secret_keys):
        token = _derive(key, nonce)
        if hmac.compare_digest(_hash(token), token_hash):
            return token
    return None


def feed_url(settings: Settings, token: str) -> str:
    """The public URL of the feed whose secret is ``token``."""
    return f"{settings.public_url.rstrip('/')}/feeds/releases/{token}.atom"


async def current_feed_url(session: AsyncSession, settings: Settings, user_id: int) -> str | None:
    """The user's feed URL, or None when they never asked for one (or it was made under a
    secret key the server no longer knows: it cannot work, they ask for a new one)."""
    row = (
        await session.execute(
            select(ReleaseFeed.nonce, ReleaseFeed.token_hash).where(ReleaseFeed.user_id == user_id)
        )
    ).first()
    if row is None:
        return None
    token = _working_secret(settings, row.nonce, row.token_hash)
    return feed_url(settings, token) if token is not None else None


async def rederive_feeds(session: AsyncSession, settings: Settings) -> tuple[int, int]:
    """Key rotation: every feed made under a previous key gets its URL under the current
    one (the old URL stops working, the new one is shown). Returns (re-derived, left
    alone because no known key made them). Idempotent: run again, it finds nothing."""
    rederived = unknown = 0
    for feed in await session.scalars(select(ReleaseFeed).order_by(ReleaseFeed.user_id)):
        current = _secret(settings, feed.nonce)
        if hmac.compare_digest(_hash(current), feed.token_hash):
            continue
        if _working_secret(settings, feed.nonce, feed.token_hash) is None:
            unknown += 1
            continue
        feed.token_hash = _hash(current)
        rederived += 1
    return rederived, unknown


async def rotate_feed(session: AsyncSession, settings: Settings, user_id: int) -> str:
    """A new feed URL for the user; any previous one stops working. Returns the URL."""
    nonce = secrets.token_urlsafe(32)
    token = _secret(settings, nonce)
    row = {"user_id": user_id, "nonce": nonce, "token_hash": _hash(token), "created_at": utcnow()}
    await upsert(
        session,
        table_of(ReleaseFeed),
        [row],
        keys=["user_id"],
        update=["nonce", "token_hash", "created_at"],
    )
    return feed_url(settings, token)


async def feed_owner(session: AsyncSession, token: str) -> User | None:
    """The user whose feed secret is ``token`` (None for an unknown or revoked one)."""
    if not 20 <= len(token) <= 100:
        return None
    return await session.scalar(
        select(User)
        .join(ReleaseFeed, ReleaseFeed.user_id == User.id)
        .where(ReleaseFeed.token_hash == _hash(token))
    )


async def render_feed(session: AsyncSession, settings: Settings, user: User, token: str) -> bytes:
    """The user's release radar (newest ``ENTRIES``) as an Atom document."""
    page = await release_radar(session, user.id, ENTRIES, None)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"urn:mixtape:release-radar:{user.id}")
    _text(feed, "title", f"New releases for {user.display_name or 'you'}")
    rows = page.nodes
    updated = max((r.release.first_seen_at for r in rows), default=None) or user.created_at
    _text(feed, "updated", _time(updated))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=feed_url(settings, token))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Mixtape")
    for row in rows:
        feed.append(_entry(row))
    return bytes(ET.tostring(feed, encoding="utf-8", xml_declaration=True))


def _entry(row: ReleaseRow) -> ET.Element:
    album = row.album
    entry = ET.Element(f"{{{ATOM}}}entry")
    _text(entry, "id", f"urn:mixtape:release:{row.release.id}")
    kind = (album.album_type or "release").capitalize()
    _text(entry, "title", f"{kind}: {album.name}")
    _text(entry, "updated", _time(row.release.first_seen_at))
    if album.spotify_id:
        link = f"https://open.spotify.com/album/{album.spotify_id}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=link)
    released = album.release_date or "an unknown date"
    _text(entry, "summary", f"{album.name}, released {released}")
    return entry


def _text(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{name}").text = value


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
