"""What every domain repeats, in one place: ids from clients, cursors, pages.

The kit imports no domain and no schema module, so domains, resolvers and the
schema layer may all use it (like polar's ``polar/kit``).
"""
