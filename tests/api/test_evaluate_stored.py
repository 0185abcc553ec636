"""Evaluations from what was built ahead: the same bodies as live, in one query, never stale.

Controls H-28 for the pathway surfaces: a stored contact is served only at
the generation it was built at, and is the live one, field for field, through
both clock changes and a bank holiday.
"""

import json
import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.london import LONDON
from pathways import ready
from pathways.models import ReadyTree
from pathways.publishing import version_create_draft, version_publish
from pathways.selectors import load_evaluation_context
from rota import answer_store, models
from rota.contacts import ANY_SITE, role_key, role_key_any_site, rota_key
from tests.api.conftest import client_as
from tests.factories import RotaFactory, ShiftFactory, london
from tests.pathways.conftest import make_pathway

EVALUATE = "/api/v1/pathways/stored-ir/evaluate/"

# Build instants: the week of the spring change (29 March), the bank holiday of
# 4 May, and the week of the autumn change (25 October), all in 2026.
SPRING = london(2026, 3, 27, 12).astimezone(UTC)
BANK_HOLIDAY = london(2026, 5, 4, 2, 40).astimezone(UTC)
AUTUMN = london(2026, 10, 23, 12).astimezone(UTC)

NODES = [
    {"key": "what", "kind": "question", "text": "What is needed?",
     "options": [{"key": "ir", "text": "IR now", "next": "where"},
                 {"key": "role", "text": "Whoever answers IR", "next": "o-role"},
                 {"key": "backup", "text": "The second on call", "next": "o-backup"}]},
    {"key": "where", "kind": "referring_site", "text": "Referring site",
     "branches": [{"condition": "site", "site": "RXN01", "next": "o-transfer"},
                  {"condition": "default", "next": "o-ir"}]},
    {"key": "o-ir", "kind": "outcome", "text": "IR consultant now", "urgency": "immediate",
     "instructions": "Call now.",
     "steps": [{"kind": "rota", "rota": "lsc-ir", "instruction": "The IR consultant"},
               {"kind": "role", "role": "ir-backup", "instruction": "If no answer"},
               {"kind": "fixed", "label": "Royal Preston switchboard",
                "number": "01772716565", "instruction": "If there is still no answer"}]},
    {"key": "o-transfer", "kind": "outcome", "text": "Transfer", "urgency": "urgent",
     "instructions": "Transfer.", "transfer_site": "RXN02", "transfer_text": "Royal Preston",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "Accepting IR"}]},
    {"key": "o-role", "kind": "outcome", "text": "Whoever answers", "urgency": "urgent",
     "instructions": "Call.",
     "steps": [{"kind": "role", "role": "ir-consultant", "instruction": "IR"},
               {"kind": "rota", "rota": "lsc-ir", "instruction": "Out of hours"}]},
    {"key": "o-backup", "kind": "outcome", "text": "Second on call", "urgency": "routine",
     "instructions": "Call.",
     "steps": [{"kind": "role", "role": "ir-backup", "instruction": "Second on call"}]},
]
ANSWERS = [{"what": "ir"}, {"what": "role"}, {"what": "backup"}]
SITES = ["RXN01", "RXN02", "RXR01"]


@pytest.fixture
def network(world, rotas):
    """The API world's rotas as roles: IR out of hours, two in-hours lists (Preston and
    Chorley; Blackburn), a backup; shifts through both clock changes and May."""
    rotas.ir.required_coverage = "out_of_hours"
    rotas.ir.save()
    rotas.backup.role = "ir-backup"
    rotas.backup.save()
    rotas.day.serves.set([world.preston, world.chorley])
    east = RotaFactory(network=world.network, slug="lsc-ir-east", name="East IR list",
                       based_at=world.blackburn, required_coverage="in_hours")
    east.serves.set([world.blackburn])
    people = [rotas.a, rotas.b, rotas.c]
    for first in (date(2026, 3, 20), date(2026, 4, 27), date(2026, 10, 16)):
        for n in range(40):
            day, following = first + timedelta(days=n), first + timedelta(days=n + 1)
            ShiftFactory(rota=rotas.ir, clinician=people[n % 3],
                         start=_at(day, 17), end=_at(following, 8))
            if n % 4:  # a gap every fourth day: the fallback's own gap
                ShiftFactory(rota=rotas.backup, clinician=people[(n + 1) % 3],
                             start=_at(day, 8), end=_at(following, 8))
            for list_rota in (rotas.day, east):
                ShiftFactory(rota=list_rota, clinician=people[(n + 2) % 3],
                             start=_at(day, 8), end=_at(day, 17))
    models.Divert.objects.create(rota=rotas.ir, to_rota=rotas.backup,
                                 start=london(2026, 5, 12, 20), end=london(2026, 5, 13, 2),
                                 reason="Angio suite closed")
    pathway, _ = make_pathway(world, slug="stored-ir", nodes=NODES, root="what",
                              user=world.lead)
    return pathway


