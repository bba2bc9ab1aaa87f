"""Likes and follows: songs, albums, artists and playlists a user likes, artists and
playlists they follow, and the totals of their library."""
