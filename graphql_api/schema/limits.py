"""Bounds on one GraphQL operation, measured on its document without expanding fragments.

A fragment that spreads the next one twice doubles the work at each step: 30 such fragments
stand for a billion fields in 1.3 KB. Walking the expanded tree to measure it (as a naive depth
limiter does) is itself the attack, so every measure here is computed once per fragment and
combined: sums for fields, aliases and directives, a maximum for depth, products through lists
for the cost. A document is measured in time linear to its size, whatever it expands to.

The measures (see docs/limits.md):
- depth: nesting of fields, the operation's top-level fields being at depth 0;
- fields, aliases, directives: counted as if every fragment were written out in place (and at
  least as written, unused fragments included: validation reads them all);
- fragment spreads (as written) and fragment depth (the longest chain of fragments spreading
  fragments); a fragment that spreads itself, directly or not, is refused;
- cost (``cost.py``): each field counts 1, times the size of the lists it sits in: ``first``
  (or its default) for paginated fields, an assumed length for other lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from graphql_api.settings import Settings

TOO_COMPLEX = "QUERY_TOO_COMPLEX"
INTROSPECTION_ROOTS = frozenset({"__schema", "__type"})


@dataclass(frozen=True)
class OperationLimits:
    """The bounds one operation must stay within (from the ``MIXTAPE_GRAPHQL_*`` settings)."""

    max_query_length: int = 20_000
    max_tokens: int = 5_000
    max_depth: int = 12
    max_aliases: int = 30
    max_fields: int = 500
    max_directives: int = 50
    max_fragment_spreads: int = 100
    max_fragment_depth: int = 10
    max_cost: int = 20_000
    cost_default_page: int = 50
    cost_list_size: int = 5
    introspection: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> OperationLimits:
        """The limits a deployment configured."""
        return cls(
            max_query_length=settings.graphql_max_query_length,
            max_tokens=settings.graphql_max_tokens,
            max_depth=settings.graphql_max_depth,
            max_aliases=settings.graphql_max_aliases,
            max_fields=settings.graphql_max_fields,
            max_directives=settings.graphql_max_directives,
            max_fragment_spreads=settings.graphql_max_fragment_spreads,
            max_fragment_depth=settings.graphql_max_fragment_depth,
            max_cost=settings.graphql_max_cost,
            cost_default_page=settings.graphql_cost_default_page,
            cost_list_size=settings.graphql_cost_list_size,
            introspection=settings.graphql_introspection_enabled,
        )

    def parse_options(self) -> dict[str, Any]:
        """graphql-core parser options that bound parsing itself (length, tokens, comments)."""
        return {
            "max_source_length": self.max_query_length,
            "max_lexical_tokens": self.max_tokens,
            "max_comments": self.max_tokens,
            "no_location": False,
        }


def too_complex(measure: str, estimate: int, limit: int, what: str) -> GraphQLError:
    """The error of an operation over one limit; names the measure, its value and the limit."""
    return GraphQLError(
        f"The operation is too complex: its {what} is {estimate}, over the limit of {limit}.",
        extensions={"code": TOO_COMPLEX, "measure": measure, "estimate": estimate, "limit": limit},
    )


@dataclass
class _Summary:
    """What one definition holds itself, before its fragments are counted in."""

    fields: int = 0
    aliases: int = 0
    directives: int = 0
    depth: int = -1  # deepest field, relative to the definition's own top level
    # (fragment name, level of the spread; None inside introspection, whose depth is free)
    spreads: list[tuple[str, int | None]] | None = None


@dataclass(frozen=True)
class Shape:
    """A document's measures, fragments expanded by arithmetic rather than by walking."""

    depth: int
    fields: int
    aliases: int
    directives: int
    fragment_spreads: int
    fragment_depth: int


def _summarize(selection_set: SelectionSetNode) -> tuple[_Summary, int]:
    """One definition's own counts and spreads; iterative, so no nesting overflows the stack."""
    summary = _Summary(spreads=[])
    assert summary.spreads is not None
    written_spreads = 0
    # Levels are None inside introspection: its nesting (ofType chains) follows the schema
    # and is bounded by the field count, so it does not count as depth.
    stack: list[tuple[SelectionSetNode, int | None]] = [(selection_set, 0)]
    while stack:
        current, level = stack.pop()
        for selection in current.selections:
            summary.directives += len(selection.directives or ())
            if isinstance(selection, FieldNode):
                summary.fields += 1
                summary.aliases += selection.alias is not None
                inner = level
                if level is not None and selection.name.value in INTROSPECTION_ROOTS:
                    inner = None
                elif level is not None:
                    summary.depth = max(summary.depth, level)
                    inner = level + 1
                if selection.selection_set is not None:
                    stack.append((selection.selection_set, inner))
            elif isinstance(selection, InlineFragmentNode):
                stack.append((selection.selection_set, level))
            elif isinstance(selection, FragmentSpreadNode):
                written_spreads += 1
                summary.spreads.append((selection.name.value, level))
    return summary, written_spreads


