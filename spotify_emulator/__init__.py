"""A local stand-in for Spotify's accounts service and Web API.

Mixtape's tests, benchmarks and demo talk to it over real sockets instead of Spotify:
`create_app` builds the Starlette app from a fixture, `testing.run_emulator` runs it
inside the caller's event loop, and `generator.generate_fixture` makes fixtures.
"""
