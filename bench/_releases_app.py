"""The API app plus a static directory (``MIXTAPE_BENCH_STATIC``) at ``/bench-static``:
the baseline of bench/releases.py, served by the same server in the same run."""

from __future__ import annotations

import os

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from graphql_api.app import create_app


def create() -> Starlette:
    app = create_app()
    static = StaticFiles(directory=os.environ["MIXTAPE_BENCH_STATIC"])
    app.router.routes.insert(0, Mount("/bench-static", app=static))
    return app
