"""Generators of GraphQL operations for the fuzzers, aimed at what the server must survive.

hypothesis-graphql builds documents from the SDL; these strategies sharpen its scalars:
IDs and cursors that are real (from the golden database) or crafted around them, strings
with NUL, lone surrogates, LIKE wildcards and huge lengths, DateTimes with and without a
timezone. :func:`with_variables` then moves some or all inline argument values into
variables, so the same values also travel through variable coercion.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import graphql
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from tests.fuzz.live import Known

NODE_TYPES = [
    "User", "LibrarySnapshot", "Song", "Album", "Artist", "Genre", "PlaylistVersion", "Node",
    "Nope", "",
]  # fmt: skip
BIG_NUMBERS = [0, -1, 2**31, 2**63, 10**30, int("9" * 100)]
SPECIAL_STRINGS = [
    "",
    "\x00",
    "a\x00b",
    "\ud800",
    "x\udfffy",
    "%",
    "_",
    "\\",
    "%%%_\\%",
    "e\u0301",
    "a" * 5_000,
    "%" * 50_000,
]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _b64(text: str) -> str:
    return base64.b64encode(_utf8(text)).decode()


def crafted_global_ids() -> st.SearchStrategy[str]:
    """Global ids of known and unknown types, with absurd, negative or non-numeric keys."""
    keys = st.one_of(
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(BIG_NUMBERS).map(str),
        st.text(max_size=20),
    )
    return st.builds(lambda kind, key: _b64(f"{kind}:{key}"), st.sampled_from(NODE_TYPES), keys)


def crafted_cursors() -> st.SearchStrategy[str]:
    """Cursors in the app's shapes (``o:<offset>``; ``<played at>|<id>``) with absurd parts:
    100-digit offsets, negative ones, timestamps without a timezone, junk."""
    numbers = st.one_of(st.sampled_from(BIG_NUMBERS), st.integers()).map(str)
    moments = st.datetimes(timezones=st.one_of(st.none(), st.just(dt.UTC))).map(
        lambda moment: moment.isoformat()
    )
    parts = st.one_of(numbers, moments, st.text(max_size=20))
    raw = st.one_of(
        numbers.map(lambda number: f"o:{number}"),
        st.lists(parts, min_size=1, max_size=3).map("|".join),
        st.text(max_size=30),
    )
    return raw.map(lambda text: base64.urlsafe_b64encode(_utf8(text)).decode())


def ids(known: Known) -> st.SearchStrategy[graphql.ValueNode]:
    choices = [crafted_global_ids(), st.text(max_size=40)]
    if known.ids:
        choices.insert(0, st.sampled_from(known.ids))
    return st.one_of(*choices).map(nodes.String)


def strings(known: Known) -> st.SearchStrategy[graphql.ValueNode]:
    """Any text, awkward text, and cursors: real ones weigh most, since a bad ``after``
    stops a document before it reaches the database."""
    choices = [
        st.text(),
        st.text(alphabet=st.characters(codec=None), max_size=30),
        st.sampled_from(SPECIAL_STRINGS),
        crafted_cursors(),
    ]
    if known.cursors:
        choices += [st.sampled_from(known.cursors)] * 3
    return st.one_of(*choices).map(nodes.String)


def datetimes() -> st.SearchStrategy[graphql.ValueNode]:
    """ISO 8601 with and without a timezone, out-of-range years, junk."""
    zones = st.one_of(
        st.none(),
        st.just(dt.UTC),
        st.integers(min_value=-23 * 60, max_value=23 * 60).map(
            lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
        ),
    )
    return st.one_of(
        st.datetimes(timezones=zones).map(lambda moment: moment.isoformat()),
        st.sampled_from(["0000-00-00T00:00:00Z", "9999-12-31T23:59:59+00:00", "now", ""]),
        st.text(max_size=30),
    ).map(nodes.String)


def ints() -> st.SearchStrategy[graphql.ValueNode]:
    """Mostly page sizes the app accepts (``first`` is checked first: a random 32-bit value
    would stop nearly every document there), and the edges around them."""
    return st.one_of(
        st.integers(min_value=0, max_value=120),
        st.sampled_from([-1, 0, 1, 100, 101, 200, 201, 2**31 - 1, -(2**31)]),
        st.integers(min_value=-(2**31), max_value=2**31 - 1),
    ).map(nodes.Int)


def custom_scalars(known: Known) -> dict[str, st.SearchStrategy[graphql.ValueNode]]:
    """hypothesis-graphql's ``custom_scalars``: sharper ID, String, Int and DateTime values."""
    return {"ID": ids(known), "String": strings(known), "Int": ints(), "DateTime": datetimes()}


class _Extract(graphql.Visitor):
    """Replaces chosen argument values by variables, typed from the schema."""

    def __init__(self, type_info: graphql.TypeInfo, choose: Any) -> None:
        super().__init__()
        self.type_info = type_info
        self.choose = choose
        self.definitions: list[graphql.VariableDefinitionNode] = []
        self.variables: dict[str, Any] = {}

    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> Any:
        argument = self.type_info.get_argument()
        if argument is None or isinstance(node.value, graphql.VariableNode):
            return None  # an argument the schema lacks (negative mode) stays inline
        if not self.choose():
            return None
        name = f"v{len(self.definitions)}"
        self.variables[name] = graphql.value_from_ast_untyped(node.value)
        variable = graphql.VariableNode(name=graphql.NameNode(value=name))
        type_node = graphql.parse_type(str(argument.type))
        self.definitions.append(graphql.VariableDefinitionNode(variable=variable, type=type_node))
        return graphql.ArgumentNode(name=node.name, value=variable)


def with_variables(
    schema: graphql.GraphQLSchema, document: graphql.DocumentNode, choose: Any
) -> tuple[str, dict[str, Any]]:
    """``document`` printed, with the arguments ``choose()`` picks passed as variables."""
    type_info = graphql.TypeInfo(schema)
    extract = _Extract(type_info, choose)
    edited = graphql.visit(document, graphql.TypeInfoVisitor(type_info, extract))
    if extract.definitions:
        operation = edited.definitions[0]
        assert isinstance(operation, graphql.OperationDefinitionNode)
        operation = graphql.OperationDefinitionNode(
            operation=operation.operation,
            name=operation.name,
            variable_definitions=tuple(extract.definitions),
            directives=operation.directives,
            selection_set=operation.selection_set,
        )
        edited = graphql.DocumentNode(definitions=(operation, *edited.definitions[1:]))
    return graphql.print_ast(edited), extract.variables