def _fragment_order(summaries: Mapping[str, _Summary]) -> list[str] | str:
    """Fragments in dependency order (spread fragments first), or the name of one in a cycle."""
    done: set[str] = set()
    visiting: set[str] = set()
    order: list[str] = []
    for root in summaries:
        if root in done:
            continue
        stack: list[tuple[str, Iterator[tuple[str, int | None]]]] = [
            (root, iter(summaries[root].spreads or ()))
        ]
        visiting.add(root)
        while stack:
            name, children = stack[-1]
            for child, _level in children:
                if child not in summaries or child in done:
                    continue  # an unknown fragment is validation's to report
                if child in visiting:
                    return child
                visiting.add(child)
                stack.append((child, iter(summaries[child].spreads or ())))
                break
            else:
                stack.pop()
                visiting.discard(name)
                done.add(name)
                order.append(name)
    return order


def measure_shape(document: DocumentNode) -> Shape | GraphQLError:
    """Measure every operation of ``document`` together; an error for a fragment cycle."""
    fragments: dict[str, _Summary] = {}
    operations: list[_Summary] = []
    written_spreads = 0
    for definition in document.definitions:
        if isinstance(definition, FragmentDefinitionNode | OperationDefinitionNode):
            summary, spreads = _summarize(definition.selection_set)
            summary.directives += len(definition.directives or ())
            written_spreads += spreads
            if isinstance(definition, FragmentDefinitionNode):
                fragments.setdefault(definition.name.value, summary)
            else:
                operations.append(summary)
    order = _fragment_order(fragments)
    if isinstance(order, str):
        return GraphQLError(
            f'Cannot spread fragment "{order}" within itself.',
            extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
        )
    # (fields, aliases, directives, depth, chain) of each fragment written out in place.
    expanded: dict[str, tuple[int, int, int, int, int]] = {}

    def combine(summary: _Summary) -> tuple[int, int, int, int, int]:
        fields, aliases, directives = summary.fields, summary.aliases, summary.directives
        depth, chain = summary.depth, 0
        for name, level in summary.spreads or ():
            if name not in expanded:
                continue
            f_fields, f_aliases, f_directives, f_depth, f_chain = expanded[name]
            fields += f_fields
            aliases += f_aliases
            directives += f_directives
            if level is not None and f_depth >= 0:
                depth = max(depth, level + f_depth)
            chain = max(chain, f_chain + 1)
        return fields, aliases, directives, depth, chain

    for name in order:
        expanded[name] = combine(fragments[name])
    totals = [combine(operation) for operation in operations]
    # Unused fragments are not executed but are validated: what is written counts too.
    written = [*fragments.values(), *operations]
    return Shape(
        depth=max((t[3] for t in totals), default=0),
        fields=max(sum(t[0] for t in totals), sum(w.fields for w in written)),
        aliases=max(sum(t[1] for t in totals), sum(w.aliases for w in written)),
        directives=max(sum(t[2] for t in totals), sum(w.directives for w in written)),
        fragment_spreads=written_spreads,
        fragment_depth=max((t[4] for t in totals), default=0),
    )


def check_shape(document: DocumentNode, limits: OperationLimits) -> GraphQLError | None:
    """The first limit ``document`` exceeds, measured without expanding fragments; or None."""
    shape = measure_shape(document)
    if isinstance(shape, GraphQLError):
        return shape
    checks = [
        (
            "fragmentSpreads",
            shape.fragment_spreads,
            limits.max_fragment_spreads,
            "number of fragment spreads",
        ),
        ("fragmentDepth", shape.fragment_depth, limits.max_fragment_depth, "fragment nesting"),
        ("depth", shape.depth, limits.max_depth, "depth"),
        ("fields", shape.fields, limits.max_fields, "number of fields (fragments expanded)"),
        ("aliases", shape.aliases, limits.max_aliases, "number of aliases"),
        ("directives", shape.directives, limits.max_directives, "number of directives"),
    ]
    for measure, value, limit, what in checks:
        if value > limit:
            return too_complex(measure, value, limit, what)
    return None
