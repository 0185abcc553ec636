"""Each outcome's contact routes as printed: by role and switchboard, never by person.

Paper outlives a rota, so a printed pathway (and its flowchart) names no
clinician and no personal number: a rota step is "call <site> switchboard on
<number> and ask for <whom>", a role step is the same for each rota the role
resolves to, with the referring sites and hours it serves, and a fixed step is
its label and number.

Pure over a :class:`~pathways.tree.PlainTree` and a :class:`~rota.oncall.Schedule`
(only its rotas and calendars are read). Which rota a role reaches from which
site, in or out of hours, is decided by :func:`rota.oncall.rotas_for_role` over
the contexts :func:`pathways.validation.reachable_contexts` says can arrive at
the outcome: the same rules validation checks, not a copy of them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from pathways.tree import PlainStep, PlainTree
from pathways.validation import HOURS_LABELS, reachable_contexts, representative_instants
from rota.oncall import RotaInfo, Schedule, rotas_for_role
from rota.presentation import switchboard_route


@dataclass(frozen=True)
class StepRoute:
    """One contact step of an outcome, as printed."""

    order: int
    kind: str  # rota, role, fixed
    instruction: str
    summary: str  # short, for the flowchart's box: whom to ask for
    routes: tuple[str, ...]  # full sentences, each with a switchboard or fixed number


def role_words(role: str) -> str:
    """``ir-consultant`` as said aloud: ``IR consultant``."""
    acronyms = {"ir": "IR", "mri": "MRI", "ct": "CT", "gi": "GI", "ed": "ED"}
    return " ".join(acronyms.get(word, word) for word in role.split("-") if word)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _rota_route(rota: RotaInfo) -> str:
    return switchboard_route(rota.based_at, rota.ask_for)


def _role_routes(
    tree: PlainTree, schedule: Schedule, node_key: str, step: PlainStep, contexts
) -> tuple[str, tuple[str, ...]]:
    calendar = schedule.calendars.get(tree.network_id)
    instants = representative_instants(calendar) if calendar else {}
    by_rota: dict[int | None, dict[bool, list[str]]] = defaultdict(lambda: defaultdict(list))
    rotas: dict[int, RotaInfo] = {}
    for in_hours, site_id in sorted(contexts.get(node_key, ()), key=lambda c: (not c[0], c[1])):
        if in_hours not in instants:
            continue
        found = rotas_for_role(
            schedule, network_id=tree.network_id, role=step.role, site_id=site_id,
            at=instants[in_hours],
        )
        rota = found[0] if len(found) == 1 else None
        if rota is not None:
            rotas[rota.id] = rota
        by_rota[rota.id if rota else None][in_hours].append(tree.sites[site_id].short_name)
    words = role_words(step.role)
    asks = {rota.ask_for for rota in rotas.values()}
    summary = _sentence(asks.pop()) if len(asks) == 1 and None not in by_rota else (
        f"The on-call {words} for your site"
    )
    every_site = {tree.sites[s].short_name for s in tree.network_site_ids}
    routes = []
    for rota_id, hours in by_rota.items():
        when = []
        for in_hours, sites in hours.items():
            where = "from any site" if set(sites) == every_site else f"from {', '.join(sites)}"
            when.append(f"{HOURS_LABELS[in_hours]} {where}")
        scope = "; ".join(when)
        if rota_id is None:
            routes.append(
                f"No single rota answers for the {words} ({scope}): call your own "
                f"switchboard and ask for the on-call {words}."
            )
        else:
            routes.append(f"{_rota_route(rotas[rota_id])} ({scope}).")
    if not routes:
        routes.append(f"Call your switchboard and ask for the on-call {words}.")
    return summary, tuple(routes)


def outcome_routes(tree: PlainTree, schedule: Schedule) -> dict[str, tuple[StepRoute, ...]]:
    """For each outcome node of ``tree``, its contact steps as printed, in order."""
    calendar = schedule.calendars.get(tree.network_id)
    hours = sorted(representative_instants(calendar), reverse=True) if calendar else []
    contexts = reachable_contexts(tree, hours) if tree.root_key in tree.nodes else {}
    result = {}
    for node in tree.nodes.values():
        if node.kind != "outcome":
            continue
        steps = []
        for step in node.steps:
            if step.kind == "fixed":
                summary = step.label
                routes = (f"Call {step.label} on {step.number}.",)
            elif step.kind == "rota":
                rota = schedule.rotas.get(step.rota_id)
                if rota is None or rota.network_id != tree.network_id:
                    summary, routes = "A rota of another network", (
                        "This step names a rota outside the network: call your switchboard.",
                    )
                else:
                    summary, routes = _sentence(rota.ask_for), (f"{_rota_route(rota)}.",)
            else:
                summary, routes = _role_routes(tree, schedule, node.key, step, contexts)
            steps.append(StepRoute(step.order, step.kind, step.instruction, summary, routes))
        result[node.key] = tuple(steps)
    return result
