"""The arq worker: runs Mixtape's background jobs from Redis."""
