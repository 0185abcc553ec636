"""The flowchart of every demo pathway: readable, tidy and complete, checked on its SVG."""

import math
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from pathways.demo import seed_demo_pathways
from pathways.flowchart import (
    A4_LANDSCAPE,
    A4_PORTRAIT,
    MIN_FONT,
    chart_nodes,
    flowchart,
    layout,
)
from pathways.models import PathwayVersion, VersionStatus
from pathways.routes import outcome_routes
from pathways.selectors import load_tree
from pathways.tree import PlainNode, PlainOption, PlainTree
from rota.demo import seed_demo_network
from rota.selectors import load_schedule
from tests.factories import london

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def demo_charts(db):
    seeded = seed_demo_network(date(2026, 3, 20))
    seed_demo_pathways(network=seeded.network, anchor=date(2026, 3, 20))
    schedule = load_schedule(network_ids=[seeded.network.id], start=london(2026, 3, 20, 0, 0),
                             end=london(2026, 3, 20, 0, 1))
    charts = {}
    for version in PathwayVersion.objects.filter(status=VersionStatus.PUBLISHED):
        tree = load_tree(version)
        routes = outcome_routes(tree, schedule)
        summaries = {key: [s.summary for s in steps] for key, steps in routes.items()}
        charts[tree.pathway_slug] = (tree, flowchart(tree, summaries))
    return charts


def rects(svg: ET.Element):
    found = {}
    for group in svg.iter(f"{SVG}g"):
        if group.get("data-node"):
            rect = group.find(f"{SVG}rect")
            found[group.get("data-node")] = tuple(
                float(rect.get(name)) for name in ("x", "y", "width", "height")
            )
    return found


def label_rects(svg: ET.Element):
    return [
        tuple(float(g.find(f"{SVG}rect").get(n)) for n in ("x", "y", "width", "height"))
        for g in svg.iter(f"{SVG}g") if g.get("class") == "flowchart-label"
    ]


def overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def on_edge(point, rect) -> bool:
    x, y = point
    left, top, width, height = rect
    on_top = math.isclose(y, top, abs_tol=0.11) and left <= x <= left + width
    on_bottom = math.isclose(y, top + height, abs_tol=0.11) and left <= x <= left + width
    return on_top or on_bottom


def test_flowchart_demo_pathways_are_tidy_and_readable(demo_charts):
    assert len(demo_charts) == 7
    for slug, (tree, chart) in demo_charts.items():
        drawn = set()
        page = A4_LANDSCAPE if chart.orientation == "landscape" else A4_PORTRAIT
        for svg_text in chart.svgs:
            svg = ET.fromstring(svg_text)
            assert not re.search(r"\sstyle=", svg_text), slug
            width, height = (float(svg.get(n).removesuffix("pt")) for n in ("width", "height"))
            # Printed at its own size: a part never needs shrinking to fit its page.
            assert width <= page[0] and height <= page[1], (slug, width, height)
            sizes = [float(t.get("font-size")) for t in svg.iter(f"{SVG}text")]
            assert sizes and min(sizes) >= MIN_FONT, slug
            boxes = rects(svg)
            everything = list(boxes.items()) + [(f"label{i}", r)
                                                for i, r in enumerate(label_rects(svg))]
            for i, (a_key, a) in enumerate(everything):
                for b_key, b in everything[i + 1:]:
                    assert not overlaps(a, b), (slug, a_key, b_key)
            for group in svg.iter(f"{SVG}g"):
                if group.get("class") != "flowchart-arrow":
                    continue
                points = [tuple(map(float, p.split(",")))
                          for p in group.find(f"{SVG}polyline").get("points").split()]
                tip = tuple(map(float, group.find(f"{SVG}polygon").get("points").split()[0]
                                .split(",")))
                target = boxes[group.get("data-to")]
                assert on_edge(points[-1], target), (slug, group.get("data-to"))
                assert tip == points[-1]
                assert on_edge(points[0], boxes[group.get("data-from")])
            drawn |= {k for k in boxes if ":" not in k and k != "entry"}
        assert drawn == set(tree.nodes), slug


