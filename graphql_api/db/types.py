"""Column helpers shared by the models."""

from __future__ import annotations

import enum
from typing import TypeVar

from sqlalchemy import Enum

E = TypeVar("E", bound=enum.StrEnum)


def str_enum(enum_cls: type[E], length: int = 16) -> Enum:
    """Store a StrEnum by value as a VARCHAR with a CHECK, identically on every backend."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        name=enum_cls.__name__.lower(),
        validate_strings=True,
    )
