"""Publish/subscribe between processes: Redis pub/sub, or in memory on the embedded default."""

from graphql_api.events.base import PubSub, Subscription
from graphql_api.events.memory import MemoryPubSub
from graphql_api.events.redis import RedisPubSub

__all__ = ["MemoryPubSub", "PubSub", "RedisPubSub", "Subscription"]
