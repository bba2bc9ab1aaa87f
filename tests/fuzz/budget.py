"""How much fuzzing a run does: bounded in ``make test``, far more in ``make fuzz``.

``MIXTAPE_FUZZ_EXAMPLES`` multiplies every fuzz test's number of examples (default 1: the
bounded budget of ``make test``; ``make fuzz`` sets 25). ``MIXTAPE_FUZZ_SEED`` fixes
Hypothesis' seed; unset, ``make test`` uses a fixed seed (the same cases every run, so a
red run is reproducible), and ``make fuzz`` draws one, printed at the end of the run so
that a failure can be replayed with ``MIXTAPE_FUZZ_SEED=<seed>``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import HealthCheck, seed, settings

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SEED = 20260
# pytest-timeout's limit (pyproject: 120 s per test) grows with the number of examples.
BASE_TIMEOUT_S = 120

SCALE = max(1, int(os.environ.get("MIXTAPE_FUZZ_EXAMPLES") or 1))
_seed = os.environ.get("MIXTAPE_FUZZ_SEED", "")
SEED = random.randrange(2**32) if _seed == "random" else int(_seed or DEFAULT_SEED)
TIMEOUT_S = BASE_TIMEOUT_S * SCALE


def fuzz_settings(examples: int) -> Callable[[F], F]:
    """Hypothesis settings and the run's seed for a fuzz test of ``examples`` examples (times
    the scale); under ``@given`` or schemathesis' ``parametrize()``."""
    configure = _settings(examples)
    return lambda test: seed(SEED)(configure(test))


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples * SCALE,
        # Requests to a real server take what they take: no per-example deadline.
        deadline=None,
        # A failure is reported with the seed; no example database left in the work tree.
        database=None,
        # The app is set up once per test, not per example, on purpose; generated GraphQL
        # documents are large and slow to build by Hypothesis' standards.
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
        print_blob=True,
    )
