"""Run one snapshot job in a process of its own (the kill-and-retry test kills it).

python -m tests.library.job_process '<settings as JSON>' <snapshot id>
"""

from __future__ import annotations

import asyncio
import json
import sys

from graphql_api.composition import open_app_resources
from graphql_api.library.runner import run_snapshot
from graphql_api.settings import Settings


async def main(overrides: dict[str, object], snapshot_id: int) -> None:
    async with open_app_resources(Settings(**overrides)) as resources:  # type: ignore[arg-type]
        await run_snapshot(resources, snapshot_id)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1]), int(sys.argv[2])))
