"""Evaluations from what was built ahead: a ready tree and stored contacts.

An evaluation reads a version's tree (seven queries and a few milliseconds of
building) and, at an outcome, who answers each of its rota and role steps
(a schedule around the instant, then the rules). Both are ready before anyone
asks:

* :class:`~pathways.models.ReadyTree` keeps a published or retired version's
  tree, pickled, at the generation of its network it was read at; the first
  evaluation after any write to the network reads the tree again and keeps it;
* :mod:`rota.answer_store` stores, with each rota's answers, what every rota
  step and every role step (for each referring site) reaches over the horizon
  (:mod:`rota.contacts`), and the network's calendar and hub.

So an evaluation over the horizon is one query: the tree, with the contacts
its steps name for the referring site (kept with the tree as keys); the walk
and the escalation are the engine's own (:func:`pathways.engine.evaluate` over
:class:`StoredSources`). Another site's contacts are a second query. The same
rules as everywhere decide when anything stored is served: the network's
generation is the one it was built at (triggers move it on every write to
what it reads), the code and data releases that built it are running
(:data:`rota.answer_store.RULES`), and the instant lies in the horizon. When
any of these fails, even between two queries, the evaluation is worked out
live, as correct and slower.
"""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.db import connection

from pathways.engine import Evaluation, evaluate
from pathways.models import ReadyTree, VersionStatus
from pathways.tree import PlainTree
from rota.answer_store import RULES, Sources
from rota.contacts import ANY_SITE, finish_reached, role_key, role_key_any_site, rota_key

# The version's network's build, served only at its generation, under these rules,
# with the instant in its horizon; the version's tree if kept at that generation; and,
# in the same statement (so from the same build), the first stored row ending after
# the instant of each contact the kept tree names, for the referring site: one probe
# of the (network, key, end) index per key. {keys} expands a JSON list, per database.
_READY = """
WITH ready AS (
  SELECT p.network_id, b.generation, b.sources, t.tree, t.keys
  FROM pathways_pathwayversion v
  JOIN pathways_pathway p ON p.id = v.pathway_id
  JOIN rota_answerbuild b ON b.network_id = p.network_id
  JOIN rota_answergeneration g ON g.network_id = b.network_id AND g.generation = b.generation
  LEFT JOIN pathways_readytree t
    ON t.version_id = v.id AND t.generation = b.generation AND t.rules = b.rules
  WHERE v.id = %s AND v.status <> 'draft'
    AND b.rules = %s AND b.horizon_start <= %s AND b.horizon_end > %s
)
SELECT network_id, generation, sources, tree, NULL, NULL, NULL FROM ready
UNION ALL
SELECT NULL, NULL, NULL, NULL, c.key, c.start, c.facts
FROM ready r, {keys} k, rota_storedcontact c
WHERE c.id = (SELECT s.id FROM rota_storedcontact s
              WHERE s.network_id = r.network_id AND s.key = REPLACE(k.value, %s, %s)
                AND s."end" > %s ORDER BY s."end" LIMIT 1)
"""
_JSON_LIST = {
    "postgresql": "LATERAL json_array_elements_text(r.keys::json)",
    "sqlite": "json_each(r.keys)",
}
# Each step's facts at the instant: its first row ending after it (one probe of the
# (network, key, end) index per step), while the generation still holds.
_ONE_KEY = (
    'SELECT (SELECT s.id FROM rota_storedcontact s WHERE s.network_id = %s AND s.key = %s '
    'AND s."end" > %s ORDER BY s."end" LIMIT 1)'
)
_CONTACTS = """
SELECT c.key, c.start, c.facts FROM rota_storedcontact c
WHERE c.id IN ({keys})
  AND EXISTS (SELECT 1 FROM rota_answergeneration g
              WHERE g.network_id = %s AND g.generation = %s)
"""


class NotStored(Exception):
    """What the evaluation needs was not built, or no longer holds: work it out live."""


