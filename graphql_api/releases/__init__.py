"""New releases: ingested from Spotify on a schedule, served from the database
(``docs/releases.md``)."""
