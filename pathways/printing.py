"""A version as printed: loaded once, for the pathway page, its PDF and the fallback pack.

:func:`printed_version` reads a version with its pathway, its tree and the
network's rotas (no shifts: paper names no person) through
:mod:`pathways.selectors`, then :func:`print_version` (pure) returns plain data:
the flowchart's boxes, the pathway as structured text (each node numbered,
each way out saying where it leads) and a :attr:`PrintedVersion.fingerprint`
of everything printed, which keys the PDF cache.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime

from pathways.engine import URGENCY_LABELS
from pathways.flowchart import branch_label
from pathways.markdown import render_markdown
from pathways.routes import StepRoute, outcome_routes
from pathways.selectors import VersionFacts, load_printable
from pathways.tree import PlainTree
from rota.oncall import Schedule

# Bump when the printed layout changes, so that cached PDFs are made again.
PRINT_REVISION = 2
KIND_WORDS = {
    "question": "Question",
    "time_window": "Answered by the service: in hours or out of hours",
    "referring_site": "Answered by the service: the referring site",
    "outcome": "Outcome",
}


@dataclass(frozen=True)
class Way:
    """An option or branch: its label and the step it leads to."""

    label: str
    target_number: int | None  # None when the target node is missing (a draft)
    target_text: str


@dataclass(frozen=True)
class Step:
    """One node of the pathway as text, numbered in reading order."""

    number: int
    key: str
    kind: str
    kind_words: str
    text: str
    help_text: str = ""
    ways: tuple[Way, ...] = ()
    urgency: str = ""
    urgency_label: str = ""
    instructions_html: str = ""
    transfer: str = ""
    contacts: tuple[StepRoute, ...] = ()


@dataclass(frozen=True)
class PrintedVersion(VersionFacts):
    """The version's facts, its tree, and its steps as printed."""

    tree: PlainTree
    steps: tuple[Step, ...]
    # The network's rotas and calendar it was printed with: validate the tree against it
    # (pathways.validation.validate_tree) rather than loading them again.
    schedule: Schedule | None = field(default=None, compare=False, repr=False)

    @property
    def summaries(self) -> dict[str, list[str]]:
        """Each outcome's contact lines for its flowchart box."""
        return {s.key: [c.summary for c in s.contacts] for s in self.steps if s.kind == "outcome"}

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"

    @property
    def is_retired(self) -> bool:
        return self.status == "retired"

    def fingerprint(self, *extra: str) -> str:
        """A digest of everything printed (and ``extra``, e.g. the canonical address)."""
        printed = {
            "revision": PRINT_REVISION,
            "pathway": [self.slug, self.title, self.specialty, self.network,
                        self.review_date.isoformat()],
            "version": [self.number, self.status, _iso(self.published_at),
                        _iso(self.retired_at), self.change_summary],
            "steps": [asdict(step) for step in self.steps],
            "extra": list(extra),
        }
        encoded = json.dumps(printed, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def reading_order(tree: PlainTree) -> list[str]:
    """Node keys breadth first from the root, then any node it does not reach."""
    order, seen = [], set()
    queue = [tree.root_key] if tree.root_key in tree.nodes else []
    while queue:
        key = queue.pop(0)
        if key in seen or key not in tree.nodes:
            continue
        seen.add(key)
        order.append(key)
        queue.extend(tree.nodes[key].next_keys())
    return order + [key for key in tree.nodes if key not in seen]


def outline(tree: PlainTree, routes: dict[str, tuple[StepRoute, ...]]) -> tuple[Step, ...]:
    """The pathway as numbered steps, each way out naming the step it leads to."""
    order = reading_order(tree)
    numbers = {key: n for n, key in enumerate(order, start=1)}
    steps = []
    for key in order:
        node = tree.nodes[key]
        ways = [(o.text, o.next_key) for o in node.options] + [
            (branch_label(tree, b), b.next_key) for b in node.branches
        ]
        transfer = ""
        if node.kind == "outcome" and (node.transfer_site_id or node.transfer_text):
            site = tree.sites.get(node.transfer_site_id)
            where = f"{site.name} (switchboard {site.switchboard})" if site else ""
            transfer = ". ".join(part for part in (where, node.transfer_text) if part)
        steps.append(Step(
            number=numbers[key],
            key=key,
            kind=node.kind,
            kind_words=KIND_WORDS.get(node.kind, node.kind),
            text=node.text,
            help_text=node.help_text,
            ways=tuple(
                Way(label, numbers.get(target),
                    tree.nodes[target].text if target in tree.nodes
                    else f"missing node '{target}'")
                for label, target in ways
            ),
            urgency=node.urgency,
            urgency_label=URGENCY_LABELS.get(node.urgency, node.urgency),
            instructions_html=str(render_markdown(node.instructions)) if node.instructions else "",
            transfer=transfer,
            contacts=routes.get(key, ()),
        ))
    return tuple(steps)


def printed_version(version) -> PrintedVersion:
    """Load ``version`` (a ``PathwayVersion`` or its id) as printed, in a few queries."""
    return print_version(*load_printable(version))


def print_version(facts: VersionFacts, tree: PlainTree, schedule: Schedule) -> PrintedVersion:
    """The version as printed, from what :func:`pathways.selectors.load_printable` read."""
    return PrintedVersion(
        **{f.name: getattr(facts, f.name) for f in fields(VersionFacts)},
        tree=tree,
        steps=outline(tree, outcome_routes(tree, schedule)),
        schedule=schedule,
    )