@dataclass(frozen=True)
class StoredSources:
    """:class:`pathways.engine.Sources` read from the build of one generation;
    ``prefetched``: contacts read with the tree, by key (their start and facts)."""

    network_id: int
    generation: int
    sources: Sources
    prefetched: dict[str, tuple] = field(default_factory=dict)

    def calendar(self, network_id: int):
        return self.sources.calendar

    def hub(self, network_id: int):
        return self.sources.hub

    def reached(self, tree: PlainTree, steps, site, at: datetime):
        keys = []
        for step in steps:
            if step.kind == "rota":
                if not step.rota_id:
                    raise NotStored
                keys.append(rota_key(step.rota_id))
            elif step.kind == "role":
                keys.append(role_key(step.role, site.id))
            else:
                keys.append(None)
        wanted = sorted({key for key in keys if key})
        found = self._read(wanted, at) if wanted else {}
        return [(finish_reached(json.loads(found[key]), at), None) if key else (None, None)
                for key in keys]

    def _read(self, keys: list[str], at: datetime) -> dict[str, str]:
        found = {key: self.prefetched[key][1] for key in keys if key in self.prefetched
                 and _aware(self.prefetched[key][0]) <= at}
        if len(found) == len(keys):
            return found
        moment = connection.ops.adapt_datetimefield_value(at)
        sql = _CONTACTS.format(keys=" UNION ALL ".join([_ONE_KEY] * len(keys)))
        params = [value for key in keys for value in (self.network_id, key, moment)]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, self.network_id, self.generation])
            rows = cursor.fetchall()
        found = {key: facts for key, start, facts in rows if _aware(start) <= at}
        if len(found) != len(keys):  # a rota of another network, or a build since
            raise NotStored
        return found


def tree_keys(tree: PlainTree) -> list[str]:
    """The stored contacts ``tree``'s steps are found by, role steps' for any site."""
    keys = set()
    for node in tree.nodes.values():
        for step in node.steps:
            if step.kind == "rota" and step.rota_id:
                keys.add(rota_key(step.rota_id))
            elif step.kind == "role":
                keys.add(role_key_any_site(step.role))
    return sorted(keys)


def _aware(value) -> datetime:
    """A datetime column as read through a raw cursor: aware on PostgreSQL, text or
    naive UTC on SQLite."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


@dataclass(frozen=True)
class ReadyContext:
    """As :class:`pathways.selectors.EvaluationContext`, from what was built ahead;
    ``live`` loads the live context when a stored part no longer holds."""

    tree: PlainTree
    at: datetime
    stored: StoredSources
    live: Callable

    def evaluate(self, *, answers: dict[str, str], referring_site) -> Evaluation:
        try:
            return evaluate(version_tree=self.tree, answers=answers,
                            referring_site=referring_site, at=self.at, sources=self.stored)
        except NotStored:
            return self.live().evaluate(answers=answers, referring_site=referring_site)


def ready_context(version_id: int, at: datetime, *, load_tree: Callable[[int], PlainTree],
                  live: Callable, site_id: int | None = None) -> ReadyContext | None:
    """The ready context of a version that is not a draft, at ``at`` in the horizon of
    its network's current build; None to load it live. Reads (and keeps) the tree
    when it is not kept at this generation. With the kept tree come the contacts its
    steps name, role steps' for the referring site ``site_id``."""
    moment = connection.ops.adapt_datetimefield_value(at)
    sql = _READY.format(keys=_JSON_LIST[connection.vendor])
    with connection.cursor() as cursor:
        cursor.execute(sql, [version_id, RULES, moment, moment,
                             ANY_SITE, "" if site_id is None else str(site_id), moment])
        rows = cursor.fetchall()
    ready = [row for row in rows if row[0] is not None]
    if not ready:
        return None
    network_id, generation, sources, kept = ready[0][:4]
    prefetched = {row[4]: (row[5], row[6]) for row in rows if row[0] is None}
    if kept is not None:
        tree = pickle.loads(kept)  # noqa: S301 - written by this code, in our own database
    else:
        # Read after the generation was: a write meanwhile leaves it kept at an older one.
        tree = load_tree(version_id)
        if tree.status != VersionStatus.DRAFT:
            ReadyTree.objects.bulk_create(
                [ReadyTree(version_id=version_id, network_id=network_id,
                           generation=generation, rules=RULES,
                           tree=pickle.dumps(tree, protocol=pickle.HIGHEST_PROTOCOL),
                           keys=json.dumps(tree_keys(tree)))],
                update_conflicts=True, unique_fields=["version_id"],
                update_fields=["network_id", "generation", "rules", "tree", "keys"],
            )
    stored = StoredSources(network_id, generation, pickle.loads(sources),  # noqa: S301
                           prefetched)
    return ReadyContext(tree=tree, at=at, stored=stored, live=live)
