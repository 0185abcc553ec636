"""Answers built ahead of asking: each rota's whole answer over the coming weeks, stored.

Almost every question this service is asked is "who is on call now". Working
that out means reading a rota's shifts, covers, leave and diverts, its
fallback chain and where its diverts lead, then resolving them: several
queries and milliseconds of Python for every caller. Instead, :func:`build`
resolves each rota of a network once, from a few days ago to four weeks
ahead, with the same rules (:mod:`rota.oncall`) and the same description
(:mod:`rota.presentation`) as a live answer, and stores it as consecutive
:class:`~rota.models.StoredAnswer` rows, each holding a whole described answer
that does not change over its interval. An answer is then one indexed read.

Correct first. A stored answer is served only when all of these hold, checked
in the same query that reads it:

* its network's generation is the one it was built at: triggers
  (:mod:`rota.answer_triggers`) move the generation inside every transaction
  that writes a row an answer reads, whoever writes it;
* it was built by the rules running now: :data:`RULES` fingerprints the code
  and the data (bank holidays, dialling rules) the answer depends on;
* the instant lies inside the built horizon.

Otherwise the answer is worked out live (:func:`rota.selectors.answers_at`),
as correct and slower, until the next :func:`refresh` (``manage.py
refresh_answers``, run every minute or so) rebuilds what moved. A live answer
and a stored one are the same answer, field for field:
``manage.py verify_timelines`` and the tests compare them.

What depends on the instant itself is finished when read (:func:`finish`):
the answer's own instant, and "no change scheduled" (``since``, ``until``
and who is next are left out beyond four weeks, as live). Nothing else in an
answer depends on the window it was read over (:func:`rota.oncall.answer_at`
reads who and by what where it happens), so one build over the horizon gives
every instant's answer.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import random
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from importlib.metadata import version
from itertools import pairwise
from pathlib import Path

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from common.london import LONDON, iso, local
from rota.calendars import NetworkCalendar
from rota.contacts import (
    contact_facts,
    editable,
    finish,
    finish_reached,
    reached,
    role_key,
    rota_key,
)
from rota.models import (
    AnswerBuild,
    AnswerGeneration,
    Network,
    Site,
    StoredAnswer,
    StoredContact,
)
from rota.oncall import (
    ANSWER_WINDOW,
    HANDOVER_NOTICE,
    OnCallAnswer,
    Schedule,
    SiteInfo,
    answer_at,
    answer_spans,
    network_hub,
    resolve_timeline,
)
from rota.presentation import describe_answer, redact
from rota.selectors import answers_at, load_schedule, read_graph
from rota.visibility import ANONYMOUS, EVERY_CONTACT, STAFF_VISIBLE, Viewer

DAYS_BEHIND = 2
DAYS_AHEAD = 28
# Beyond the horizon, what its answers read: four weeks either side, and a day.
_MARGIN = ANSWER_WINDOW + timedelta(days=1)
_JUST_AFTER = timedelta(microseconds=1)


def _fingerprint() -> str:
    """The rules an answer is built by: the code that resolves and describes it,
    and the data releases it reads (bank holidays, phone numbering)."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in ("rota/oncall.py", "rota/calendars.py", "rota/presentation.py",
                 "rota/selectors.py", "rota/answer_store.py", "rota/contacts.py",
                 "common/london.py", "common/phones.py",
                 # A ready tree is a pickled PlainTree as pathways.selectors reads it.
                 "pathways/tree.py", "pathways/selectors.py"):
        digest.update((root / name).read_bytes())
    for package in ("holidays", "phonenumbers", "tzdata"):
        try:
            digest.update(f"{package}={version(package)}".encode())
        except Exception:  # noqa: BLE001 - a package not installed counts as its absence
            digest.update(f"{package}=none".encode())
    return digest.hexdigest()[:32]


RULES = _fingerprint()


def horizon(now: datetime) -> tuple[datetime, datetime]:
    """The stored stretch on ``now``: Europe/London midnights, two days back to 28 ahead."""
    today = local(now).date()

    def midnight(day):
        return datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)

    return (midnight(today - timedelta(days=DAYS_BEHIND)),
            midnight(today + timedelta(days=DAYS_AHEAD)))


# --- Building --------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One stored answer, rendered for each kind of reader (see :data:`READERS`)."""

    rota_id: int
    start: datetime
    end: datetime
    answer: str
    answer_staff: str
    answer_public: str


