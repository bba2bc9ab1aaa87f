// The guest page of a listening room: join with a name, follow the room live over
// graphql-transport-ws, vote to skip, queue songs and vote them up. No library, no build.
"use strict";

(() => {
  const code = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop() || "");
  const storeKey = `mixtape-room:${code}`;
  const endpoint = new URL("graphql", document.baseURI.replace(/rooms\/[^/]*$/, "")).href;
  const $ = (id) => document.getElementById(id);
  const FIELDS = `code name trackNumber isPlaying progressMs skipVotes skipThreshold
    guestsPresent problems track { name artistNames durationMs }
    queue { id name artists votes addedBy }`;
  let token = localStorage.getItem(storeKey);
  let state = null;

  async function graphql(query, variables) {
    const headers = { "content-type": "application/json" };
    if (token) headers["x-room-token"] = token;
    const response = await fetch(endpoint, {
      method: "POST", headers, body: JSON.stringify({ query, variables }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length) {
      const error = body.errors[0];
      const reason = (error.extensions || {}).reason || (error.extensions || {}).code;
      if (reason === "KICKED" || reason === "GUEST_TOKEN_INVALID") forget();
      throw new Error(error.message);
    }
    return body.data;
  }

  function say(text) { $("status").textContent = text || ""; }

  function forget() {
    localStorage.removeItem(storeKey);
    token = null;
  }

  function render(room) {
    state = room;
    $("room-name").textContent = room.name;
    $("track").textContent = room.track ? room.track.name : "Nothing";
    $("artists").textContent = room.track ? room.track.artistNames.join(", ") : "";
    $("progress").textContent = room.isPlaying ? "Playing" : "Paused";
    $("skip-votes").textContent = room.skipVotes;
    $("skip-threshold").textContent = room.skipThreshold;
    $("present").textContent = room.guestsPresent;
    $("problems").hidden = room.problems.length === 0;
    $("problems").textContent = room.problems.join(", ");
    const list = $("queue");
    list.replaceChildren(...room.queue.map((entry) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = `${entry.name}${entry.artists ? " · " + entry.artists : ""}`;
      const vote = document.createElement("button");
      vote.type = "button";
      vote.textContent = `▲ ${entry.votes}`;
      vote.className = "vote-item";
      vote.addEventListener("click", () => act(
        `mutation($code: String!, $id: ID!) { voteQueueItem(code: $code, itemId: $id) { code } }`,
        { code, id: entry.id }));
      item.append(label, vote);
      return item;
    }));
  }

  async function act(query, variables) {
    try {
      say("");
      await graphql(query, variables);
    } catch (error) {
      say(error.message);
    }
  }

  function follow() {
    const url = endpoint.replace(/^http/, "ws");
    const socket = new WebSocket(url, "graphql-transport-ws");
    // The server sends its JSON in binary frames (orjson writes bytes).
    socket.binaryType = "arraybuffer";
    const decoder = new TextDecoder();
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { roomToken: token } }));
    });
    socket.addEventListener("message", (event) => {
      const text = typeof event.data === "string" ? event.data : decoder.decode(event.data);
      const message = JSON.parse(text);
      if (message.type === "connection_ack") {
        socket.send(JSON.stringify({
          id: "room", type: "subscribe",
          payload: { query: `subscription($code: String!) { room(code: $code) { ${FIELDS} } }`,
                     variables: { code } },
        }));
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "next") {
        const errors = message.payload.errors;
        if (errors && errors.length) {
          say(errors[0].message);
          if ((errors[0].extensions || {}).code === "FORBIDDEN") forget();
          return;
        }
        render(message.payload.data.room);
      } else if (message.type === "error") {
        say(message.payload[0].message);
      }
    });
    socket.addEventListener("close", () => {
      if (token) setTimeout(follow, 2000);  // the server restarted: follow again
    });
  }

  function enter() {
    $("join").hidden = true;
    $("room").hidden = false;
    follow();
  }

  $("join").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const data = await graphql(
        `mutation($code: String!, $name: String!) {
          joinRoomAsGuest(code: $code, displayName: $name) { guestToken } }`,
        { code, name: $("display-name").value });
      token = data.joinRoomAsGuest.guestToken;
      localStorage.setItem(storeKey, token);
      enter();
    } catch (error) {
      say(error.message);
    }
  });

  $("vote-skip").addEventListener("click", () => act(
    `mutation($code: String!, $track: Int) {
      voteToSkip(code: $code, trackNumber: $track) { code } }`,
    { code, track: state ? state.trackNumber : null }));

  $("add").addEventListener("submit", (event) => {
    event.preventDefault();
    let uri = $("song-uri").value.trim();
    const link = uri.match(/open\.spotify\.com\/track\/([0-9A-Za-z]{22})/);
    if (link) uri = `spotify:track:${link[1]}`;
    $("song-uri").value = "";
    act(`mutation($code: String!, $uri: String) {
      addToRoomQueue(code: $code, uri: $uri) { code } }`, { code, uri });
  });

  if (token) enter(); else $("join").hidden = false;
})();