def test_flowchart_true_tree_has_no_crossings():
    nodes = {"q": PlainNode("q", "question", "First?", options=(
        PlainOption("a", "A", "q2"), PlainOption("b", "B", "o3"), PlainOption("c", "C", "q3")))}
    nodes["q2"] = PlainNode("q2", "question", "Second?", options=(
        PlainOption("a", "A", "o1"), PlainOption("b", "B", "o2")))
    nodes["q3"] = PlainNode("q3", "question", "Third?", options=(
        PlainOption("a", "A", "o4"), PlainOption("b", "B", "o5")))
    for n in range(1, 6):
        nodes[f"o{n}"] = PlainNode(f"o{n}", "outcome", f"Outcome {n}", urgency="urgent")
    tree = PlainTree(network_id=1, root_key="q", nodes=nodes, sites={})
    chart = layout(chart_nodes(tree), ["q"])
    lines = []
    for arrow in chart.arrows:
        lines += list(zip(arrow.points, arrow.points[1:], strict=False))
    for i, (a1, a2) in enumerate(lines):
        for b1, b2 in lines[i + 1:]:
            if {a1, a2} & {b1, b2}:
                continue
            assert not _cross(a1, a2, b1, b2)


def _cross(p1, p2, p3, p4) -> bool:
    def orient(a, b, c):
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0



def _outcome(key, urgency="urgent"):
    return PlainNode(key, "outcome", f"Outcome {key}", urgency=urgency)


def test_flowchart_highlighted_node_is_outlined_and_says_changed():
    tree = PlainTree(network_id=1, root_key="q", sites={}, nodes={
        "q": PlainNode("q", "question", "First?", options=(
            PlainOption("a", "A", "o1"), PlainOption("b", "B", "o2"))),
        "o1": _outcome("o1", "immediate"), "o2": _outcome("o2", "routine"),
    })
    chart = flowchart(tree, {"o1": ["The on-call IR consultant"]}, title="T",
                      highlighted=["o1"])
    svg = ET.fromstring(chart.svgs[0])
    node = next(g for g in svg.iter(f"{SVG}g") if g.get("data-node") == "o1")
    assert node.find(f"{SVG}rect").get("stroke-width") == "4"
    texts = [t.text for t in node.iter(f"{SVG}text")]
    assert texts == ["IMMEDIATE", "Outcome o1", "1. The on-call IR consultant", "Changed"]
    other = next(g for g in svg.iter(f"{SVG}g") if g.get("data-node") == "o2")
    assert [t.text for t in other.iter(f"{SVG}text")] == ["ROUTINE", "Outcome o2"]


def test_flowchart_draft_with_a_loop_and_a_missing_node_still_draws_every_node():
    tree = PlainTree(network_id=1, root_key="q", sites={}, nodes={
        "q": PlainNode("q", "question", "First?", options=(
            PlainOption("a", "A", "q2"), PlainOption("b", "B", "nowhere"))),
        "q2": PlainNode("q2", "question", "Back?", options=(PlainOption("a", "A", "q"),)),
        "lonely": _outcome("lonely"),
    })
    chart = flowchart(tree, title="Draft")
    drawn = {key for svg in chart.svgs for key in rects(ET.fromstring(svg))}
    assert {"q", "q2", "lonely", "nowhere"} <= drawn


def test_flowchart_too_tall_for_a_page_is_continued_in_parts():
    chain = {f"q{n}": PlainNode(f"q{n}", "question", f"Question {n}?", options=(
        PlainOption("y", "Yes", f"o{n}"), PlainOption("n", "No", f"q{n + 1}")))
        for n in range(12)}
    chain.update({f"o{n}": _outcome(f"o{n}") for n in range(12)})
    chain["q12"] = _outcome("q12")
    tree = PlainTree(network_id=1, root_key="q0", sites={}, nodes=chain)
    chart = flowchart(tree, title="Long", page="portrait")
    assert len(chart.parts) > 1
    first, second = (ET.fromstring(svg) for svg in chart.svgs[:2])
    markers = [t.text for g in first.iter(f"{SVG}g")
               if (g.get("data-node") or "").startswith("continued:")
               for t in g.iter(f"{SVG}text")]
    assert markers and markers[0].startswith("Continued in part 2:")
    entry = [t.text for g in second.iter(f"{SVG}g") if g.get("data-node") == "entry"
             for t in g.iter(f"{SVG}text")]
    assert entry == ["Continued from part 1"]
    for svg in chart.svgs:
        height = float(ET.fromstring(svg).get("height").removesuffix("pt"))
        assert height <= A4_PORTRAIT[1]
    drawn = {key for svg in chart.svgs for key in rects(ET.fromstring(svg)) if ":" not in key}
    assert drawn - {"entry"} == set(tree.nodes)
