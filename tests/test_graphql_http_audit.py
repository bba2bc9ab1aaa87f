"""The GraphQL-over-HTTP audits of the npm package graphql-http against a live ``/graphql``."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

from tests.support.services import require

AUDIT_DIR = Path(__file__).resolve().parents[1] / "scripts" / "graphql-http-audit"
NODE = shutil.which("node")
AUDIT_INSTALLED = (AUDIT_DIR / "node_modules" / "graphql-http" / "package.json").is_file()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_audit_is_ok_must_and_should(app_url: str) -> None:
    require("node", NODE is not None)
    require("the graphql-http audit (run `make assets`)", AUDIT_INSTALLED)
    assert NODE is not None
    # A subprocess, not subprocess.run: the app under audit is served by this event loop.
    process = await asyncio.create_subprocess_exec(
        NODE,
        str(AUDIT_DIR / "audit.mjs"),
        f"{app_url}/graphql",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    report = json.loads(stdout)
    results = report["results"]
    assert len(results) > 40  # the suite really ran
    # MUST and SHOULD alike: application/graphql-response+json is spoken (status codes and
    # no data entry for request errors), application/json kept for clients that ask for it.
    failing = [f"{r['name']}: {r['reason']}" for r in results if r["status"] != "ok"]
    assert failing == []
    assert report["counts"] == {"ok": len(results), "warn": 0, "notice": 0, "error": 0}
    assert len(results) == 61
    # Visible with -rP, and quoted in the docs: ok / warn counts.
    print("graphql-http audit:", report["counts"])
