// Mixtape's GraphiQL page: GraphiQL 3 (UMD build) served from this server, queries over HTTP POST
// and subscriptions over graphql-transport-ws, both at the page's own origin and path.
(function () {
  "use strict";

  const EXAMPLE_QUERY = `# Mixtape GraphiQL
#
# Run with Ctrl-Enter or the play button.
# To act as a user, open "Headers" below and add
#   {"authorization": "Bearer <your token>"}
# (sent with every request, and as the
# websocket's connection payload).

{
  viewer {
    id
  }
}
`;

  const parameters = new URLSearchParams(window.location.search);

  function updateURL(key, value) {
    if (value) {
      parameters.set(key, value);
    } else {
      parameters.delete(key);
    }
    const search = parameters.toString();
    history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  const fetchURL = window.location.origin + window.location.pathname;
  const subscriptionURL = new URL(fetchURL);
  subscriptionURL.protocol = subscriptionURL.protocol === "https:" ? "wss:" : "ws:";

  const fetcher = GraphiQL.createFetcher({
    url: fetchURL,
    subscriptionUrl: subscriptionURL.toString(),
  });

  function loggedInQuery(login) {
    return `# Mixtape GraphiQL: logged in as ${login.displayName.replace(/\s+/g, " ")}
#
# The access token is in "Headers" below; it lasts about 15 minutes.
# Log in again at /auth/spotify/login.

{
  viewer {
    id
    displayName
    spotify { linked accountId }
  }
}
`;
  }

  function MixtapeGraphiQL(props) {
    const login = props.login;
    const [query, setQuery] = React.useState(
      parameters.get("query") || (login ? loggedInQuery(login) : EXAMPLE_QUERY),
    );
    const [variables, setVariables] = React.useState(parameters.get("variables") || undefined);
    const explorerPlugin = React.useMemo(() => GraphiQLPluginExplorer.explorerPlugin(), []);

    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      plugins: [explorerPlugin],
      query: query,
      variables: variables,
      onEditQuery: (value) => {
        setQuery(value);
        updateURL("query", value);
      },
      onEditVariables: (value) => {
        setVariables(value);
        updateURL("variables", value);
      },
      inputValueDeprecation: true,
      isHeadersEditorEnabled: true,
      // After a demo login (login.js): the session's Authorization header.
      headers: login ? login.headers : undefined,
      // Headers usually hold a bearer token: keep them out of localStorage.
      shouldPersistHeaders: false,
    });
  }

  // Rendered once login.js has traded a login code, if the page came with one.
  (window.mixtapeLogin || Promise.resolve(null)).then((login) => {
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(MixtapeGraphiQL, { login: login }),
    );
  });
})();
