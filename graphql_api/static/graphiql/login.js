// A Spotify login in demo mode lands on /graphql#login_code=...: trade the one-time code for a
// session (exchangeLoginCode) and give GraphiQL the Authorization header. The code leaves the
// address bar before anything else happens, so a reload or a copied link never carries it.
// window.mixtapeLogin is a promise of {displayName, headers} (null without a code or on failure).
window.mixtapeLogin = (function () {
  "use strict";

  const EXCHANGE =
    "mutation ($code: String!) { exchangeLoginCode(code: $code) { accessToken user { displayName } } }";
  const script = document.currentScript;
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const code = fragment.get("login_code");
  if (!code) {
    return Promise.resolve(null);
  }
  history.replaceState(null, "", window.location.pathname + window.location.search);

  const login = fetch(window.location.origin + window.location.pathname, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ query: EXCHANGE, variables: { code: code } }),
  })
    .then((response) => response.json())
    .then((body) => {
      const session = body.data && body.data.exchangeLoginCode;
      if (!session) {
        console.warn("Mixtape: the login code was refused", body.errors);
        return null;
      }
      return {
        displayName: session.user.displayName,
        headers: JSON.stringify({ Authorization: "Bearer " + session.accessToken }, null, 2),
      };
    })
    .catch((error) => {
      console.warn("Mixtape: the login code could not be traded", error);
      return null;
    });

  // Strawberry's CDN page (no local assets) renders GraphiQL at once and keeps its headers in
  // localStorage: store them there and load the page again.
  if (script && script.dataset.store === "reload") {
    login.then((session) => {
      if (session) {
        window.localStorage.setItem("graphiql:headers", session.headers);
        window.location.reload();
      }
    });
  }
  return login;
})();
