"""Persistence: the declarative base, the models, the engine and the unit of work."""
