"""A running restore's row: progress, plan and result, written only while the job owns it.

Every write is conditional on the attempt that claimed the restore (``attempts``) and
renews its lease; a write that finds the restore taken over raises :class:`LeaseLost`.
The result (added, removed, unavailable per section) grows batch by batch, each batch's
outcome committed as soon as Spotify confirmed it, so a resumed job carries on the sums.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from graphql_api.db.base import utcnow
from graphql_api.db.models import Restore, RestoreStatus
from graphql_api.resources import Resources
from graphql_api.restore.sections import Item, Plan, Section, plan_to_json
from graphql_api.settings import Settings

# Each phase's slice of the overall fraction.
PHASES = {"reading": (0.0, 0.2), "writing": (0.2, 1.0)}


class LeaseLost(Exception):
    """Another attempt runs this restore now: stop, write nothing more."""


def lease_expiry(settings: Settings) -> dt.datetime:
    return utcnow() + dt.timedelta(seconds=settings.restore_lease_s)


def empty_result(sections: list[Section]) -> dict[str, Any]:
    return {s.value: {"added": 0, "removed": 0, "unavailable": []} for s in sections}


class RestoreProgress:
    """The row of one attempt at a restore."""

    def __init__(self, resources: Resources, row: Restore, attempt: int) -> None:
        self.resources = resources
        self.row = row
        self.attempt = attempt

    def _owned(self) -> Any:
        return (
            (Restore.id == self.row.id)
            & (Restore.attempts == self.attempt)
            & (Restore.status == RestoreStatus.RUNNING)
        )

    async def _write(self, values: dict[str, Any], *, renew: bool = True) -> None:
        values["lease_until"] = lease_expiry(self.resources.settings) if renew else None
        async with self.resources.sessionmaker() as session:
            outcome = await session.execute(update(Restore).where(self._owned()).values(values))
            await session.commit()
        if not getattr(outcome, "rowcount", 0):
            raise LeaseLost

    def _fraction(self) -> float:
        start, end = PHASES.get(self.row.phase or "", (0.0, 0.0))
        total = self.row.progress_total
        share = 1.0 if total <= 0 else min(self.row.progress_done, total) / total
        return max(self.row.progress_fraction or 0.0, start + (end - start) * share)

    def _progress(self) -> dict[str, Any]:
        self.row.progress_fraction = self._fraction()
        return {
            "phase": self.row.phase,
            "progress_done": self.row.progress_done,
            "progress_total": self.row.progress_total,
            "progress_fraction": self.row.progress_fraction,
        }

    async def phase(self, name: str, total: int) -> None:
        self.row.phase, self.row.progress_done, self.row.progress_total = name, 0, total
        await self._write(self._progress())

    async def planned(self, plan: Plan) -> None:
        """Keep the plan of the first attempt (what the restore set out to do) and start
        the result; a resumed attempt keeps both."""
        if self.row.plan is not None:
            return
        self.row.plan = plan_to_json(plan)
        self.row.result = empty_result(list(plan))
        await self._write({"plan": self.row.plan, "result": self.row.result})

    async def record(
        self,
        section: Section,
        *,
        added: int = 0,
        removed: int = 0,
        unavailable: list[Item] | None = None,
        units: int = 0,
    ) -> None:
        """Add one confirmed batch's outcome to the result (``units`` of progress)."""
        result = {k: dict(v) for k, v in (self.row.result or {}).items()}
        part = result.setdefault(section.value, {"added": 0, "removed": 0, "unavailable": []})
        part["added"] = int(part["added"]) + added
        part["removed"] = int(part["removed"]) + removed
        part["unavailable"] = [*part["unavailable"], *(i.to_json() for i in unavailable or [])]
        self.row.result = result
        self.row.progress_done += units
        await self._write({"result": result, **self._progress()})

    async def finish(
        self, status: RestoreStatus, code: str | None = None, message: str | None = None
    ) -> None:
        self.row.status = status
        self.row.error_code, self.row.error_message = code, message
        values: dict[str, Any] = {
            "status": status,
            "error_code": code,
            "error_message": message,
            "finished_at": utcnow(),
        }
        if status is RestoreStatus.SUCCEEDED:
            self.row.phase, self.row.progress_fraction = "done", 1.0
            values |= {"phase": "done", "progress_fraction": 1.0}
        await self._write(values, renew=False)
