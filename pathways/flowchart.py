"""A pathway version as a flowchart: a layered, top-down SVG, split into printable parts.

Pure: :func:`chart_nodes` turns a :class:`~pathways.tree.PlainTree` (and the
printed contact routes of :mod:`pathways.routes`) into boxes, :func:`paginate`
lays them out in parts that each fit a page at print size, and
:func:`part_svg` draws one part. The pathway page, the PDF and the leads'
editor all draw through these; nothing here reads the database or the clock.

Layout (Sugiyama-style, small enough to keep here): nodes are ranked by the
longest path from the root; every arrow gets its label as a box of its own in
the half-rank below its source, and dummy points in the ranks it passes, so
labels and arrows never sit on a box; ranks are ordered by barycentre sweeps,
kept only when they reduce crossings (a tree, laid out depth first, has none);
positions come from isotonic regression towards the neighbours' centres.

Units are points (1/72 inch): an SVG is printed at its own size, never
shrunk, so no text is under :data:`MIN_FONT` on paper. A chart too big for a
page is cut into parts; an arrow to a box in another part ends on a
"Continued in part N" marker instead.

Styling uses presentation attributes only (no ``style=``), for a strict
Content Security Policy; urgency is written in words as well as colour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from pathways.tree import PlainTree

MIN_FONT = 9.0
TEXT_FONT = 10.0
SMALL_FONT = 9.0
LINE = 1.25  # line height, in ems
PAD = 6.0
H_GAP = 14.0
V_GAP = 12.0
MARGIN = 8.0
FONT_FAMILY = "Liberation Sans, Arial, Helvetica, sans-serif"

# A4 in points, less the PDF's margins: what one part may occupy at print size.
A4_PORTRAIT = (538.0, 720.0)
A4_LANDSCAPE = (785.0, 470.0)

WIDTHS = {
    "question": 170.0, "time_window": 150.0, "referring_site": 150.0, "outcome": 180.0,
    "continued": 136.0, "entry": 136.0, "missing": 136.0,
}
LABEL_WIDTH = 128.0

URGENCY_STYLE = {
    # fill, stroke, the word printed on the box
    "immediate": ("#f7d4d1", "#d5281b", "IMMEDIATE"),
    "urgent": ("#fff0b3", "#b45309", "URGENT"),
    "routine": ("#d9efe1", "#007f3b", "ROUTINE"),
}
HIGHLIGHT = "#330072"

# Helvetica (Arial, Liberation Sans) advance widths per 1000 em, space to tilde.
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Width of ``text`` in points, a little generous so that any Arial-metric font fits."""
    units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) <= 126 else 600 for c in text)
    return units * size / 1000 * (1.1 if bold else 1.04)


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` points at ``size``."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words, current = paragraph.split(), ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold=bold) <= width or not current:
                current = candidate
            else:
                lines.append(current)
                current = word
            while text_width(current, size, bold=bold) > width and len(current) > 1:
                # A single word longer than the box: break it rather than overflow.
                cut = max(1, int(len(current) * width / text_width(current, size, bold=bold)))
                lines.append(current[:cut])
                current = current[cut:]
        if current:
            lines.append(current)
    return lines or [""]


# --- What is drawn -------------------------------------------------------------------------


@dataclass(frozen=True)
class TextLine:
    text: str
    size: float = TEXT_FONT
    bold: bool = False


@dataclass(frozen=True)
class Box:
    """A node as drawn: its kind, its lines of text, and the arrows leaving it."""

    key: str
    kind: str  # question, time_window, referring_site, outcome, continued, entry, missing
    lines: tuple[TextLine, ...]
    urgency: str = ""
    arrows: tuple[tuple[str, str], ...] = ()  # (label, target key), in order
    title: str = ""  # the node's text alone, for markers and descriptions

    @property
    def width(self) -> float:
        return WIDTHS.get(self.kind, 150.0)

    @property
    def height(self) -> float:
        return 2 * PAD + sum(line.size * LINE for line in self.lines)


def _lines(text: str, width: float, size: float = TEXT_FONT, bold: bool = False):
    return [TextLine(line, size, bold) for line in wrap(text, width - 2 * PAD, size, bold=bold)]


def _make_box(key, kind, parts: Iterable[tuple[str, float, bool]], **extra) -> Box:
    width = WIDTHS.get(kind, 150.0)
    lines = [line for text, size, bold in parts for line in _lines(text, width, size, bold)]
    return Box(key=key, kind=kind, lines=tuple(lines), **extra)


def branch_label(tree: PlainTree, branch) -> str:
    if branch.condition == "in_hours":
        return "In hours"
    if branch.condition == "out_of_hours":
        return "Out of hours"
    if branch.condition == "site":
        site = tree.sites.get(branch.site_id)
        return f"From {site.short_name}" if site else "From a named site"
    if branch.condition == "trust":
        return f"From {tree.trusts.get(branch.trust_id, 'a named trust')}"
    return "From any other site"


def _merged(arrows: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """One arrow per target, its labels joined with "or", in the order first given."""
    labels: dict[str, list[str]] = {}
    for label, target in arrows:
        labels.setdefault(target, []).append(label)
    return tuple((" or ".join(texts), target) for target, texts in labels.items())


def chart_nodes(tree: PlainTree, summaries: Mapping[str, Iterable[str]] | None = None
                ) -> dict[str, Box]:
    """The boxes of ``tree``, by node key; ``summaries`` gives each outcome's contact lines.

    A next key that names no node gets a box saying so, so that a draft still draws.
    """
    summaries = summaries or {}
    boxes: dict[str, Box] = {}
    for node in tree.nodes.values():
        if node.kind == "question":
            arrows = _merged((o.text, o.next_key) for o in node.options)
            boxes[node.key] = _make_box(
                node.key, "question", [(node.text, TEXT_FONT, True)], arrows=arrows,
                title=node.text,
            )
        elif node.kind in {"time_window", "referring_site"}:
            arrows = _merged((branch_label(tree, b), b.next_key) for b in node.branches)
            boxes[node.key] = _make_box(
                node.key, node.kind,
                [("Answered by the service:", SMALL_FONT, False), (node.text, TEXT_FONT, False)],
                arrows=arrows, title=node.text,
            )
        else:
            word = URGENCY_STYLE.get(node.urgency, ("", "", "OUTCOME"))[2]
            contacts = [
                (f"{n}. {line}", SMALL_FONT, False)
                for n, line in enumerate(summaries.get(node.key, ()), start=1)
            ]
            boxes[node.key] = _make_box(
                node.key, "outcome",
                [(word, SMALL_FONT, True), (node.text, TEXT_FONT, True)] + contacts,
                urgency=node.urgency, title=node.text,
            )
    for box in list(boxes.values()):
        for _, target in box.arrows:
            if target not in boxes:
                boxes[target] = _make_box(
                    target, "missing", [(f"Missing: no node '{target}'", SMALL_FONT, True)],
                    title=f"Missing node '{target}'",
                )
    return boxes


def _marker(key: str, kind: str, text: str) -> Box:
    return _make_box(key, kind, [(text, SMALL_FONT, True)], title=text)


# --- Layout --------------------------------------------------------------------------------


@dataclass
class Item:
    """Something placed in a slot: a box, an arrow's label, or a point an arrow passes."""

    ident: str
    width: float
    height: float
    box: Box | None = None
    label: list[str] | None = None
    x: float = 0.0  # centre
    y: float = 0.0  # top
    slot_bottom: float = 0.0  # the bottom of the tallest item beside it


@dataclass
class Arrow:
    source: str
    target: str
    label: str
    chain: list[Item]  # label and dummy items, top to bottom
    points: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class Layout:
    """Boxes and arrows with coordinates, in points; ``width`` by ``height``."""

    items: dict[str, Item]
    arrows: list[Arrow]
    width: float
    height: float

    @property
    def boxes(self) -> list[Item]:
        return [item for item in self.items.values() if item.box is not None]


def _ranks(boxes: Mapping[str, Box], roots: list[str]) -> tuple[dict[str, int], set]:
    """Longest-path ranks from the roots, and the arrows that close a cycle (drawn, not ranked)."""
    order: list[str] = []
    state: dict[str, int] = {}
    back: set[tuple[str, str, int]] = set()
    for root in roots:
        if root in state:
            continue
        stack = [(root, 0)]
        state[root] = 1
        while stack:
            key, index = stack.pop()
            arrows = boxes[key].arrows
            if index < len(arrows):
                stack.append((key, index + 1))
                target = arrows[index][1]
                if target not in boxes:
                    continue
                if state.get(target) == 1:
                    back.add((key, target, index))
                elif target not in state:
                    state[target] = 1
                    stack.append((target, 0))
            else:
                state[key] = 2
                order.append(key)
    rank = {key: 0 for key in order}
    for key in reversed(order):  # reverse post-order is a topological order
        for index, (_, target) in enumerate(boxes[key].arrows):
            if (key, target, index) not in back and target in rank:
                rank[target] = max(rank[target], rank[key] + 1)
    return rank, back


def _crossings(upper: list[Item], lower: list[Item], links: dict[str, list[str]]) -> int:
    position = {item.ident: i for i, item in enumerate(lower)}
    pairs = [
        (i, position[t]) for i, item in enumerate(upper) for t in links.get(item.ident, ())
        if t in position
    ]
    return sum(
        1 for a in range(len(pairs)) for b in range(a + 1, len(pairs))
        if (pairs[a][0] - pairs[b][0]) * (pairs[a][1] - pairs[b][1]) < 0
    )


def _total_crossings(slots, down) -> int:
    return sum(_crossings(slots[i], slots[i + 1], down) for i in range(len(slots) - 1))


def _isotonic(desired: list[float], widths: list[float]) -> list[float]:
    """Centres closest (least squares) to ``desired`` that keep the items apart, in order."""
    offsets, total = [], 0.0
    for i, width in enumerate(widths):
        if i:
            total += widths[i - 1] / 2 + H_GAP + width / 2
        offsets.append(total)
    targets = [d - o for d, o in zip(desired, offsets, strict=True)]
    blocks: list[list[float]] = []  # [sum, count]
    for value in targets:
        blocks.append([value, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, c = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += c
    values = [s / c for s, c in blocks for _ in range(c)]
    return [v + o for v, o in zip(values, offsets, strict=True)]


def layout(boxes: Mapping[str, Box], roots: list[str]) -> Layout:
    """Place ``boxes`` reachable from ``roots`` (in order), top-down; see the module's notes."""
    rank, back = _ranks(boxes, roots)
    keys = sorted(rank, key=lambda k: rank[k])
    depth = max(rank.values(), default=0)
    slots: list[list[Item]] = [[] for _ in range(2 * depth + 2)]
    items: dict[str, Item] = {}
    arrows: list[Arrow] = []
    down: dict[str, list[str]] = defaultdict(list)
    up: dict[str, list[str]] = defaultdict(list)

    def place(item: Item, slot: int) -> None:
        items[item.ident] = item
        slots[slot].append(item)

    # Depth-first discovery order, so that a tree starts (and stays) without crossings.
    seen: set[str] = set()

    def visit(key: str) -> None:
        stack = [key]
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            box = boxes[current]
            place(Item(current, box.width, box.height, box=box), 2 * rank[current])
            stack.extend(t for _, t in reversed(box.arrows) if t in rank and t not in seen)

    for root in roots:
        visit(root)
    for key in keys:
        visit(key)

    for key in [item.ident for slot in slots for item in slot if item.box]:
        box = boxes[key]
        for index, (label, target) in enumerate(box.arrows):
            if target not in rank:
                continue
            start = 2 * rank[key] + 1
            end = 2 * rank[target] if (key, target, index) not in back else start + 1
            chain, previous = [], key
            for slot in range(start, max(end, start + 1)):
                ident = f"{key}>{index}@{slot}"
                if slot == start and label:
                    lines = wrap(label, LABEL_WIDTH - 8, SMALL_FONT)
                    width = max(text_width(line, SMALL_FONT) for line in lines) + 8
                    item = Item(ident, width, len(lines) * SMALL_FONT * LINE + 4, label=lines)
                else:
                    item = Item(ident, 2.0, 0.0)
                if slot < len(slots):
                    place(item, slot)
                    chain.append(item)
                    down[previous].append(ident)
                    up[ident].append(previous)
                    previous = ident
            if (key, target, index) not in back:
                down[previous].append(target)
                up[target].append(previous)
            arrows.append(Arrow(key, target, label, chain))
    for slot in slots:
        # Chain items were appended in box order; keep them under their source.
        slot.sort(key=lambda item: _source_position(item, slots, up))

    best = _total_crossings(slots, down)
    for _ in range(4):
        for direction in ("down", "up"):
            trial = [list(slot) for slot in slots]
            indices = range(1, len(trial)) if direction == "down" else range(len(trial) - 2, -1, -1)
            for i in indices:
                ref = trial[i - 1] if direction == "down" else trial[i + 1]
                links = up if direction == "down" else down
                position = {item.ident: p for p, item in enumerate(ref)}

                def barycentre(item, links=links, position=position):
                    linked = [position[n] for n in links.get(item.ident, ()) if n in position]
                    return sum(linked) / len(linked) if linked else None

                current = {item.ident: p for p, item in enumerate(trial[i])}
                keyed = [(barycentre(item), current[item.ident], item) for item in trial[i]]
                trial[i] = [
                    item for _, _, item in sorted(
                        keyed, key=lambda t: (t[0] if t[0] is not None else t[1], t[1])
                    )
                ]
            count = _total_crossings(trial, down)
            if count < best:
                best, slots = count, trial

    # Horizontal positions: packed, then pulled towards neighbours a few times.
    for slot in slots:
        x = 0.0
        for item in slot:
            item.x = x + item.width / 2
            x += item.width + H_GAP
    for _ in range(6):
        for direction in ("down", "up"):
            order = range(1, len(slots)) if direction == "down" else range(len(slots) - 2, -1, -1)
            links = up if direction == "down" else down
            for i in order:
                slot = slots[i]
                if not slot:
                    continue
                desired = []
                for item in slot:
                    linked = [items[n].x for n in links.get(item.ident, ()) if n in items]
                    desired.append(sum(linked) / len(linked) if linked else item.x)
                for item, x in zip(slot, _isotonic(desired, [it.width for it in slot]),
                                   strict=True):
                    item.x = x
    left = min((item.x - item.width / 2 for item in items.values()), default=0.0)
    for item in items.values():
        item.x += MARGIN - left

    # Vertical positions: each slot as tall as its tallest item, its items aligned at the top.
    y = MARGIN
    for index, slot in enumerate(slots):
        height = max((item.height for item in slot), default=0.0)
        for item in slot:
            item.y, item.slot_bottom = y, y + height
        if slot:
            y += height + (V_GAP if index % 2 == 0 else V_GAP * 0.75)
    width = max((item.x + item.width / 2 for item in items.values()), default=0.0) + MARGIN
    height = max((item.y + item.height for item in items.values()), default=0.0) + MARGIN
    _route(items, arrows)
    return Layout(items=items, arrows=arrows, width=width, height=height)


def _source_position(item: Item, slots, up) -> tuple:
    """Where a chain item's predecessor sits, so chains start in their source's order."""
    for index, slot in enumerate(slots):
        for position, other in enumerate(slot):
            if other is item:
                sources = up.get(item.ident)
                if not sources:
                    return (position,)
                for earlier in slots[index - 1] if index else ():
                    if earlier.ident == sources[0]:
                        return (slots[index - 1].index(earlier), position)
                return (position,)
    return (0,)


def _route(items: dict[str, Item], arrows: list[Arrow]) -> None:
    """Arrow points: from the source's bottom edge, through its chain, to the target's top edge.

    Several arrows leaving or entering one box are spread along its edge, in the
    order of the boxes at their other end, so that they do not share a point.
    """
    leaving: dict[str, list[Arrow]] = defaultdict(list)
    entering: dict[str, list[Arrow]] = defaultdict(list)
    for arrow in arrows:
        leaving[arrow.source].append(arrow)
        entering[arrow.target].append(arrow)

    def spread(item: Item, count: int, index: int) -> float:
        return item.x - item.width / 2 + item.width * (index + 1) / (count + 1)

    for key, group in leaving.items():
        group.sort(key=lambda a: (a.chain[0].x if a.chain else items[a.target].x))
        for index, arrow in enumerate(group):
            source = items[key]
            x = spread(source, len(group), index)
            # Straight down to the bottom of the tallest box beside the source before
            # turning, so that the arrow never cuts across a neighbour.
            arrow.points = [(x, source.y + source.height), (x, source.slot_bottom)]
    for key, group in entering.items():
        group.sort(key=lambda a: (a.chain[-1].x if a.chain else items[a.source].x))
        target = items[key]
        for index, arrow in enumerate(group):
            for link in arrow.chain:
                # Through a label or a rank passed over, vertically across the whole slot.
                arrow.points += [(link.x, link.y), (link.x, link.slot_bottom)]
            arrow.points.append((spread(target, len(group), index), target.y))
            arrow.points = [
                point for n, point in enumerate(arrow.points)
                if n == 0 or point != arrow.points[n - 1]
            ]


# --- Parts ---------------------------------------------------------------------------------


@dataclass
class Part:
    """One printable piece of the chart: its own boxes, and markers for the rest."""

    number: int
    root: str
    keys: list[str]
    layout: Layout | None = None
    total: int = 1
    came_from: tuple[int, ...] = ()


def _part_boxes(boxes, keys: set[str], root: str, owner: Mapping[str, int] | None,
                came_from: tuple[int, ...] = ()) -> tuple[dict[str, Box], list[str]]:
    """The boxes of one part: its own, markers where arrows leave it, and where it came from."""
    drawn: dict[str, Box] = {}
    for key in keys:
        box = boxes[key]
        arrows = []
        for label, target in box.arrows:
            if target in keys:
                arrows.append((label, target))
                continue
            marker = f"continued:{target}"
            if marker not in drawn:
                part = owner.get(target, 0) if owner else 0
                drawn[marker] = _marker(
                    marker, "continued",
                    f"Continued in part {part or 'NN'}: {_short(boxes[target].title)}",
                )
            arrows.append((label, marker))
        drawn[key] = Box(box.key, box.kind, box.lines, box.urgency, tuple(arrows), box.title)
    roots = [root]
    if came_from:
        parts = " and ".join(str(n) for n in came_from)
        entry = _marker("entry", "entry", f"Continued from part {parts}")
        drawn["entry"] = Box(entry.key, entry.kind, entry.lines, arrows=(("", root),),
                             title=entry.title)
        roots = ["entry"]
    return drawn, roots


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _reachable(boxes, start: str, exclude: set[str]) -> list[str]:
    found, stack, seen = [], [start], set()
    while stack:
        key = stack.pop()
        if key in seen or key in exclude or key not in boxes:
            continue
        seen.add(key)
        found.append(key)
        stack.extend(t for _, t in reversed(boxes[key].arrows))
    return found


def paginate(boxes: Mapping[str, Box], root: str, *, width: float, height: float,
             first_height: float | None = None) -> list[Part]:
    """Cut the chart into parts that each fit ``width`` by ``height`` points.

    A part grows from its root breadth first: each box it leads to joins with
    everything below it when all of that still fits, or else with just the
    outcomes hanging from it; one that fits neither way becomes the root of a
    later part, reached through a "Continued in part N" marker. Nodes that no
    root reaches get a part of their own, so that every node of a draft is drawn.
    """
    parts: list[Part] = []
    owned: set[str] = set()
    queue = [root] if root in boxes else []
    queue += [key for key in boxes if key != root]
    while queue:
        start = queue.pop(0)
        if start in owned:
            continue
        limit_h = first_height if (first_height and not parts) else height
        # Sized for the longest "Continued from part ..." it could end up saying.
        came_from = (98, 99) if parts else ()

        def fits(keys: list[str], limit_h=limit_h, start=start, came_from=came_from) -> bool:
            drawn, roots = _part_boxes(boxes, set(keys), start, None, came_from)
            trial = layout(drawn, roots)
            return trial.width <= width and trial.height <= limit_h

        chosen = [start]
        pending = [t for _, t in boxes[start].arrows]
        while pending:
            candidate = pending.pop(0)
            if candidate in owned or candidate in chosen or candidate not in boxes:
                continue
            below = [k for k in _reachable(boxes, candidate, owned) if k not in chosen]
            if fits(chosen + below):
                chosen += below
                continue
            # Too big whole: take the box with the ends hanging from it (never an
            # end alone in a part of its own), and look again one level down.
            box = boxes[candidate]
            ends = [t for _, t in box.arrows if t in boxes and not boxes[t].arrows
                    and t not in owned and t not in chosen]
            if box.arrows and fits(chosen + [candidate] + ends):
                chosen += [candidate] + list(dict.fromkeys(ends))
                pending += [t for _, t in box.arrows if t not in ends]
        owned.update(chosen)
        parts.append(Part(number=len(parts) + 1, root=start, keys=chosen))
        drawn, roots = _part_boxes(boxes, set(chosen), start, None, came_from)
        frontier = sorted(
            (item for item in layout(drawn, roots).items.values()
             if item.box and item.box.kind == "continued"),
            key=lambda item: (item.y, item.x),
        )
        queue[0:0] = [item.ident.split(":", 1)[1] for item in frontier
                      if item.ident.split(":", 1)[1] not in owned]
    owner = {key: part.number for part in parts for key in part.keys}
    for part in parts:
        sources = sorted({
            owner[key] for other in parts if other is not part for key in other.keys
            for _, target in boxes[key].arrows if target == part.root
        })
        part.came_from = tuple(sources)
        drawn, roots = _part_boxes(boxes, set(part.keys), part.root, owner, part.came_from)
        part.layout = layout(drawn, roots)
        part.total = len(parts)
    return parts


def orientation(boxes: Mapping[str, Box], root: str) -> str:
    """``landscape`` when the whole chart is wider than a portrait page, else ``portrait``."""
    whole = layout(boxes, [root] + [key for key in boxes if key != root])
    return "landscape" if whole.width > A4_PORTRAIT[0] else "portrait"


def _overflows(parts: list[Part], width: float, height: float) -> bool:
    return any(p.layout.width > width or p.layout.height > height for p in parts)


# --- Drawing -------------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _box_style(box: Box, highlighted: bool) -> dict[str, str]:
    if box.kind == "outcome":
        fill, stroke, _ = URGENCY_STYLE.get(box.urgency, ("#ffffff", "#425563", ""))
        style = {"fill": fill, "stroke": stroke, "stroke-width": "2"}
    elif box.kind == "question":
        style = {"fill": "#ffffff", "stroke": "#005eb8", "stroke-width": "2"}
    elif box.kind in {"time_window", "referring_site"}:
        style = {"fill": "#e8edee", "stroke": "#425563", "stroke-width": "1.5",
                 "stroke-dasharray": "5 3"}
    elif box.kind == "missing":
        style = {"fill": "#ffffff", "stroke": "#d5281b", "stroke-width": "2",
                 "stroke-dasharray": "2 2"}
    else:  # continued, entry
        style = {"fill": "#ffffff", "stroke": "#768692", "stroke-width": "1",
                 "stroke-dasharray": "1 2"}
    if highlighted:
        style.update({"stroke": HIGHLIGHT, "stroke-width": "4", "stroke-dasharray": "none"})
    return style


def _attrs(values: Mapping[str, str]) -> str:
    return " ".join(f"{name}={quoteattr(str(value))}" for name, value in values.items())


# The kinds of box that are a node of the tree (the others are markers).
NODE_KINDS = frozenset({"question", "time_window", "referring_site", "outcome"})


def part_svg(part: Part, *, title: str, highlighted: Iterable[str] = (),
             ident: str = "flowchart", links: Mapping[str, str] | None = None) -> str:
    """One part as a standalone SVG document fragment, sized in points.

    ``highlighted`` node keys get a heavy outline and the word "Changed".
    ``links`` maps node keys to addresses: each such node's box is a link there
    (a plain ``<a href>``, so it is reached and followed with the keyboard, no
    script needed), and the chart is a group of links rather than one image.
    """
    chart = part.layout
    marked = set(highlighted)
    links = links or {}
    heading = title if part.total == 1 else f"{title}, part {part.number} of {part.total}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_fmt(chart.width)}pt" '
        f'height="{_fmt(chart.height)}pt" viewBox="0 0 {_fmt(chart.width)} '
        f'{_fmt(chart.height)}" role="{"group" if links else "img"}" '
        f'aria-labelledby="{ident}-title" font-family={quoteattr(FONT_FAMILY)}>',
        f'<title id="{ident}-title">{escape(heading)}: flowchart; the same pathway '
        "follows as text</title>",
    ]
    for arrow in chart.arrows:
        points = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in arrow.points)
        (x1, y1), (x2, y2) = arrow.points[-2], arrow.points[-1]
        out.append(
            f'<g class="flowchart-arrow" data-from={quoteattr(arrow.source)} '
            f'data-to={quoteattr(arrow.target)}>'
            f'<polyline points="{points}" fill="none" stroke="#212b32" stroke-width="1.2"/>'
            f"{_arrowhead(x1, y1, x2, y2)}</g>"
        )
    for item in chart.items.values():
        if item.label:
            out.append(
                f'<g class="flowchart-label"><rect x="{_fmt(item.x - item.width / 2)}" '
                f'y="{_fmt(item.y)}" width="{_fmt(item.width)}" height="{_fmt(item.height)}" '
                'fill="#ffffff" stroke="none"/>'
            )
            for n, line in enumerate(item.label):
                y = item.y + 2 + SMALL_FONT * LINE * n + SMALL_FONT
                out.append(
                    f'<text x="{_fmt(item.x)}" y="{_fmt(y)}" font-size="{_fmt(SMALL_FONT)}" '
                    f'text-anchor="middle" fill="#212b32" font-style="italic">'
                    f"{escape(line)}</text>"
                )
            out.append("</g>")
    for item in chart.items.values():
        if item.box is None:
            continue
        box = item.box
        highlighted_box = box.key in marked
        left = item.x - item.width / 2
        link = links.get(box.key) if box.kind in NODE_KINDS else None
        if link:
            # Named by the box's own text, as it is seen (WCAG 2.5.3).
            out.append(f'<a href={quoteattr(link)} class="flowchart-link">')
        out.append(
            f'<g class="flowchart-node flowchart-node--{box.kind}" data-node={quoteattr(box.key)}>'
            f'<rect x="{_fmt(left)}" y="{_fmt(item.y)}" width="{_fmt(item.width)}" '
            f'height="{_fmt(item.height)}" rx="{4 if box.kind == "outcome" else 2}" '
            f"{_attrs(_box_style(box, highlighted_box))}/>"
        )
        y = item.y + PAD
        for line in box.lines:
            y += line.size * LINE
            weight = ' font-weight="bold"' if line.bold else ""
            out.append(
                f'<text x="{_fmt(left + PAD)}" y="{_fmt(y - line.size * (LINE - 1) - 1)}" '
                f'font-size="{_fmt(line.size)}"{weight} fill="#212b32">{escape(line.text)}</text>'
            )
        if highlighted_box:
            out.append(
                f'<text x="{_fmt(left + item.width - PAD)}" y="{_fmt(item.y + PAD + 9)}" '
                f'font-size="9" font-weight="bold" text-anchor="end" fill="{HIGHLIGHT}">'
                "Changed</text>"
            )
        out.append("</g></a>" if link else "</g>")
    out.append("</svg>")
    return "\n".join(out)


def _arrowhead(x1: float, y1: float, x2: float, y2: float) -> str:
    """A filled triangle whose tip is exactly the arrow's end point."""
    import math

    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    size, half = 7.0, 3.5
    bx, by = x2 - ux * size, y2 - uy * size
    points = [(x2, y2), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    text = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
    return f'<polygon points="{text}" fill="#212b32" stroke="none"/>'


# --- One call for the page, the PDF and the editor ----------------------------------------


@dataclass(frozen=True)
class Flowchart:
    orientation: str
    parts: tuple[Part, ...]
    svgs: tuple[str, ...]


def flowchart(tree: PlainTree, summaries: Mapping[str, Iterable[str]] | None = None, *,
              title: str = "", highlighted: Iterable[str] = (),
              first_height: float | None = None, page: str | None = None,
              links: Mapping[str, str] | None = None) -> Flowchart:
    """The chart of ``tree`` cut into A4 parts (orientation chosen by its width, or ``page``).

    ``links``: node keys to addresses, making those boxes links (see :func:`part_svg`).
    """
    boxes = chart_nodes(tree, summaries)
    root = tree.root_key if tree.root_key in boxes else next(iter(boxes), "")
    if not boxes:
        return Flowchart("portrait", (), ())
    chosen = page or orientation(boxes, root)
    width, height = A4_LANDSCAPE if chosen == "landscape" else A4_PORTRAIT
    parts = paginate(boxes, root, width=width, height=height, first_height=first_height)
    if page is None and chosen == "portrait" and _overflows(parts, width, height):
        # One question with many answers can be wider than a portrait page on its own.
        chosen, (width, height) = "landscape", A4_LANDSCAPE
        parts = paginate(boxes, root, width=width, height=height, first_height=first_height)
    marked = tuple(highlighted)
    svgs = tuple(
        part_svg(part, title=title or tree.pathway_title, highlighted=marked,
                 ident=f"flowchart-{part.number}", links=links)
        for part in parts
    )
    return Flowchart(chosen, tuple(parts), svgs)
