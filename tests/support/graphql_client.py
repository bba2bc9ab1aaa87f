"""A small GraphQL client for tests: HTTP, and graphql-transport-ws over websockets."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

Json = dict[str, Any]


class GraphQLClient:
    def __init__(self, base_url: str, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.base_url = base_url
        self.http = http
        self.token = token

    def with_token(self, token: str | None) -> GraphQLClient:
        return GraphQLClient(self.base_url, self.http, token)

    def _headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"} if self.token else {}

    async def execute(self, query: str, variables: Json | None = None) -> Json:
        """POST an operation; returns the whole response body (data and errors)."""
        response = await self.http.post(
            f"{self.base_url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=self._headers(),
        )
        assert response.headers["content-type"].startswith("application/json"), response.text
        body: Json = response.json()
        return body

    async def query(self, query: str, variables: Json | None = None) -> Json:
        """Execute and return ``data``, failing the test on any error."""
        body = await self.execute(query, variables)
        assert not body.get("errors"), body["errors"]
        data: Json = body["data"]
        return data

    @asynccontextmanager
    async def websocket(self, init_payload: Json | None = None) -> AsyncIterator[WebSocketSession]:
        """An acknowledged graphql-transport-ws connection."""
        url = self.base_url.replace("http", "ws", 1) + "/graphql"
        payload = init_payload
        if payload is None and self.token:
            payload = {"authorization": f"Bearer {self.token}"}
        async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            session = WebSocketSession(ws)
            await session.init(payload)
            yield session


class WebSocketSession:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._ids = itertools.count(1)

    async def init(self, payload: Json | None) -> None:
        message: Json = {"type": "connection_init"}
        if payload is not None:
            message["payload"] = payload
        await self.ws.send(json.dumps(message))
        ack = await self.receive()
        assert ack["type"] == "connection_ack", ack

    async def receive(self, timeout: float = 10.0) -> Json:  # noqa: ASYNC109
        """The next message that is not a ping (pings are answered)."""
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            message: Json = json.loads(raw)
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            return message

    async def subscribe(self, query: str, variables: Json | None = None) -> str:
        operation_id = str(next(self._ids))
        await self.ws.send(
            json.dumps(
                {
                    "id": operation_id,
                    "type": "subscribe",
                    "payload": {"query": query, "variables": variables or {}},
                }
            )
        )
        return operation_id

    async def next_payload(self, operation_id: str, timeout: float = 10.0) -> Json:  # noqa: ASYNC109
        """The payload of the next ``next`` message for ``operation_id``."""
        while True:
            message = await self.receive(timeout)
            if message.get("id") != operation_id:
                continue
            if message["type"] == "next":
                payload: Json = message["payload"]
                return payload
            raise AssertionError(f"expected a result, got {message}")

    async def complete(self, operation_id: str) -> None:
        await self.ws.send(json.dumps({"id": operation_id, "type": "complete"}))
