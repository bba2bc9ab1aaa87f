"""The music catalog as a graph: songs, albums, artists and genres, read with filters,
sorts and name search; the viewer's own entries, their credits and track lists.

Spotify's rows are read-only mirrors everyone sees; a user's own entries are private to
them unless public (``visibility.py``). Playlists are not known here: what the catalog
needs of them (who may see a song a playlist holds, how many playlists use a song) it is
told through ``usage.py``.
"""