# Each kind of reader's redaction, stored rendered: the whole answer (switchboard,
# coordinators, leads, admins), what a referrer sees, and the public's.
READERS = (
    ("answer", Viewer(True, EVERY_CONTACT)),
    ("answer_staff", Viewer(True, STAFF_VISIBLE)),
    ("answer_public", ANONYMOUS),
)
# Where the instant asked goes: every answer's own "at" is stored blank, and no
# other "at" is ever blank (a handover's), nor can text inside a string match.
_BLANK_AT = '"at":null'


def render(value) -> str:
    """JSON as the API renders it (DRF's JSONRenderer: compact, UTF-8, U+2028 and
    U+2029 escaped), so a stored answer is sent as it is stored."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _blank_instants(described: dict) -> dict:
    described["at"] = None
    if described["fallback"]:
        _blank_instants(described["fallback"])
    if described["divert"] and described["divert"]["to_rota"]:
        _blank_instants(described["divert"]["to_rota"])
    return described


class _Rotas:
    """What building needs of each rota of a schedule, worked out once."""

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule
        self._changes: dict[int, set[datetime]] = {}

    def reach(self, rota_id: int) -> set[int]:
        """The rota, its fallback chain and where its diverts lead, within the schedule."""
        pending, found = [rota_id], set()
        while pending:
            current = pending.pop()
            if current in found or current not in self.schedule.rotas:
                continue
            found.add(current)
            pending.extend(d.to_rota_id for d in self.schedule.items_of("diverts", current)
                           if d.to_rota_id)
            if self.schedule.rotas[current].fallback_id:
                pending.append(self.schedule.rotas[current].fallback_id)
        return found

    def changes(self, rota_id: int) -> set[datetime]:
        """Instants where the rota's own answer may change: where a segment or a note
        starts or ends, and where a handover comes into or goes out of notice."""
        if rota_id not in self._changes:
            found = set()
            segments = resolve_timeline(self.schedule, rota_id)
            for segment in segments:
                found.update((segment.start, segment.end))
            spans = answer_spans(self.schedule, rota_id)
            for span in spans:
                # "at - since <= notice" and "until - at <= notice": both ends inclusive.
                found.update((span.start + HANDOVER_NOTICE + _JUST_AFTER,
                              span.end - HANDOVER_NOTICE))
            for note in self.schedule.notes:
                if note.rota_id == rota_id:
                    found.update((note.start, note.end))
            self._changes[rota_id] = found
        return self._changes[rota_id]


def _out_of_reach(answer: OnCallAnswer) -> set[datetime]:
    """Where "no change scheduled" starts or stops applying to the answer's instants
    (see :func:`finish`): its since four weeks on, its until and next four weeks
    before (a microsecond after: those comparisons include the day itself)."""
    found, pending = set(), [answer]
    while pending:
        current = pending.pop()
        if current.since:
            found.add(current.since + ANSWER_WINDOW)
        for instant in (current.until, current.next_from):
            if instant:
                found.add(instant - ANSWER_WINDOW + _JUST_AFTER)
        pending += [a for a in (current.divert_answer, current.fallback) if a is not None]
    return found


def rows_for(schedule: Schedule, rota_id: int, start: datetime, end: datetime,
             rotas: _Rotas | None = None) -> list[Row]:
    """The rota's stored answers over ``[start, end)``; ``schedule`` must reach four
    weeks and a day beyond both ends. Pure: no database, no clock.

    Each row's answer is the same at every instant of it but for the instant
    itself: rows split where any change the answer reports starts or ends,
    and where one of its instants comes into or goes out of four weeks' reach.
    """
    rotas = rotas or _Rotas(schedule)
    points = {start}
    for reached_id in rotas.reach(rota_id):
        points.update(p for p in rotas.changes(reached_id) if start < p < end)
    rows: list[Row] = []
    for lo, hi in pairwise([*sorted(points), end]):
        answer = answer_at(schedule, rota_id, lo)
        described = describe_answer(answer, schedule)
        cuts = sorted(p for p in _out_of_reach(answer) if lo < p < hi)
        for piece_start, piece_end in pairwise([lo, *cuts, hi]):
            finished = _blank_instants(finish(editable(described), piece_start))
            texts = [render(redact(finished, viewer)) for _, viewer in READERS]
            if rows and rows[-1].answer == texts[0]:
                rows[-1] = replace(rows[-1], end=piece_end)
            else:
                rows.append(Row(rota_id, piece_start, piece_end, *texts))
    return rows


@dataclass(frozen=True)
class Steps:
    """The rotas and roles that contact steps name, whose facts a build stores."""

    rota_ids: frozenset[int]
    roles: frozenset[str]


@dataclass(frozen=True)
class ContactRow:
    """What one contact step reaches over ``[start, end)`` (see :mod:`rota.contacts`)."""

    key: str
    start: datetime
    end: datetime
    facts: str


def contact_rows(schedule: Schedule, network_id: int, site_ids, start: datetime,
                 end: datetime, rotas: _Rotas | None = None, *,
                 steps: Steps | None = None) -> list[ContactRow]:
    """What the rota steps and the role steps (for a referrer at each of ``site_ids``)
    of ``steps`` (by default every rota and role of the network) reach over
    ``[start, end)``; ``schedule`` as for :func:`rows_for`. Pure.

    A step's facts change only where the answer of a rota it may reach changes,
    or where the network's hours begin or end (a role moves between its
    in-hours and out-of-hours rotas): rows split there, and nowhere else. What
    changes with distance (four weeks' reach) is finished when read
    (:func:`rota.contacts.finish_reached`). Sites that the same rotas serve
    share their role's facts, worked out once.
    """
    rotas = rotas or _Rotas(schedule)
    mine = sorted((r for r in schedule.rotas.values() if r.network_id == network_id),
                  key=lambda r: r.id)
    if steps is None:
        steps = Steps(frozenset(r.id for r in mine), frozenset(r.role for r in mine))

    def changes(rota_ids) -> set[datetime]:
        return {p for rota_id in rota_ids for reached_id in rotas.reach(rota_id)
                for p in rotas.changes(reached_id) if start < p < end}

    hours = {edge for edge in schedule.hours_edges(network_id) if start < edge < end}
    rows: list[ContactRow] = []
    for rota in mine:
        if rota.id in steps.rota_ids:
            rows += _timeline(rota_key(rota.id), changes([rota.id]), start, end,
                              lambda at, rota_id=rota.id: reached(schedule, at=at,
                                                                  rota_id=rota_id))
    for role in sorted(steps.roles):
        by_rotas: dict[tuple[int, ...], list[int]] = {}
        for site_id in site_ids:
            answering = tuple(r.id for r in mine
                              if r.role == role and (not r.serves or site_id in r.serves))
            by_rotas.setdefault(answering, []).append(site_id)
        for answering, sites in by_rotas.items():
            timeline = _timeline(
                "", changes(answering) | hours, start, end,
                lambda at, role=role, site_id=sites[0]: reached(
                    schedule, at=at, network_id=network_id, role=role, site_id=site_id),
            )
            rows += [replace(row, key=role_key(role, site_id))
                     for site_id in sites for row in timeline]
    return rows


def _timeline(key: str, points: set[datetime], start: datetime, end: datetime,
              facts_at) -> list[ContactRow]:
    rows: list[ContactRow] = []
    for lo, hi in pairwise([start, *sorted(points), end]):
        facts, _ = facts_at(lo)
        if facts["rotas"] == 1:
            _blank_instants(facts["answer"])
        text = json.dumps(facts, separators=(",", ":"))
        if rows and rows[-1].facts == text:
            rows[-1] = replace(rows[-1], end=hi)
        else:
            rows.append(ContactRow(key, lo, hi, text))
    return rows


@dataclass(frozen=True)
class Sources:
    """What an evaluation reads of a network besides its contacts: its calendar (with
    the closures of the horizon) and its hub, from all of its rotas."""

    calendar: NetworkCalendar
    hub: SiteInfo | None


@dataclass(frozen=True)
class Built:
    """Everything a network's build stores."""

    rows: list[Row]
    contacts: list[ContactRow]
    sources: Sources


def named_steps(network_id: int) -> Steps:
    """The rotas and roles named by contact steps of the network's versions that can
    be evaluated (published or retired): the only steps an evaluation asks the
    store for. A version published later moves the generation on (the triggers
    watch the pathway tables), so its steps are built before they are served;
    until then a step with nothing stored is worked out live."""
    step_model = apps.get_model("pathways", "ContactStep")
    named = (step_model.objects
             .filter(node__version__pathway__network_id=network_id)
             .exclude(node__version__status="draft")
             .values_list("rota_id", "role").distinct())
    return Steps(frozenset(rota_id for rota_id, _ in named if rota_id),
                 frozenset(role for _, role in named if role))


def network_build(network_id: int, start: datetime, end: datetime) -> Built:
    """Every rota and contact step of the network, read and resolved now (one schedule)."""
    schedule = load_schedule(network_ids=[network_id], start=start - _MARGIN,
                             end=end + _MARGIN)
    rotas = _Rotas(schedule)
    site_ids = sorted(Site.objects.filter(trust__network_id=network_id)
                      .values_list("id", flat=True))
    return Built(
        rows=[row for rota_id, rota in schedule.rotas.items() if rota.network_id == network_id
              for row in rows_for(schedule, rota_id, start, end, rotas)],
        contacts=contact_rows(schedule, network_id, site_ids, start, end, rotas,
                              steps=named_steps(network_id)),
        sources=Sources(schedule.calendars[network_id], network_hub(schedule, network_id)),
    )


def network_rows(network_id: int, start: datetime, end: datetime) -> list[Row]:
    """Every rota of the network's answers, read and resolved now."""
    return network_build(network_id, start, end).rows


def build(network_id: int, *, now: datetime) -> int:
    """Store the network's answers over the horizon on ``now``; the rows written.

    Reads the generation and the rota data in one snapshot (repeatable read on
    PostgreSQL), so the rows are exactly the answers of that generation; a
    write meanwhile moves the generation and they are never served.
    """
    start, end = horizon(now)
    with _snapshot():
        # A network nothing has written to since the triggers came has no count yet.
        generation = AnswerGeneration.objects.get_or_create(network_id=network_id)[0].generation
        built = network_build(network_id, start, end)
        StoredAnswer.objects.filter(network_id=network_id).delete()
        StoredAnswer.objects.bulk_create(
            [StoredAnswer(network_id=network_id, rota_id=r.rota_id, start=r.start, end=r.end,
                          answer=r.answer, answer_staff=r.answer_staff,
                          answer_public=r.answer_public) for r in built.rows],
            batch_size=2000,
        )
        StoredContact.objects.filter(network_id=network_id).delete()
        StoredContact.objects.bulk_create(
            [StoredContact(network_id=network_id, key=c.key, start=c.start, end=c.end,
                           facts=c.facts) for c in built.contacts],
            batch_size=2000,
        )
        AnswerBuild.objects.update_or_create(network_id=network_id, defaults={
            "generation": generation, "rules": RULES, "horizon_start": start,
            "horizon_end": end, "built_at": timezone.now(),
            "rows": len(built.rows) + len(built.contacts),
            "sources": pickle.dumps(built.sources, protocol=pickle.HIGHEST_PROTOCOL),
        })
    return len(built.rows) + len(built.contacts)


@contextmanager
def _snapshot():
    """A transaction whose reads all see one moment (repeatable read on PostgreSQL)."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def verify(network_id: int, *, samples: int, seed: int = 0) -> list[str]:
    """What is wrong with the network's stored answers, if served now: empty when right.

    Rebuilds the rows from the rota data and compares them with the stored
    ones, then compares ``samples`` stored answers per rota with live ones.
    A build that would not be served (a write since, other rules) is not
    checked: the next refresh replaces it.
    """
    with _snapshot():
        built = AnswerBuild.objects.filter(network_id=network_id).first()
        generation = AnswerGeneration.objects.filter(network_id=network_id).values_list(
            "generation", flat=True).first() or 0
        if built is None or built.generation != generation or built.rules != RULES:
            return []
        start, end = built.horizon_start, built.horizon_end
        stored = [
            Row(*row) for row in StoredAnswer.objects.filter(network_id=network_id)
            .order_by("rota_id", "start")
            .values_list("rota_id", "start", "end", *(column for column, _ in READERS))
        ]
        rebuilt = network_build(network_id, start, end)
        fresh = sorted(rebuilt.rows, key=lambda r: (r.rota_id, r.start))
        problems = [
            f"rota {mine.rota_id} from {iso(mine.start)}: the stored answer differs from "
            "the rota data" for mine, theirs in zip(stored, fresh, strict=False) if mine != theirs
        ]
        if len(stored) != len(fresh):
            problems.append(f"{len(stored)} stored answers where the rota data gives "
                            f"{len(fresh)}")
        problems += _contacts_differ(network_id, rebuilt.contacts)
        if problems:
            return problems
        graph = read_graph(Q(network_id=network_id))
        rng = random.Random(seed)
        seconds = int((end - start).total_seconds())
        by_rota: dict[int, list[Row]] = {}
        for row in stored:
            by_rota.setdefault(row.rota_id, []).append(row)
        for rota_id, rows in by_rota.items():
            for _ in range(samples):
                at = start + timedelta(seconds=rng.randrange(seconds))
                row = next(r for r in rows if r.start <= at < r.end)
                answer, schedule = answers_at(at, graph, rota_ids=[rota_id])[rota_id]
                live = describe_answer(answer, schedule)
                if finish(json.loads(row.answer), at) != live:
                    problems.append(f"rota {rota_id} at {iso(at)}: the stored answer differs "
                                    "from the live one")
        return problems + _contacts_not_live(network_id, start, end, samples, rng)


def _stored_contacts(network_id: int) -> list[ContactRow]:
    return [ContactRow(*row) for row in StoredContact.objects.filter(network_id=network_id)
            .order_by("key", "start").values_list("key", "start", "end", "facts")]


def _contacts_differ(network_id: int, fresh: list[ContactRow]) -> list[str]:
    """Where the stored contact facts differ from a build from the rota data now."""
    stored = _stored_contacts(network_id)
    fresh = sorted(fresh, key=lambda c: (c.key, c.start))
    problems = [f"{mine.key} from {iso(mine.start)}: the stored contact differs from the "
                "rota data" for mine, theirs in zip(stored, fresh, strict=False)
                if mine != theirs]
    if len(stored) != len(fresh):
        problems.append(f"{len(stored)} stored contacts where the rota data gives {len(fresh)}")
    return problems


def _contacts_not_live(network_id: int, start: datetime, end: datetime, samples: int,
                       rng: random.Random) -> list[str]:
    """``samples`` instants per stored contact step, its facts as served beside the
    facts worked out live over four weeks either side."""
    by_key: dict[str, list[ContactRow]] = {}
    for row in _stored_contacts(network_id):
        by_key.setdefault(row.key, []).append(row)
    seconds = int((end - start).total_seconds())
    problems = []
    for key, rows in by_key.items():
        for _ in range(samples):
            at = start + timedelta(seconds=rng.randrange(seconds))
            row = next(r for r in rows if r.start <= at < r.end)
            schedule = load_schedule(network_ids=[network_id], start=at - ANSWER_WINDOW,
                                     end=at + ANSWER_WINDOW)
            live, _ = contact_facts(schedule, network_id, key, at)
            if finish_reached(json.loads(row.facts), at) != json.loads(json.dumps(live)):
                problems.append(f"{key} at {iso(at)}: the stored contact differs from the "
                                "live one")
    return problems


def stale(now: datetime) -> list[int]:
    """The networks whose stored answers would not be served, or not for long."""
    start, _ = horizon(now)
    builds = {b.network_id: b for b in AnswerBuild.objects.all()}
    generations = dict(AnswerGeneration.objects.values_list("network_id", "generation"))
    result = []
    for network_id in Network.objects.order_by("id").values_list("id", flat=True):
        built = builds.get(network_id)
        if (built is None or built.rules != RULES or built.horizon_start != start
                or built.generation != generations.get(network_id, 0)):
            result.append(network_id)
    return result


def prune() -> None:
    """Drop the stored answers of networks that no longer exist."""
    gone = list(AnswerBuild.objects.exclude(network_id__in=Network.objects.values("id"))
                .values_list("network_id", flat=True))
    StoredAnswer.objects.filter(network_id__in=gone).delete()
    StoredContact.objects.filter(network_id__in=gone).delete()
    AnswerBuild.objects.filter(network_id__in=gone).delete()


def refresh(*, now: datetime) -> dict[int, int]:
    """Rebuild every network whose stored answers moved, aged or were built by other
    rules; drop those of networks no more. The rows written, by network."""
    built = {network_id: build(network_id, now=now) for network_id in stale(now)}
    prune()
    return built


# --- Reading ---------------------------------------------------------------

# Each rota's rows are consecutive and do not overlap, so its answer at an
# instant is its first row ending after it: one probe of the (rota, end)
# index per rota, however many rows the horizon holds.
_SERVED = """
SELECT a.rota_id, a.network_id, r.name, {column}
FROM rota_rota r
JOIN rota_storedanswer a ON a.id = (
    SELECT s.id FROM rota_storedanswer s
    WHERE s.rota_id = r.id AND s."end" > %s ORDER BY s."end" LIMIT 1
)
JOIN rota_answerbuild b ON b.network_id = r.network_id
JOIN rota_answergeneration g ON g.network_id = b.network_id AND g.generation = b.generation
WHERE {which} AND a.network_id = r.network_id AND a.start <= %s
  AND b.rules = %s AND b.horizon_start <= %s AND b.horizon_end > %s
"""
_ONE_ROTA = "r.slug = %s"
_ONE_NETWORK = "r.network_id = (SELECT n.id FROM rota_network n WHERE n.slug = %s)"
_EVERY_READER = tuple(name for name, _ in READERS)


@dataclass(frozen=True)
class Served:
    """Stored answers found for a question: the network's, each in the one rendering
    read for its reader there (``column``: a name of :data:`READERS`)."""

    network_id: int
    column: str
    rows: list[tuple]  # (rota id, rota name, the rendering)

    def json(self, viewer: Viewer, at: datetime) -> str:
        """The API's body, ``{"at": ..., "answers": [...]}``, as ``viewer`` may see it."""
        instant = render(iso(at))
        if self.column == _reader_column(viewer):
            texts = [row[2] for row in self.rows]
        elif self.column == "answer":  # a reader of another kind: redact the whole answer
            texts = [render(redact(json.loads(row[2]), viewer)) for row in self.rows]
        else:
            raise ValueError(f"Read as {self.column}, which this reader may not be sent.")
        answers = ",".join(texts).replace(_BLANK_AT, f'"at":{instant}')
        return f'{{"at":{instant},"answers":[{answers}]}}'


def _reader_column(viewer: Viewer) -> str | None:
    """The stored rendering that is exactly what ``viewer`` may see, if one is."""
    return next((name for name, reader in READERS
                 if (reader.sees_names, reader.visibilities)
                 == (viewer.sees_names, viewer.visibilities)), None)


def _column_read(viewer: Viewer) -> str:
    """The rendering read for ``viewer``: its own, or the whole answer to redact."""
    return _reader_column(viewer) or "answer"


def _served(which: str, slug: str, at: datetime, reader: Viewer,
            readers: dict[int, Viewer]) -> Served | None:
    # Only the rendering the caller is sent is read: the network decides it, so the
    # choice is made in the query (the renderings not chosen stay out of line).
    chosen = {network_id: _column_read(viewer) for network_id, viewer in readers.items()}
    branches, params = [], []
    for name in _EVERY_READER:
        ids = sorted(network_id for network_id, column in chosen.items() if column == name)
        if ids:
            branches.append(f"WHEN a.network_id IN ({', '.join(['%s'] * len(ids))}) "
                            f"THEN a.{name}")
            params += ids
    column = (f"CASE {' '.join(branches)} ELSE a.{_column_read(reader)} END" if branches
              else f"a.{_column_read(reader)}")
    moment = connection.ops.adapt_datetimefield_value(at)
    with connection.cursor() as cursor:
        cursor.execute(_SERVED.format(column=column, which=which),
                       [*params, moment, slug, moment, RULES, moment, moment])
        found = cursor.fetchall()
    if not found:
        return None
    network_id = found[0][1]
    # As live: by rota name, then id.
    return Served(network_id, chosen.get(network_id, _column_read(reader)),
                  sorted(((row[0], row[2], row[3]) for row in found),
                         key=lambda row: (row[1], row[0])))


def stored_answer(rota_slug: str, at: datetime, reader: Viewer = ANONYMOUS,
                  readers: dict[int, Viewer] | None = None) -> Served | None:
    """The rota's stored answer at ``at``, or None to answer live, for ``readers``'s
    viewer in its network if there is one there, else ``reader``'s."""
    return _served(_ONE_ROTA, rota_slug, at, reader, readers or {})


def stored_board(network_slug: str, at: datetime, reader: Viewer = ANONYMOUS,
                 readers: dict[int, Viewer] | None = None) -> Served | None:
    """Every rota's stored answer at ``at``, or None to answer live; the readers as
    for :func:`stored_answer`.

    A fresh build covers every rota of its network over its whole horizon
    (a rota added since moved the generation), so rows found are all rows.
    """
    return _served(_ONE_NETWORK, network_slug, at, reader, readers or {})
