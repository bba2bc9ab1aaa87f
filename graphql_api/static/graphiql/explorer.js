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

  function MixtapeGraphiQL() {
    const [query, setQuery] = React.useState(parameters.get("query") || EXAMPLE_QUERY);
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
      // Headers usually hold a bearer token: keep them out of localStorage.
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(MixtapeGraphiQL),
  );
})();
