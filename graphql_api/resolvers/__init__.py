"""Resolvers: thin functions that check the viewer, call the domain and return types."""
