"""Run one job function in a process of its own, which a kill-and-retry test kills.

python -m tests.support.job_process '<settings as JSON>' <module:function> <id>

The function is called as ``function(resources, id)`` (``run_snapshot``, ``run_restore``).
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from pathlib import Path

from graphql_api.composition import open_app_resources
from graphql_api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def settings_argument(settings: Settings) -> str:
    """``settings`` as the JSON this module takes (secrets in clear: a test's own)."""
    overrides = {
        key: (value.get_secret_value() if hasattr(value, "get_secret_value") else value)
        for key, value in settings.model_dump(mode="python").items()
        if key not in ("previous_secret_keys",)
    }
    return json.dumps(overrides, default=str)


async def start_job(settings: Settings, function: str, row_id: int) -> asyncio.subprocess.Process:
    """A child process running ``function`` (``"module:name"``) on ``row_id``."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.support.job_process", settings_argument(settings),
        function, str(row_id), cwd=ROOT,
    )  # fmt: skip


async def main(overrides: dict[str, object], function: str, row_id: int) -> None:
    module, name = function.split(":")
    run = getattr(importlib.import_module(module), name)
    async with open_app_resources(Settings(**overrides)) as resources:  # type: ignore[arg-type]
        await run(resources, row_id)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
