"""Fill a draft version from plain node specifications (the demo, tests, imports).

A specification is a list of dictionaries, one per node, naming sites and
trusts by ODS code and rotas by slug::

    {"key": "hours", "kind": "time_window", "text": "Time of referral",
     "branches": [{"condition": "in_hours", "next": "q1"},
                  {"condition": "site", "site": "RXN01", "next": "o2"}]}
    {"key": "q1", "kind": "question", "text": "...", "help": "...",
     "options": [{"key": "yes", "text": "Yes", "next": "o1"}, ...]}
    {"key": "o1", "kind": "outcome", "text": "...", "urgency": "immediate",
     "instructions": "Markdown", "transfer_site": "RXN02", "transfer_text": "...",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "..."},
               {"kind": "rota", "rota": "lsc-vascular-surgeon"},
               {"kind": "fixed", "label": "...", "number": "01772 716565"}]}
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from common.history import with_history
from pathways.errors import PathwayError
from pathways.models import Branch, ContactStep, Node, Option, PathwayVersion
from rota.models import Rota, Site, Trust


def _saved(instance, *, user, where: str):
    try:
        instance.full_clean(validate_constraints=True)
    except ValidationError as error:
        raise PathwayError(f"{where}: {'; '.join(error.messages)}", code="invalid_spec") from error
    with_history(instance, user=user).save()
    return instance


def _lookup(model, field: str, wanted: set[str], what: str) -> dict:
    found = {getattr(row, field): row for row in model.objects.filter(**{f"{field}__in": wanted})}
    missing = sorted(wanted - set(found))
    if missing:
        raise PathwayError(f"Unknown {what}: {', '.join(missing)}.", code="invalid_spec")
    return found


@transaction.atomic
def draft_fill(*, version: PathwayVersion, root_key: str, nodes: list[dict], user=None) -> None:
    """Add ``nodes`` to the draft ``version`` and set its root; all or nothing."""
    sites = _lookup(
        Site, "ods_code",
        {n["transfer_site"] for n in nodes if n.get("transfer_site")}
        | {b["site"] for n in nodes for b in n.get("branches", ()) if b.get("site")},
        "site",
    )
    trusts = _lookup(
        Trust, "ods_code",
        {b["trust"] for n in nodes for b in n.get("branches", ()) if b.get("trust")}, "trust",
    )
    rotas = _lookup(
        Rota, "slug", {s["rota"] for n in nodes for s in n.get("steps", ()) if s.get("rota")},
        "rota",
    )
    version.root_key = root_key
    _saved(version, user=user, where="version")
    for position, spec in enumerate(nodes):
        key = spec["key"]
        node = _saved(
            Node(
                version=version,
                key=key,
                kind=spec["kind"],
                text=spec["text"],
                help_text=spec.get("help", ""),
                position=position,
                urgency=spec.get("urgency", ""),
                instructions=spec.get("instructions", ""),
                transfer_site=sites.get(spec.get("transfer_site")),
                transfer_text=spec.get("transfer_text", ""),
            ),
            user=user,
            where=f"node {key}",
        )
        for order, option in enumerate(spec.get("options", ())):
            _saved(
                Option(node=node, key=option["key"], text=option["text"], order=order,
                       next_key=option["next"]),
                user=user, where=f"node {key}, option {option['key']}",
            )
        for branch in spec.get("branches", ()):
            _saved(
                Branch(node=node, condition=branch["condition"], next_key=branch["next"],
                       site=sites.get(branch.get("site")), trust=trusts.get(branch.get("trust"))),
                user=user, where=f"node {key}, {branch['condition']} branch",
            )
        for order, step in enumerate(spec.get("steps", ()), start=1):
            _saved(
                ContactStep(
                    node=node, order=order, kind=step["kind"], rota=rotas.get(step.get("rota")),
                    role=step.get("role", ""), label=step.get("label", ""),
                    number=step.get("number", ""), instruction=step.get("instruction", ""),
                ),
                user=user, where=f"node {key}, contact step {order}",
            )
