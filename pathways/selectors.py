"""Loading for the pathway rules: the one pathways module that reads a version for them.

:mod:`pathways.tree`, :mod:`pathways.engine` and :mod:`pathways.validation`
are pure functions over plain data; this module reads that data, each in a
constant number of queries whatever the size of the tree or the length of the
rotas' history:

* :func:`load_tree`: a version's nodes, options, branches, contact steps and
  the sites and trusts of its network, as a :class:`~pathways.tree.PlainTree`;
* :func:`load_evaluation_context`: the tree and, through
  :mod:`rota.selectors`, the schedule of only the rotas its contact steps name
  and those answering its roles (and whatever they lead to, see
  :func:`rota.selectors.rotas_needed`), around the instant;
* :func:`rules_schedule`: the network's rotas and calendar, no shifts, which is
  all validation and printing read;
* :func:`pathway_versions_and_site`: what the evaluate API reads before the
  tree, in one query.

A request loads once and then evaluates, validates or prints as often as it
needs; :func:`evaluate_version` and :func:`validate_version` load and call the
pure function in one go, for callers that need nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Prefetch, Q

from common.db import ModelColumns
from pathways.engine import Evaluation, evaluate, is_settled
from pathways.errors import EvaluationError
from pathways.models import Branch, ContactStep, Node, Option, Pathway, PathwayVersion
from pathways.ready import ReadyContext, ready_context
from pathways.tree import PlainBranch, PlainNode, PlainOption, PlainStep, PlainTree, SiteRef
from pathways.validation import Problem, validate_tree
from rota.models import Site
from rota.oncall import Schedule, SiteInfo, hub_of
from rota.selectors import ANSWER_REACHES, load_schedule, read_graph, rotas_needed

# Rules read rotas and calendars, never who is on call: any short window will do.
RULES_WINDOW_START = datetime(2001, 1, 1, tzinfo=UTC)


# --- The tree --------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionFacts:
    """What is printed about a version besides its tree."""

    pathway_id: int
    slug: str
    title: str
    specialty: str
    network: str
    network_id: int
    review_date: date
    version_id: int
    number: int
    status: str
    published_at: datetime | None
    retired_at: datetime | None
    change_summary: str


def _version_row(version) -> PathwayVersion:
    return PathwayVersion.objects.select_related("pathway__network").get(
        pk=getattr(version, "pk", version)
    )


def load_tree(version) -> PlainTree:
    """Read ``version`` (a ``PathwayVersion`` or its id) as a :class:`PlainTree`; six queries."""
    return _tree_of(_version_row(version))


def _tree_of(row: PathwayVersion) -> PlainTree:
    network_id = row.pathway.network_id
    nodes = list(
        Node.objects.filter(version_id=row.pk).prefetch_related(
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


# --- An evaluation's pathway --------------------------------------------------------


_VERSION_COLUMNS = ModelColumns(PathwayVersion, "v")
_PATHWAY_COLUMNS = ModelColumns(Pathway, "p")
_SITE_COLUMNS = ModelColumns(Site, "s")


def pathway_versions_and_site(slug: str, site_code: str | None
                              ) -> tuple[list[PathwayVersion], Site | None]:
    """The versions of the pathway ``slug``, newest first, each with its pathway, and the
    site with ODS code ``site_code`` if there is one: one query, where the ORM would
    compile and run two. No versions: the pathway has none, or there is no such pathway.
    """
    sql = (
        f"SELECT {_VERSION_COLUMNS.select(connection)}, {_PATHWAY_COLUMNS.select(connection)}, "
        f"{_SITE_COLUMNS.select(connection)} "
        "FROM pathways_pathwayversion v JOIN pathways_pathway p ON p.id = v.pathway_id "
        "LEFT JOIN rota_site s ON s.ods_code = %s "
        "WHERE p.slug = %s ORDER BY v.number DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [site_code or "", slug])
        rows = cursor.fetchall()
    if not rows:
        return [], None
    versions_end = len(_VERSION_COLUMNS)
    pathway_end = versions_end + len(_PATHWAY_COLUMNS)
    pathway = _PATHWAY_COLUMNS.read(connection, rows[0][versions_end:pathway_end])
    site = _SITE_COLUMNS.read(connection, rows[0][pathway_end:])
    versions = []
    for row in rows:
        version = _VERSION_COLUMNS.read(connection, row[:versions_end])
        version.pathway = pathway
        versions.append(version)
    return versions, site


# --- Schedules -------------------------------------------------------------------------


def rules_schedule(network_id: int) -> Schedule:
    """The network's rotas and calendar, without shifts: what validation and printing read."""
    return load_schedule(
        network_ids=[network_id], start=RULES_WINDOW_START,
        end=RULES_WINDOW_START + timedelta(seconds=1),
    )


