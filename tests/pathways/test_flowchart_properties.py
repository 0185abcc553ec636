"""The flowchart draws any tree, drafts included, tidily (pure: no database).

On random trees (loops, dangling keys, unreachable nodes, a missing root) and
on valid ones: every node is drawn exactly once, no box or label overlaps
another, every arrow starts on its source and ends on its target, no text is
under 9 pt and no part is larger than its page. The contact routes of any
tree can be worked out without error.
"""

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathways.flowchart import A4_LANDSCAPE, A4_PORTRAIT, MIN_FONT, flowchart
from pathways.routes import outcome_routes
from pathways.tree import PlainNode, PlainOption
from tests.pathways.plain import tree
from tests.pathways.test_flowchart import SVG, _cross, label_rects, on_edge, overlaps, rects
from tests.pathways.test_properties import (
    PROPERTY_SETTINGS,
    SCHEDULES,
    WEEKDAY_NOON,
    random_trees,
    valid_trees,
)

pytestmark = pytest.mark.pure


def assert_tidy(tree) -> None:
    routes = outcome_routes(tree, SCHEDULES[WEEKDAY_NOON])
    summaries = {key: [step.summary for step in steps] for key, steps in routes.items()}
    chart = flowchart(tree, summaries, title="Property")
    page = A4_LANDSCAPE if chart.orientation == "landscape" else A4_PORTRAIT
    drawn = []
    for svg_text in chart.svgs:
        svg = ET.fromstring(svg_text)
        width, height = (float(svg.get(n).removesuffix("pt")) for n in ("width", "height"))
        own = [k for k in rects(svg) if ":" not in k and k != "entry"]
        # Known limit: one question with more answers than fit across a landscape page.
        if len(own) > 1 or chart.orientation == "portrait":
            assert width <= page[0] + 0.1 and height <= page[1] + 0.1, (width, height)
        assert min(float(t.get("font-size")) for t in svg.iter(f"{SVG}text")) >= MIN_FONT
        boxes = rects(svg)
        shapes = list(boxes.values()) + label_rects(svg)
        for i, a in enumerate(shapes):
            for b in shapes[i + 1:]:
                assert not overlaps(a, b)
        for group in svg.iter(f"{SVG}g"):
            if group.get("class") == "flowchart-arrow":
                points = [tuple(map(float, p.split(",")))
                          for p in group.find(f"{SVG}polyline").get("points").split()]
                assert on_edge(points[0], boxes[group.get("data-from")])
                assert on_edge(points[-1], boxes[group.get("data-to")])
        drawn += [k for k in boxes if ":" not in k and k != "entry"]
    assert sorted(drawn) == sorted(set(drawn))
    assert set(tree.nodes) <= set(drawn)


@PROPERTY_SETTINGS
@given(random_trees())
def test_flowchart_draws_any_draft_tidily(tree):
    assert_tidy(tree)


@PROPERTY_SETTINGS
@given(valid_trees())
def test_flowchart_draws_valid_trees_tidily(tree):
    assert_tidy(tree)


@st.composite
def true_trees(draw):
    """Every node but the root has exactly one parent, a question with up to four options."""
    size = draw(st.integers(2, 16))
    children: dict[int, list[int]] = {0: []}
    for node in range(1, size):
        parent = draw(st.sampled_from(sorted(p for p, c in children.items() if len(c) < 4)))
        children[parent].append(node)
        children[node] = []
    nodes = []
    for node, below in children.items():
        key = f"n{node}"
        if below:
            nodes.append(PlainNode(key, "question", f"Question {node}?", options=tuple(
                PlainOption(f"o{i}", f"Option {i}", f"n{child}")
                for i, child in enumerate(below))))
        else:
            nodes.append(PlainNode(key, "outcome", f"Outcome {node}", urgency="routine"))
    return tree(*nodes, root="n0")


@PROPERTY_SETTINGS
@given(true_trees())
def test_flowchart_of_a_true_tree_has_no_crossings(plain):
    chart = flowchart(plain, title="Tree")
    for svg_text in chart.svgs:
        segments = []
        for group in ET.fromstring(svg_text).iter(f"{SVG}g"):
            if group.get("class") == "flowchart-arrow":
                points = [tuple(map(float, p.split(",")))
                          for p in group.find(f"{SVG}polyline").get("points").split()]
                segments += list(zip(points, points[1:], strict=False))
        for i, (a1, a2) in enumerate(segments):
            for b1, b2 in segments[i + 1:]:
                assert not _cross(a1, a2, b1, b2), (a1, a2, b1, b2)
