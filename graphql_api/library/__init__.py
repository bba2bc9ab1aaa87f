"""Library snapshots: the catalog ingest, the snapshot job, browsing, diffs and export."""