@dataclass(frozen=True)
class EvaluationContext:
    """Everything an evaluation of one version at one instant reads, loaded once.

    The schedule spans the narrowest reach first (:data:`rota.selectors.ANSWER_REACHES`).
    An evaluation whose contacts a wider window could change
    (:func:`pathways.engine.is_settled`) is worked out again over the next reach,
    read once when first needed and kept; at four weeks either side it stands.
    """

    tree: PlainTree
    schedule: Schedule
    at: datetime
    hub: SiteInfo | None  # the network's hub, from all its rotas (the schedule holds a few)
    wider: Callable[[], EvaluationContext] | None = field(default=None, compare=False)

    def evaluate(self, *, answers: dict[str, str], referring_site) -> Evaluation:
        """:func:`pathways.engine.evaluate` over this context; reads more only when a
        wider window could change the outcome's contacts."""
        evaluation = evaluate(
            version_tree=self.tree, answers=answers, referring_site=referring_site,
            at=self.at, schedule=self.schedule, hub=self.hub,
        )
        if self.wider is None or is_settled(evaluation):
            return evaluation
        return self.wider().evaluate(answers=answers, referring_site=referring_site)


def load_evaluation_context(version, at: datetime, *, site_id: int | None = None
                            ) -> EvaluationContext | ReadyContext:
    """The tree of ``version`` and the schedule it needs around ``at``: constant queries.

    What was built ahead, when it holds (:mod:`pathways.ready`: one query, with the
    contacts for a referrer at ``site_id`` if given; one more at an outcome for any
    other site); otherwise read now.
    """
    if at.tzinfo is None:
        raise EvaluationError(
            "naive_instant", "Give the time with its offset, or as Europe/London time."
        )
    version_id = getattr(version, "pk", version)
    ready = ready_context(version_id, at, load_tree=load_tree, site_id=site_id,
                          live=lambda: live_evaluation_context(version_id, at))
    return ready or live_evaluation_context(version_id, at)


def live_evaluation_context(version, at: datetime) -> EvaluationContext:
    """As :func:`load_evaluation_context`, read now: the tree, and the schedule of the
    rotas it needs around ``at``."""
    tree = load_tree(version)
    # The network's rotas once: for the roles the tree names, its hub, and the schedule.
    graph = read_graph(Q(network_id=tree.network_id))
    steps = [step for node in tree.nodes.values() for step in node.steps]
    roles = {step.role for step in steps if step.kind == "role"}
    chosen = {step.rota_id for step in steps if step.kind == "rota" and step.rota_id} | {
        rota_id for rota_id, row in graph.rows.items() if row[3] in roles
    }
    hub = hub_of(SiteInfo(*row[9:]) for row in graph.rows.values())

    def over(reaches: tuple) -> EvaluationContext:
        start, end = at - reaches[0], at + reaches[0]
        schedule = load_schedule(
            network_ids=[tree.network_id], start=start, end=end, graph=graph,
            rota_ids=rotas_needed(chosen, start=start, end=end, graph=graph) if chosen else (),
        )
        wider = cache(lambda: over(reaches[1:])) if len(reaches) > 1 else None
        return EvaluationContext(tree=tree, schedule=schedule, at=at, hub=hub, wider=wider)

    return over(ANSWER_REACHES)


def evaluate_version(*, version, answers: dict[str, str], referring_site, at: datetime):
    """Load and evaluate in one call; see :func:`pathways.engine.evaluate`."""
    context = load_evaluation_context(version, at)
    return context.evaluate(answers=answers, referring_site=referring_site)


# --- Validation and printing -----------------------------------------------------------


def validate_version(version, *, schedule: Schedule | None = None) -> list[Problem]:
    """Every problem of ``version`` (a ``PathwayVersion`` or id), all at once."""
    tree = load_tree(version)
    return validate_tree(tree, schedule or rules_schedule(tree.network_id))


def load_printable(version) -> tuple[VersionFacts, PlainTree, Schedule]:
    """What :func:`pathways.printing.printed_version` prints: facts, tree, rules schedule."""
    row = _version_row(version)
    pathway = row.pathway
    facts = VersionFacts(
        pathway_id=pathway.pk,
        slug=pathway.slug,
        title=pathway.title,
        specialty=pathway.specialty,
        network=pathway.network.name,
        network_id=pathway.network_id,
        review_date=pathway.review_date,
        version_id=row.pk,
        number=row.number,
        status=row.status,
        published_at=row.published_at,
        retired_at=row.retired_at,
        change_summary=row.change_summary,
    )
    tree = _tree_of(row)
    return facts, tree, rules_schedule(tree.network_id)
