"""A version as an indented outline, as the leads' editor shows it beside the flowchart.

Pure over a :class:`~pathways.tree.PlainTree` and its printed steps
(:func:`pathways.printing.outline`, which numbers the nodes in reading order
and resolves each outcome's contact routes): each node appears once, under the
first way into it; a later way into the same node says "continues at step N"
instead of repeating the branch below it. Nodes the root does not reach follow
at the top level, so that nothing the lead wrote is hidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pathways.flowchart import branch_label
from pathways.printing import Step
from pathways.tree import PlainTree

AUTOMATIC = frozenset({"time_window", "referring_site"})
DEEPEST = 12  # indentation stops here; the step numbers still say where a way leads


@dataclass(frozen=True)
class OutlineRow:
    """One line of the outline: a node (``step`` set) or a way out of one (``label`` set)."""

    depth: int
    step: Step | None = None
    label: str = ""
    target_key: str = ""
    target_number: int | None = None
    continues: bool = False  # the target is shown elsewhere in the outline
    missing: bool = False  # the way leads to no node of this version
    unreachable: bool = False  # a node the root does not reach
    from_key: str = ""  # for a way: the node it leaves
    option_key: str = ""  # for a way that is an option (not a branch): its key

    @property
    def indent(self) -> int:
        return min(self.depth, DEEPEST)

    @property
    def automatic(self) -> bool:
        return self.step is not None and self.step.kind in AUTOMATIC


def indented_outline(tree: PlainTree, steps: Iterable[Step]) -> tuple[OutlineRow, ...]:
    """The version depth first from its root, each node once, ways in their order."""
    by_key = {step.key: step for step in steps}
    rows: list[OutlineRow] = []
    shown: set[str] = set()

    def visit(key: str, depth: int, unreachable: bool = False) -> None:
        shown.add(key)
        rows.append(OutlineRow(depth, step=by_key[key], unreachable=unreachable))
        node = tree.nodes[key]
        ways = [(f"“{o.text}”", o.next_key, o.key) for o in node.options] + [
            (branch_label(tree, b), b.next_key, "") for b in node.branches
        ]
        for label, target, option_key in ways:
            target_step = by_key.get(target)
            way = {"label": label, "target_key": target, "from_key": key,
                   "option_key": option_key}
            if target_step is None:
                rows.append(OutlineRow(depth + 1, missing=True, **way))
            elif target in shown:
                rows.append(OutlineRow(depth + 1, target_number=target_step.number,
                                       continues=True, **way))
            else:
                rows.append(OutlineRow(depth + 1, target_number=target_step.number, **way))
                visit(target, depth + 2)

    # Deep trees are a few dozen nodes: recursion depth is not a concern here.
    if tree.root_key in by_key:
        visit(tree.root_key, 0)
    for step in by_key.values():
        if step.key not in shown:
            visit(step.key, 0, unreachable=True)
    return tuple(rows)
