"""Test support: service discovery, databases, a real running app and GraphQL clients."""
