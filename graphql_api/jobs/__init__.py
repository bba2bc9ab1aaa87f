"""Background jobs: arq on Redis in production, in-process on the embedded default."""

from graphql_api.jobs.base import JobContext, JobFunction, JobQueue
from graphql_api.jobs.inprocess import InProcessQueue

__all__ = ["InProcessQueue", "JobContext", "JobFunction", "JobQueue"]
