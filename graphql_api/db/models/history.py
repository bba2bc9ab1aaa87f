"""Imports of Spotify's extended streaming history (the privacy export's JSON files).

An import is a job over some files; each file keeps how many of its entries are
written (``entries_done``, committed with the plays of each batch), so a job that dies
or fails on a bad file resumes where it stopped. A file whose content (``sha256``) a
finished import of the same user already wrote is not read again.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from graphql_api.db.base import Base, CreatedAt, IntPK, utcnow
from graphql_api.db.types import str_enum


class HistoryImportStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


class HistoryImport(Base):
    """One import of streaming-history files for a user, run as a job."""

    __tablename__ = "history_imports"

    id: Mapped[IntPK]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[HistoryImportStatus] = mapped_column(
        str_enum(HistoryImportStatus), default=HistoryImportStatus.QUEUED
    )
    # Where an upload keeps its files until the import succeeds (None: files named by the CLI).
    upload_dir: Mapped[str | None] = mapped_column(Text)
    # The Spotify user the files say they belong to (older exports name one).
    spotify_username: Mapped[str | None] = mapped_column(String(255))
    phase: Mapped[str | None] = mapped_column(String(32))
    progress_done: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_total: Mapped[int] = mapped_column(BigInteger, default=0)
    progress_fraction: Mapped[float] = mapped_column(Float, default=0.0)
    entries_read: Mapped[int] = mapped_column(BigInteger, default=0)
    plays_added: Mapped[int] = mapped_column(BigInteger, default=0)
    plays_merged: Mapped[int] = mapped_column(BigInteger, default=0)
    skips_added: Mapped[int] = mapped_column(BigInteger, default=0)
    entries_ignored: Mapped[int] = mapped_column(BigInteger, default=0)
    songs_created: Mapped[int] = mapped_column(BigInteger, default=0)
    error_code: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[dt.datetime | None]
    created_at: Mapped[CreatedAt]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    finished_at: Mapped[dt.datetime | None]


class HistoryImportFile(Base):
    """One JSON file of an import (a file on disk, or a member of a zip)."""

    __tablename__ = "history_import_files"
    __table_args__ = (UniqueConstraint("import_id", "position"),)

    id: Mapped[IntPK]
    import_id: Mapped[int] = mapped_column(
        ForeignKey("history_imports.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    # The file on disk; for a zip member, the zip (``member`` names the member).
    path: Mapped[str] = mapped_column(Text)
    member: Mapped[str | None] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    entries_total: Mapped[int | None] = mapped_column(BigInteger)
    entries_done: Mapped[int] = mapped_column(BigInteger, default=0)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
