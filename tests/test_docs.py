"""The README's configuration table lists every setting there is."""

from __future__ import annotations

from pathlib import Path

from graphql_api.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_setting_is_documented() -> None:
    missing = [
        f"MIXTAPE_{name.upper()}"
        for name in Settings.model_fields
        if f"`MIXTAPE_{name.upper()}`" not in README
    ]
    assert missing == [], f"README's configuration table lacks {missing}"


def test_quickstart_is_two_commands() -> None:
    assert "make run" in README
    assert "make test" in README
