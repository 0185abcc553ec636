"""A pathway version as plain data, loaded once from the database.

:mod:`pathways.validation` and :mod:`pathways.engine` work on a
:class:`PlainTree` only, never on models, so they can be tested (and
property-tested) without a database. :func:`load_tree` reads one version in a
constant number of queries, whatever its size.
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


def load_tree(version) -> PlainTree:
    """Read ``version`` (a ``PathwayVersion`` or its id) as a :class:`PlainTree`; six queries."""
    from django.db.models import Prefetch, Q

    from pathways.models import Branch, ContactStep, Node, Option, PathwayVersion
    from rota.models import Site

    version_id = getattr(version, "pk", version)
    row = PathwayVersion.objects.select_related("pathway").get(pk=version_id)
    network_id = row.pathway.network_id
    nodes = list(
        Node.objects.filter(version_id=version_id).prefetch_related(
            Prefetch("options", queryset=Option.objects.order_by("order", "key")),
            Prefetch("branches", queryset=Branch.objects.order_by("condition", "id")),
            Prefetch("steps", queryset=ContactStep.objects.order_by("order", "id")),
        )
    )
    named = {n.transfer_site_id for n in nodes if n.transfer_site_id} | {
        b.site_id for n in nodes for b in n.branches.all() if b.site_id
    }
    site_rows = Site.objects.filter(Q(trust__network_id=network_id) | Q(id__in=named))
    sites, trusts = {}, {}
    for site in site_rows.select_related("trust"):
        sites[site.id] = SiteRef(
            site.id, site.ods_code, site.name, site.short_name, site.switchboard,
            site.trust_id, site.trust.network_id,
        )
        if site.trust.network_id == network_id:
            trusts[site.trust_id] = site.trust.name
    return PlainTree(
        network_id=network_id,
        root_key=row.root_key,
        nodes={n.key: _plain_node(n) for n in nodes},
        sites=sites,
        trusts=trusts,
        version_id=row.pk,
        version_number=row.number,
        status=row.status,
        pathway_id=row.pathway_id,
        pathway_slug=row.pathway.slug,
        pathway_title=row.pathway.title,
    )


def _plain_node(node) -> PlainNode:
    return PlainNode(
        key=node.key,
        kind=node.kind,
        text=node.text,
        help_text=node.help_text,
        options=tuple(PlainOption(o.key, o.text, o.next_key) for o in node.options.all()),
        branches=tuple(
            PlainBranch(b.condition, b.next_key, b.site_id, b.trust_id)
            for b in node.branches.all()
        ),
        urgency=node.urgency,
        instructions=node.instructions,
        transfer_site_id=node.transfer_site_id,
        transfer_text=node.transfer_text,
        steps=tuple(
            PlainStep(s.kind, s.order, s.instruction, s.rota_id, s.role, s.label, s.number)
            for s in node.steps.all()
        ),
        identity=str(node.identity),
    )
