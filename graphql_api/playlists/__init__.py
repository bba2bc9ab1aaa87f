"""Mixtape's own playlists: members and roles, entries in fractional order, versions for
co-editing, and the events that tell every member's open subscriptions what changed."""