def _at(day: date, hour: int) -> datetime:
    return london(day.year, day.month, day.day, hour)


# The days asked about whenever the horizon holds them: both clock changes, a bank holiday.
SPECIAL_DAYS = [date(2026, 3, 29), date(2026, 5, 4), date(2026, 10, 25)]


def _instants(now: datetime) -> list[str]:
    """Handovers and the hours' edges in London (and the microsecond before) on a few
    days of the horizon, the hours either side of a clock change, and random instants."""
    start, end = answer_store.horizon(now)
    rng = random.Random(int(now.timestamp()))
    first = start.astimezone(LONDON).date()
    days = {first + timedelta(days=rng.randrange(28)) for _ in range(5)} | set(SPECIAL_DAYS)
    found = {start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
             for _ in range(12)}
    for day in days:
        for hour in (8, 17):
            edge = _at(day, hour)
            found |= {edge, edge - timedelta(microseconds=1)}
        midnight = datetime.combine(day, time(), tzinfo=LONDON).astimezone(UTC)
        found |= {midnight + timedelta(minutes=minutes) for minutes in (30, 90, 150)}
    return sorted(i.isoformat() for i in found if start <= i < end)


def _bodies(world, asked) -> list[bytes]:
    clients = {role: client_as(world, role) for role in ("referrer", "anonymous")}
    bodies = []
    for role, at, site, answers in asked:
        cache.clear()  # the anonymous throttle counts in the cache
        response = clients[role].post(EVALUATE, {"referring_site": site, "answers": answers,
                                                 "at": at}, format="json")
        assert response.status_code == 200, response.content
        bodies.append(response.content)
    return bodies


@pytest.mark.parametrize("now", [SPRING, BANK_HOLIDAY, AUTUMN], ids=["spring", "bank", "autumn"])
def test_stored_evaluations_are_the_live_evaluations(world, network, clock, now):
    """Controls H-28."""
    clock["now"] = now
    answer_store.build(world.network.id, now=now)
    rng = random.Random(5)
    asked = [(rng.choice(["referrer", "anonymous"]), at, site, answers)
             for at in _instants(now) for site in SITES for answers in ANSWERS
             if rng.random() < 0.4]
    with CaptureQueriesContext(connection) as queries:
        stored = _bodies(world, asked)
    assert ReadyTree.objects.count() == 1
    assert not [q for q in queries.captured_queries if '"rota_shift"' in q["sql"]]
    models.AnswerBuild.objects.all().delete()
    live = _bodies(world, asked)
    outcomes = {json.loads(body)["outcome"]["key"] for body in stored}
    assert outcomes == {"o-ir", "o-transfer", "o-role", "o-backup"}
    for question, mine, theirs in zip(asked, stored, live, strict=True):
        assert json.loads(mine) == json.loads(theirs), question
        assert mine == theirs, question


def test_a_stored_evaluation_is_one_query_for_its_referring_site(world, network, clock,
                                                                django_assert_num_queries):
    """Controls H-28. The ready tree, the build and the contacts the tree names for the
    referrer's site are one statement; asked for another site, that site's contacts are a
    second query, and the outcome is the same."""
    clock["now"] = BANK_HOLIDAY
    answer_store.build(world.network.id, now=BANK_HOLIDAY)
    version = network.versions.get(number=1)
    load_evaluation_context(version, BANK_HOLIDAY)  # keeps the ready tree
    with django_assert_num_queries(1):
        mine = load_evaluation_context(version, BANK_HOLIDAY, site_id=world.blackburn.id
                                       ).evaluate(answers={"what": "ir"},
                                                  referring_site=world.blackburn)
    with django_assert_num_queries(2):
        other = load_evaluation_context(version, BANK_HOLIDAY, site_id=world.preston.id
                                        ).evaluate(answers={"what": "ir"},
                                                   referring_site=world.blackburn)
    assert mine.outcome.key == "o-ir"
    assert mine.as_dict() == other.as_dict()


def test_a_ready_tree_keeps_the_keys_of_its_steps(world, network, clock):
    """Controls H-28. Every rota step's key, and every role step's for any site."""
    clock["now"] = BANK_HOLIDAY
    answer_store.build(world.network.id, now=BANK_HOLIDAY)
    load_evaluation_context(network.versions.get(number=1), BANK_HOLIDAY)
    kept = ReadyTree.objects.get()
    assert json.loads(kept.keys) == sorted([
        rota_key(network.network.rotas.get(slug="lsc-ir").id),
        role_key_any_site("ir-backup"), role_key_any_site("ir-consultant"),
    ])
    assert role_key_any_site("ir-backup").replace(ANY_SITE, str(world.preston.id)) == (
        role_key("ir-backup", world.preston.id))


