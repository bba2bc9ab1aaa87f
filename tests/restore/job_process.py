"""Run one restore job in a process of its own (the kill-and-retry test kills it).

python -m tests.restore.job_process '<settings as JSON>' <restore id>
"""

from __future__ import annotations

import asyncio
import json
import sys

from graphql_api.composition import open_app_resources
from graphql_api.restore.runner import run_restore
from graphql_api.settings import Settings


async def main(overrides: dict[str, object], restore_id: int) -> None:
    async with open_app_resources(Settings(**overrides)) as resources:  # type: ignore[arg-type]
        await run_restore(resources, restore_id)


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1]), int(sys.argv[2])))
