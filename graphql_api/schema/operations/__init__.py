"""The root operation types, one module per domain: GraphQL's shape of each resolver."""
