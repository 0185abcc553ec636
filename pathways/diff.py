"""What changed between two versions of a pathway, node by node.

Pure over two :class:`~pathways.tree.PlainTree`: nodes are matched by their
identity (kept when a draft is cloned), so a renamed key is a change of that
node, not a removal and an addition. Trees built by hand without identities
are matched by key. Where an option or branch leads is compared by the
identity of its target, so renaming a node does not show every arrow into it
as changed. Wording is compared word by word with :mod:`difflib`; options,
branches and contact steps are compared as ordered lists, since their order is
what the referrer sees and the order of escalation.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from pathways.flowchart import branch_label
from pathways.tree import PlainNode, PlainStep, PlainTree

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# The fields of a node shown as wording (compared word by word), and their names.
WORDING = {"text": "Wording", "help_text": "Help", "instructions": "Instructions",
           "transfer_text": "Transfer arrangements"}
LISTS = {"options": "Options", "branches": "Branches", "steps": "Contact steps"}


@dataclass(frozen=True)
class Word:
    op: str  # "same", "added" or "removed"
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field of a node, before and after; ``words`` for wording, lines for lists."""

    field: str
    label: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    words: tuple[Word, ...] = ()


@dataclass(frozen=True)
class NodeChange:
    status: str  # ADDED, REMOVED or CHANGED
    key: str  # in the newer version (the older one for a removed node)
    text: str
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class VersionDiff:
    nodes: tuple[NodeChange, ...]
    root: tuple[str, str] | None = None  # (before, after) keys, if the first node changed

    def having(self, status: str) -> tuple[NodeChange, ...]:
        return tuple(change for change in self.nodes if change.status == status)

    @property
    def marked_keys(self) -> tuple[str, ...]:
        """Keys of the newer version to highlight in its flowchart: added and changed nodes."""
        return tuple(c.key for c in self.nodes if c.status != REMOVED)

    @property
    def is_empty(self) -> bool:
        return not self.nodes and self.root is None


def words_diff(before: str, after: str) -> tuple[Word, ...]:
    """``after`` against ``before`` word by word: kept, removed and added words, in order."""
    old, new = before.split(), after.split()
    result: list[Word] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            result.append(Word("same", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            result.append(Word("removed", " ".join(old[i1:i2])))
        if j2 > j1:
            result.append(Word("added", " ".join(new[j1:j2])))
    return tuple(result)


def _identity(node: PlainNode) -> str:
    return node.identity or f"key:{node.key}"


def _target(tree: PlainTree, key: str) -> tuple[str, str]:
    """(what to compare, what to show) for an arrow to ``key``."""
    node = tree.nodes.get(key)
    return (_identity(node) if node else f"missing:{key}", key)


def step_words(step: PlainStep, rota_names: Mapping[int, str]) -> str:
    if step.kind == "rota":
        who = f"rota {rota_names.get(step.rota_id, step.rota_id)}"
    elif step.kind == "role":
        who = f"role {step.role}"
    else:
        who = f"{step.label} {step.number}"
    return f"{who}: {step.instruction}" if step.instruction else who


def _lists(tree: PlainTree, node: PlainNode, rota_names) -> dict[str, list[tuple]]:
    """Each list of ``node`` as (compared, shown) pairs, in order."""
    options = []
    for option in node.options:
        compared, shown = _target(tree, option.next_key)
        options.append(((option.text, compared), f"“{option.text}” → {shown}"))
    branches = []
    for branch in node.branches:
        compared, shown = _target(tree, branch.next_key)
        label = branch_label(tree, branch)
        branches.append(((branch.condition, branch.site_id, branch.trust_id, compared),
                         f"{label} → {shown}"))
    steps = []
    for step in node.steps:
        shown = step_words(step, rota_names)
        steps.append(((step.kind, step.rota_id, step.role, step.label, step.number,
                       step.instruction), shown))
    return {"options": options, "branches": branches, "steps": steps}


def _site_words(tree: PlainTree, site_id: int | None) -> str:
    if site_id is None:
        return ""
    site = tree.sites.get(site_id)
    return site.name if site else f"site {site_id}"


def _node_changes(old_tree, old: PlainNode, new_tree, new: PlainNode,
                  rota_names) -> tuple[FieldChange, ...]:
    found = []
    if old.key != new.key:
        found.append(FieldChange("key", "Key", (old.key,), (new.key,)))
    if old.kind != new.kind:
        found.append(FieldChange("kind", "Kind", (old.kind,), (new.kind,)))
    for name, label in WORDING.items():
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            found.append(FieldChange(name, label, (before,), (after,),
                                     words_diff(before, after)))
    if old.urgency != new.urgency:
        found.append(FieldChange("urgency", "Urgency", (old.urgency,), (new.urgency,)))
    before_site = _site_words(old_tree, old.transfer_site_id)
    after_site = _site_words(new_tree, new.transfer_site_id)
    if before_site != after_site:
        found.append(FieldChange("transfer_site", "Transfer to", (before_site,), (after_site,)))
    old_lists = _lists(old_tree, old, rota_names)
    new_lists = _lists(new_tree, new, rota_names)
    for name, label in LISTS.items():
        before, after = old_lists[name], new_lists[name]
        if [c for c, _ in before] != [c for c, _ in after]:
            found.append(FieldChange(name, label, tuple(s for _, s in before),
                                     tuple(s for _, s in after)))
    return tuple(found)


def version_diff(old_tree: PlainTree, new_tree: PlainTree,
                 rota_names: Mapping[int, str] | None = None) -> VersionDiff:
    """Nodes added, removed and changed from ``old_tree`` to ``new_tree``.

    Changed and added nodes come in the newer version's node order, then the
    removed ones in the older version's order.
    """
    names = rota_names or {}
    old_by_identity = {_identity(n): n for n in old_tree.nodes.values()}
    new_identities = {_identity(n) for n in new_tree.nodes.values()}
    changes = []
    for node in new_tree.nodes.values():
        old = old_by_identity.get(_identity(node))
        if old is None:
            changes.append(NodeChange(ADDED, node.key, node.text))
            continue
        fields = _node_changes(old_tree, old, new_tree, node, names)
        if fields:
            changes.append(NodeChange(CHANGED, node.key, node.text, fields))
    for identity, old in old_by_identity.items():
        if identity not in new_identities:
            changes.append(NodeChange(REMOVED, old.key, old.text))
    old_root = old_tree.nodes.get(old_tree.root_key)
    new_root = new_tree.nodes.get(new_tree.root_key)
    same_root = (
        _identity(old_root) == _identity(new_root) if old_root and new_root
        else old_tree.root_key == new_tree.root_key
    )
    root = None if same_root else (old_tree.root_key, new_tree.root_key)
    return VersionDiff(tuple(changes), root)
