"""The fuzz harness itself: a logged-in run stays logged in, as the user with a snapshot."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import Fuzz


@pytest.mark.parametrize("golden", ["sqlite"], indirect=True)
@pytest.mark.parametrize("fuzz", ["alice"], indirect=True)
def test_alice_logs_in_again_after_logout_and_starts_over_after_delete_account(
    fuzz: Fuzz,
) -> None:
    assert fuzz.viewer_has_library()
    fuzz.post_graphql({"query": "mutation { logout }"})
    assert not fuzz.viewer_has_library()
    fuzz.keep_viewer()
    assert fuzz.viewer_has_library()
    assert fuzz.restarts == 0  # a new session on the same database was enough

    fuzz.post_graphql({"query": "mutation { deleteAccount }"})
    fuzz.keep_viewer()
    assert fuzz.viewer_has_library()
    assert fuzz.restarts == 1  # a new alice would have no snapshot: a fresh clone instead


@pytest.mark.parametrize("golden", ["sqlite"], indirect=True)
def test_golden_database_knows_real_ids_and_cursors(fuzz: Fuzz) -> None:
    # The generators aim at these; without them, ids would all be random strings.
    assert len(fuzz.known.ids) >= 3  # alice, her snapshot, bruno
    assert len(fuzz.known.cursors) >= 5