def test_every_named_step_is_stored_for_every_site_and_nothing_else(world, network):
    """Controls H-28. Every step an evaluation may ask for is stored, for every site."""
    answer_store.build(world.network.id, now=BANK_HOLIDAY)
    keys = set(models.StoredContact.objects.values_list("key", flat=True))
    sites = [world.preston.id, world.chorley.id, world.blackburn.id]
    assert keys == {rota_key(network.network.rotas.get(slug="lsc-ir").id)} | {
        role_key(role, site) for role in ("ir-consultant", "ir-backup") for site in sites
    }


# 03:00 on the bank holiday, from Blackburn: Dr Alpha is on call, until a cover for Dr Charlie.
NIGHT_ASK = {"referring_site": "RXR01", "answers": {"what": "ir"},
             "at": "2026-05-04T03:00:00+01:00"}


def _first_on_call(client) -> str:
    body = client.post(EVALUATE, NIGHT_ASK, format="json").json()
    return body["outcome"]["contacts"][0]["answer"]["clinicians"][0]["name"]


def _cover_by_charlie(rotas):
    models.Cover.objects.create(rota=rotas.ir, covering=rotas.c, replaces=rotas.a,
                                start=london(2026, 5, 4, 2), end=london(2026, 5, 4, 4))


@pytest.fixture
def night_client(world, network, clock):
    """A referrer's client, with the store built on the bank holiday."""
    clock["now"] = BANK_HOLIDAY
    answer_store.build(world.network.id, now=BANK_HOLIDAY)
    client = client_as(world, "referrer")
    assert _first_on_call(client) == "Dr Alpha"
    return client


def test_a_write_between_the_two_reads_is_answered_live(night_client, world, network, rotas,
                                                        monkeypatch):
    """Controls H-28. Contacts not read with the tree (here, no referring site was
    given) are a second read: a write landing between the two makes it live."""
    real = ready.StoredSources._read

    def cover_meanwhile(self, keys, at):
        _cover_by_charlie(rotas)
        return real(self, keys, at)

    monkeypatch.setattr(ready.StoredSources, "_read", cover_meanwhile)
    at = datetime.fromisoformat(NIGHT_ASK["at"])
    evaluation = load_evaluation_context(network.versions.get(number=1), at).evaluate(
        answers={"what": "ir"}, referring_site=world.blackburn)
    first = evaluation.as_dict()["outcome"]["contacts"][0]["answer"]["clinicians"][0]
    assert first["name"] == "Dr Charlie"


def test_a_cover_shows_in_the_very_next_evaluation(night_client, rotas):
    """Controls H-28. A cover moves the generation: the next evaluation is live."""
    _cover_by_charlie(rotas)
    with CaptureQueriesContext(connection) as queries:
        assert _first_on_call(night_client) == "Dr Charlie"
    assert any('"rota_shift"' in q["sql"] for q in queries.captured_queries)  # worked out live


def test_a_draft_edit_keeps_the_build_and_publishing_moves_it_on(world, network):
    """Controls H-28. Drafts are never served; publishing moves the network on."""
    answer_store.build(world.network.id, now=BANK_HOLIDAY)
    generation = models.AnswerGeneration.objects.get(network_id=world.network.id).generation
    draft = version_create_draft(pathway=network, user=world.lead)
    node = draft.nodes.get(key="o-backup")
    node.text = "The second on call, now"
    node.save()
    assert models.AnswerGeneration.objects.get(network_id=world.network.id).generation == generation
    version_publish(version=draft, user=world.lead, now=BANK_HOLIDAY)
    assert models.AnswerGeneration.objects.get(network_id=world.network.id).generation > generation
    assert world.network.id in answer_store.stale(BANK_HOLIDAY)


def test_verify_finds_a_tampered_contact(world, network):
    """Controls H-28. verify_timelines finds a stored contact that differs."""
    answer_store.build(world.network.id, now=BANK_HOLIDAY)
    assert answer_store.verify(world.network.id, samples=3) == []
    row = models.StoredContact.objects.filter(key__startswith="role:").first()
    facts = json.loads(row.facts)
    facts["until"] = None
    models.StoredContact.objects.filter(pk=row.pk).update(facts=json.dumps(facts))
    # A tampered row does not move the generation (no trigger watches the store).
    problems = answer_store.verify(world.network.id, samples=3)
    assert any(row.key in problem for problem in problems)
