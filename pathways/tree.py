"""A pathway version as plain data, and the one walk of its graph.

:mod:`pathways.validation` and :mod:`pathways.engine` work on a
:class:`PlainTree` only, never on models, so they can be tested (and
property-tested) without a database. Loading one is
:func:`pathways.selectors.load_tree`'s job; nothing here reads the database.

Which nodes a node reaches is answered here, once, by :func:`reach` over a
map of successors and :func:`reachable_from` over a tree: the engine's
"does this answer skip a question" and validation's unreachable nodes, cycles
and removal preview all ask it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteRef:
    id: int
    ods_code: str
    name: str
    short_name: str
    switchboard: str
    trust_id: int
    network_id: int


@dataclass(frozen=True)
class PlainOption:
    key: str
    text: str
    next_key: str


@dataclass(frozen=True)
class PlainBranch:
    condition: str  # in_hours, out_of_hours, site, trust, default
    next_key: str
    site_id: int | None = None
    trust_id: int | None = None


@dataclass(frozen=True)
class PlainStep:
    kind: str  # rota, role, fixed
    order: int = 0
    instruction: str = ""
    rota_id: int | None = None
    role: str = ""
    label: str = ""
    number: str = ""


@dataclass(frozen=True)
class PlainNode:
    key: str
    kind: str  # question, time_window, referring_site, outcome
    text: str = ""
    help_text: str = ""
    options: tuple[PlainOption, ...] = ()
    branches: tuple[PlainBranch, ...] = ()
    urgency: str = ""
    instructions: str = ""
    transfer_site_id: int | None = None
    transfer_text: str = ""
    steps: tuple[PlainStep, ...] = ()
    identity: str = ""  # the same across versions (see Node.identity); "" in hand-made trees

    def next_keys(self) -> list[str]:
        """Keys this node leads to, in order (options, then branches)."""
        return [o.next_key for o in self.options] + [b.next_key for b in self.branches]


@dataclass(frozen=True)
class PlainTree:
    """One version's nodes, with the sites and trusts of its network."""

    network_id: int
    root_key: str
    nodes: Mapping[str, PlainNode]
    sites: Mapping[int, SiteRef]  # the network's sites, and any other site a node names
    trusts: Mapping[int, str] = field(default_factory=dict)  # the network's trusts, by id
    version_id: int | None = None
    version_number: int | None = None
    status: str = "draft"
    pathway_id: int | None = None
    pathway_slug: str = ""
    pathway_title: str = ""

    @property
    def network_site_ids(self) -> frozenset[int]:
        return frozenset(s.id for s in self.sites.values() if s.network_id == self.network_id)


# --- Reachability --------------------------------------------------------------


def successors(nodes: Mapping[str, PlainNode]) -> dict[str, list[str]]:
    """Each node's targets that are nodes of ``nodes`` (a dangling key leads nowhere)."""
    return {key: [k for k in node.next_keys() if k in nodes] for key, node in nodes.items()}


def reach(graph: Mapping[str, list[str]], start: str) -> set[str]:
    """The keys reached from ``start`` in one step or more through ``graph``.

    ``start`` itself is included only if a path leads back to it (a cycle).
    """
    seen: set[str] = set()
    stack = list(graph.get(start, ()))
    while stack:
        key = stack.pop()
        if key not in seen:
            seen.add(key)
            stack.extend(graph.get(key, ()))
    return seen


def reachable_from(tree: PlainTree, start: str) -> set[str]:
    """``start`` and every node of ``tree`` it leads to; empty if ``start`` is not a node."""
    if start not in tree.nodes:
        return set()
    return reach(successors(tree.nodes), start) | {start}
