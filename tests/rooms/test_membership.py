"""Joining, guest tokens, kicking and closing: every misuse answers a clear code."""

from __future__ import annotations

from graphql_api.resources import Resources
from graphql_api.rooms import codes
from tests.rooms.conftest import (
    JOIN,
    JOIN_GUEST,
    ROOM,
    VOTE,
    WATCH,
    RoomClient,
    codes_of,
    join_guest,
    open_room,
    plain_user,
    reasons_of,
    refusal,
    wait_for_room,
)
from tests.support.users import login

KICK = """mutation($code: String!, $id: ID!) {
  kickGuest(code: $code, participantId: $id) { participants { displayName } } }"""
CLOSE = "mutation($code: String!) { closeRoom(code: $code) { closed } }"
LEAVE = "mutation($code: String!) { leaveRoom(code: $code) { guestsPresent } }"


def test_codes_use_the_unambiguous_alphabet_and_normalize_as_typed() -> None:
    drawn = {codes.new_code() for _ in range(200)}
    assert len(drawn) == 200
    assert all(len(c) == codes.LENGTH and set(c) <= set(codes.ALPHABET) for c in drawn)
    assert not set("0O1IL5S2Z8BUV") & set(codes.ALPHABET)
    assert codes.normalize(" 34c-dea ") == "34CDEA"


async def test_unknown_malformed_and_closed_codes_are_refused_clearly(host: RoomClient) -> None:
    room = await open_room(host)
    unknown = "".join(reversed(room["code"])) if room["code"][::-1] != room["code"] else "333333"
    body = await host.execute(JOIN_GUEST, {"code": unknown, "name": "Ana"})
    assert refusal(body) == ("NOT_FOUND", "ROOM_NOT_FOUND")
    body = await host.execute(JOIN_GUEST, {"code": "not a code", "name": "Ana"})
    assert codes_of(body) == ["BAD_USER_INPUT"]
    body = await host.execute(JOIN_GUEST, {"code": room["code"], "name": "  "})
    assert codes_of(body) == ["BAD_USER_INPUT"]
    assert (await host.query(CLOSE, {"code": room["code"]}))["closeRoom"]["closed"] is True
    body = await host.execute(JOIN_GUEST, {"code": room["code"], "name": "Ana"})
    assert refusal(body) == ("NOT_FOUND", "ROOM_CLOSED")


async def test_a_guest_token_works_in_its_own_room_only(host: RoomClient) -> None:
    first = await open_room(host)
    ana = await join_guest(host, first["code"], "Ana")
    assert (await ana.client.query(ROOM, {"code": first["code"]}))["room"]["name"] == "Party"
    second = await open_room(host)  # a host may run several rooms
    body = await ana.client.execute(ROOM, {"code": second["code"]})
    assert refusal(body) == ("FORBIDDEN", "WRONG_ROOM")
    anonymous = RoomClient(host.base_url, host.http, None, None)
    assert codes_of(await anonymous.execute(ROOM, {"code": second["code"]})) == ["UNAUTHENTICATED"]
    forged = RoomClient(host.base_url, host.http, None, "not.a.token")
    assert codes_of(await forged.execute(ROOM, {"code": first["code"]})) == ["UNAUTHENTICATED"]


async def test_a_kicked_guest_is_refused_at_once_and_their_subscription_ends_forbidden(
    host: RoomClient,
) -> None:
    room = await open_room(host)
    code = room["code"]
    ana = await join_guest(host, code, "Ana")
    async with ana.client.room_websocket() as ws:
        op = await ws.subscribe(WATCH, {"code": code})
        await ws.next_payload(op)
        await host.query(KICK, {"code": code, "id": ana.participant_id})
        while True:  # states may come first; then the subscription ends with FORBIDDEN
            message = await ws.receive(timeout=20)
            if message.get("id") != op:
                continue
            errors = (
                message["payload"]
                if message["type"] == "error"
                else (message["payload"].get("errors") or [])
            )
            if errors:
                assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
                break
            assert message["type"] == "next", message
    body = await ana.client.execute(VOTE, {"code": code})
    assert refusal(body) == ("FORBIDDEN", "KICKED")
    state = await wait_for_room(host, code, lambda s: s["guestsPresent"] == 0)
    assert "Ana" not in [p["displayName"] for p in state["participants"]]


async def test_members_join_with_their_account_and_guests_cannot_host_actions(
    host: RoomClient, room_resources: Resources
) -> None:
    room = await open_room(host, guestCanPause=False)
    code = room["code"]
    bea_id = await plain_user(room_resources, "Bea")
    bea = RoomClient(host.base_url, host.http, await login(room_resources, bea_id), None)
    assert codes_of(await bea.execute(VOTE, {"code": code})) == ["FORBIDDEN"]  # not in yet
    joined = (await bea.query(JOIN, {"code": code}))["joinRoom"]
    assert joined["guestToken"] is None
    assert "Bea" in [p["displayName"] for p in joined["room"]["participants"]]
    for document in (CLOSE, "mutation($code: String!) { skipTrack(code: $code) { code } }"):
        body = await bea.execute(document, {"code": code})
        assert refusal(body) == ("FORBIDDEN", "HOST_ONLY")
    assert (await bea.query(LEAVE, {"code": code}))["leaveRoom"] is not None
    assert reasons_of(await bea.execute(VOTE, {"code": code})) == ["LEFT_ROOM"]
    body = await host.execute(LEAVE, {"code": code})
    assert codes_of(body) == ["BAD_USER_INPUT"]
