"""The unit of work: one owner of the transaction boundary per request or job step."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

AfterCommit = Callable[[], Awaitable[None]]


class UnitOfWork:
    """A session plus work to run only once its transaction has committed.

    Domain code never commits: it adds rows and registers after-commit hooks
    (``enqueue a job``, ``publish an event``); the owner of the boundary commits and
    then runs the hooks, or rolls back and drops them.
    """

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._after_commit: list[AfterCommit] = []

    def after_commit(self, hook: AfterCommit) -> None:
        self._after_commit.append(hook)

    async def commit(self) -> None:
        await self.session.commit()
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            await hook()

    async def rollback(self) -> None:
        self._after_commit.clear()
        await self.session.rollback()


@asynccontextmanager
async def unit_of_work(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[UnitOfWork]:
    """Commit when the block ends normally, roll back (dropping hooks) when it raises."""
    async with sessionmaker() as session:
        uow = UnitOfWork(session)
        try:
            yield uow
        except BaseException:
            await uow.rollback()
            raise
        else:
            await uow.commit()
