"""While an abusive request is in flight, /healthz keeps answering, and the abuse is refused.

Each abusive request goes over a socket of its own, written by hand: all of its body but the
last byte, then a /healthz on another connection, which must answer while the abusive request
is still open; then the last byte, and the abusive request's answer, checked. Ordering, not
timing: the /healthz answer is awaited before the abusive request can finish. Latencies under
each abuse, measured with the server in a process of its own, are `bench/abuse.py`'s.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tests.support.abuse import ABUSES
from tests.support.raw_http import RawRequest, RawResponse

sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def healthz(app_url: str) -> None:
    async with httpx.AsyncClient() as http:
        response = await http.get(f"{app_url}/healthz")
    assert response.json() == {"status": "ok"}


async def refused(request: RawRequest) -> RawResponse:
    try:
        return await request.response()
    finally:
        await request.close()


@sqlite_only
# Bodies over the limit are refused before they are read: the 200 MB test below.
@pytest.mark.parametrize("abuse", [name for name, abuse in ABUSES.items() if abuse.status != 413])
async def test_healthz_answers_while_an_abusive_request_is_in_flight(
    app_url: str, abuse: str
) -> None:
    body, status, code = ABUSES[abuse].body, ABUSES[abuse].status, ABUSES[abuse].code
    headers = {
        "content-type": "application/json",
        "accept": "application/graphql-response+json",
        "content-length": str(len(body)),
    }
    request = await RawRequest.start(app_url, "/graphql", headers)
    order: list[str] = []
    await request.send(body[:-1])
    await healthz(app_url)
    order.append("healthz")
    await request.send(body[-1:])
    # The server now works on the request: /healthz again, alongside.
    response, _ = await asyncio.gather(refused(request), healthz(app_url))
    order.append("abuse")
    assert order == ["healthz", "abuse"]
    assert response.status == status, response.body[:300]
    assert response.json()["errors"][0]["extensions"]["code"] == code


@sqlite_only
async def test_healthz_answers_while_a_200_mb_body_is_announced(app_url: str) -> None:
    headers = {"content-type": "application/json", "content-length": str(200_000_000)}
    request = await RawRequest.start(app_url, "/graphql", headers)
    await request.send(b'{"query": "')
    await healthz(app_url)
    response = await refused(request)
    assert response.status == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
