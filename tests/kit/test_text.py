"""Client text: what is refused (length, NUL, lone surrogates), and the one email form."""

from __future__ import annotations

import pytest

from graphql_api.errors import BadUserInput
from graphql_api.kit.text import canonical_email, check_text, text_problem


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("a" * 11, "is 11 characters long; at most 10 are accepted"),
        ("a\x00b", "contains a NUL character, which cannot be stored"),
        ("a\ud800b", "contains a lone surrogate, which is not valid Unicode"),
        ("\udfff", "contains a lone surrogate, which is not valid Unicode"),
    ],
)
def test_refused_text(value: str, problem: str) -> None:
    assert text_problem(value, 10) == problem
    with pytest.raises(BadUserInput) as refused:
        check_text(value, 10, name="The name", field="name")
    assert refused.value.message == f"The name {problem}."
    assert refused.value.extensions == {"field": "name"}


@pytest.mark.parametrize("value", ["", "a" * 10, "é🎵 \t\n", "\U0001f3b5" * 10])
def test_accepted_text(value: str) -> None:
    assert text_problem(value, 10) is None
    assert check_text(value, 10, name="The name") == value


def test_one_form_of_an_email_address() -> None:
    composed, decomposed = "  Zo\u00eb@Example.COM ", "zoe\u0308@example.com"
    assert canonical_email(composed) == canonical_email(decomposed) == "zo\u00eb@example.com"
