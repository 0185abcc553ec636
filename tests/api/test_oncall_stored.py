"""On-call answers built ahead: the same answers as live, in one query, never stale."""

import json
import random
from datetime import UTC, timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from rota import answer_store, models, services
from tests.api.conftest import client_as
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london
from tests.pathways.conftest import make_pathway

NOW = london(2026, 5, 4, 2, 40).astimezone(UTC)  # Monday 4 May: a bank holiday
ROLES = ["anonymous", "referrer", "switchboard", "outsider", "token", "admin"]


@pytest.fixture
def busy(world, rotas, clock):
    """The API world's rotas with a month of changes: covers, leave, a divert, notes."""
    clock["now"] = NOW
    d = ClinicianFactory(name="Dr Delta", home_trust=world.trust_a)
    for day in range(5, 31):
        ShiftFactory(rota=rotas.ir, clinician=[rotas.a, rotas.b, d][day % 3], kind="rotation",
                     start=london(2026, 5, day, 8), end=london(2026, 5, day + 1, 8))
    ShiftFactory(rota=rotas.backup, clinician=rotas.c, start=london(2026, 5, 8, 8),
                 end=london(2026, 6, 5, 8))
    ShiftFactory(rota=rotas.day, clinician=d, start=london(2026, 5, 5, 8),
                 end=london(2026, 5, 5, 17))
    models.Cover.objects.create(rota=rotas.ir, covering=d, replaces=rotas.a,
                                start=london(2026, 5, 8, 20), end=london(2026, 5, 9, 2),
                                reason="Swap")
    models.Leave.objects.create(clinician=rotas.b, start=london(2026, 5, 10, 12),
                                end=london(2026, 5, 11, 12))
    models.Divert.objects.create(rota=rotas.ir, to_rota=rotas.backup,
                                 start=london(2026, 5, 12, 9), end=london(2026, 5, 12, 15),
                                 reason="Angio suite closed")
    models.Note.objects.create(rota=rotas.ir, start=london(2026, 5, 4, 1),
                               end=london(2026, 5, 4, 9), text="In theatre until 04:00")
    return rotas


def _ask(client, **params):
    return json.loads(_body(client, **params))


def _body(client, **params) -> bytes:
    cache.clear()  # the anonymous throttle counts in the cache
    response = client.get("/api/v1/oncall/", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.content


def _instants(network_id) -> list[str]:
    """Every stored row's first instant and the microsecond before it, and random ones."""
    rows = models.StoredAnswer.objects.filter(network_id=network_id).values_list("start",
                                                                               flat=True)
    start, end = answer_store.horizon(NOW)
    rng = random.Random(7)
    instants = set(rows) | {r - timedelta(microseconds=1) for r in rows if r > start}
    seconds = int((end - start).total_seconds())
    instants = set(rng.sample(sorted(instants), 60)) | {
        start + timedelta(seconds=rng.randrange(seconds)) for _ in range(40)
    }
    return sorted(i.isoformat() for i in instants)


def test_stored_answers_are_the_live_answers_for_every_caller(world, busy):
    """Controls H-28."""
    answer_store.build(world.network.id, now=NOW)
    instants = _instants(world.network.id)
    assert len(instants) == 100
    clients = {role: client_as(world, role) for role in ROLES}
    asked = [(role, params) for role in ROLES for at in instants
             for params in ({"rota": "lsc-ir", "at": at}, {"network": "lsc", "at": at})]
    stored = [_body(clients[role], **params) for role, params in asked]
    # A write anywhere in the network, then the same questions answered live.
    models.AnswerGeneration.objects.update(generation=F("generation") + 1)
    live = [_body(clients[role], **params) for role, params in asked]
    for (role, params), mine, theirs in zip(asked, stored, live, strict=True):
        assert mine == theirs, (role, params)  # byte for byte


def test_a_stored_answer_costs_one_query(world, busy):
    models.AnswerGeneration.objects.all().delete()  # as after the migration: no writes yet
    answer_store.build(world.network.id, now=NOW)
    client = client_as(world, "anonymous")
    for params in ({"rota": "lsc-ir"}, {"network": "lsc"}):
        with CaptureQueriesContext(connection) as queries:
            _ask(client, at="2026-05-12T10:00", **params)
        assert len(queries) == 1, [q["sql"] for q in queries]


@pytest.mark.parametrize(("role", "column"), [
    ("anonymous", "answer_public"), ("outsider", "answer_public"),
    ("referrer", "answer_staff"), ("switchboard", "answer"), ("token", "answer"),
    ("admin", "answer"),
])
def test_each_caller_reads_only_the_rendering_it_is_sent(world, busy, monkeypatch, role,
                                                         column):
    """Controls H-28. The rendering is chosen in the query, by the caller's role in the
    rota's network (the others are kept out of line and not fetched)."""
    from rota import api

    answer_store.build(world.network.id, now=NOW)
    read = []

    def spy(*args):
        served = answer_store.stored_answer(*args)
        read.append(served.column)
        return served

    monkeypatch.setattr(api, "stored_answer", spy)
    _ask(client_as(world, role), rota="lsc-ir", at="2026-05-12T10:00")
    assert read == [column]


def test_a_cover_shows_in_the_very_next_answer(world, busy):
    """Controls H-28."""
    answer_store.refresh(now=NOW)
    client = client_as(world, "switchboard")
    before = _ask(client, rota="lsc-ir", at="2026-05-06T03:00")["answers"][0]
    assert [c["name"] for c in before["clinicians"]] == ["Dr Delta"]
    delta = models.Clinician.objects.get(name="Dr Delta")
    services.cover_create(rota=busy.ir, covering=busy.a, replaces=delta,
                          start=london(2026, 5, 6, 0), end=london(2026, 5, 6, 8),
                          reason="Swap", user=world.coordinator)
    after = _ask(client, rota="lsc-ir", at="2026-05-06T03:00")["answers"][0]
    assert [c["name"] for c in after["clinicians"]] == ["Dr Alpha"]
    # Rebuilt: served from the store again, with the cover.
    assert set(answer_store.refresh(now=NOW)) == {world.network.id}
    with CaptureQueriesContext(connection) as queries:
        again = _ask(client_as(world, "anonymous"), rota="lsc-ir", at="2026-05-06T03:00")
    assert len(queries) == 1
    assert again["answers"][0]["clinicians"][0]["source"] == "cover"


def test_outside_the_horizon_or_under_other_rules_answers_are_live(world, busy, monkeypatch):
    """Controls H-28."""
    answer_store.build(world.network.id, now=NOW)
    client = client_as(world, "anonymous")
    for at in ("2026-04-30T12:00", "2026-06-02T12:00"):
        with CaptureQueriesContext(connection) as queries:
            _ask(client, rota="lsc-ir", at=at)
        assert len(queries) > 1
    monkeypatch.setattr(answer_store, "RULES", "another-release")
    with CaptureQueriesContext(connection) as queries:
        _ask(client, rota="lsc-ir", at="2026-05-12T10:00")
    assert len(queries) > 1
    assert world.network.id in answer_store.stale(NOW)


def test_refresh_rebuilds_what_moved_and_only_that(world, busy):
    """Controls H-28."""
    other = world.other_network
    assert set(answer_store.refresh(now=NOW)) == {world.network.id, other.id}
    assert answer_store.refresh(now=NOW) == {}
    RotaFactory(network=other, based_at=busy.elsewhere.based_at)
    assert set(answer_store.refresh(now=NOW)) == {other.id}
    # A new day moves the horizon: everything is rebuilt.
    assert set(answer_store.refresh(now=NOW + timedelta(days=1))) == {world.network.id,
                                                                      other.id}


def test_verify_timelines_finds_a_tampered_answer(world, busy, capsys):
    """Controls H-28."""
    call_command("refresh_answers")
    call_command("verify_timelines", "--samples", "5")
    assert "agree" in capsys.readouterr().out
    row = models.StoredAnswer.objects.filter(network_id=world.network.id).first()
    models.StoredAnswer.objects.filter(pk=row.pk).update(answer=row.answer.replace(
        '"status":"', '"status":"not '))
    with pytest.raises(CommandError, match="differ"):
        call_command("verify_timelines", "--samples", "5")
    assert "the stored answer differs from the rota data" in capsys.readouterr().err


def test_a_network_gone_leaves_no_stored_answers(world, busy):
    answer_store.refresh(now=NOW)
    other = world.other_network
    models.StoredAnswer.objects.create(network_id=999999, rota_id=1, start=NOW,
                                       end=NOW + timedelta(hours=1), answer="{}")
    models.AnswerBuild.objects.create(network_id=999999, generation=0, rules="x",
                                      horizon_start=NOW, horizon_end=NOW, built_at=NOW)
    answer_store.refresh(now=NOW)
    assert not models.StoredAnswer.objects.filter(network_id=999999).exists()
    assert models.AnswerBuild.objects.filter(network_id=other.id).exists()


def test_a_reader_of_another_kind_gets_the_whole_answer_redacted_for_them(world, busy):
    """Controls H-28. A reader with no rendering of its own: the whole answer, redacted."""
    from rota.presentation import redact
    from rota.visibility import PUBLIC_ONLY, Viewer

    answer_store.build(world.network.id, now=NOW)
    unusual = Viewer(True, PUBLIC_ONLY)
    served = answer_store.stored_answer("lsc-ir", NOW, unusual)
    assert served.column == "answer"
    body = json.loads(served.json(unusual, NOW))
    whole = json.loads(served.json(Viewer(True, answer_store.READERS[0][1].visibilities), NOW))
    assert body["answers"] == [redact(a, unusual) for a in whole["answers"]]
    assert body["answers"][0]["clinicians"][0]["contacts"] == [
        c for c in whole["answers"][0]["clinicians"][0]["contacts"] if c["visibility"] == "public"
    ]


def test_a_rendering_read_for_one_reader_is_not_sent_to_another(world, busy):
    """Controls H-28. A public rendering is less than a referrer may see: never sent in
    its place."""
    from rota.visibility import STAFF_VISIBLE, Viewer

    answer_store.build(world.network.id, now=NOW)
    served = answer_store.stored_answer("lsc-ir", NOW)
    assert served.column == "answer_public"
    with pytest.raises(ValueError, match="answer_public"):
        served.json(Viewer(True, STAFF_VISIBLE), NOW)


def _random_write(rng, world, rotas, ir_rotas, people):
    """One write of a kind that changes answers, through the services or the ORM."""
    day = rng.randrange(3, 28)
    start = london(2026, 5, day, rng.choice([0, 8, 17, 20]))
    end = start + timedelta(hours=rng.choice([1, 9, 15, 24]))
    rota, who = rng.choice(ir_rotas), rng.choice(people)
    kinds = ["shift", "cover", "leave", "divert", "note", "closure", "fallback",
             "coverage", "contact", "working day", "shift moved", "shift deleted"]
    if not models.Shift.objects.filter(rota=rota).exists():
        kinds = ["shift"]
    kind = rng.choice(kinds)
    if kind == "shift":
        ShiftFactory(rota=rota, clinician=who, start=start, end=end, kind="manual")
    elif kind == "cover":
        replaces = rng.choice(people)
        models.Cover.objects.create(rota=rota, covering=who, start=start, end=end,
                                    replaces=None if replaces == who else replaces,
                                    reason="Swap")
    elif kind == "leave":
        services.leave_create(clinician=who, start=start, end=end, reason="Sick")
    elif kind == "divert":
        models.Divert.objects.create(rota=rota, to_rota=rotas.backup if rota != rotas.backup
                                     else None, contact_label="Vascular registrar",
                                     contact_number="01772 716565", start=start, end=end,
                                     reason="Suite closed")
    elif kind == "note":
        models.Note.objects.create(rota=rota, start=start, end=end, text="In theatre")
    elif kind == "closure":
        models.ClosureDate.objects.get_or_create(network=world.network, date=start.date(),
                                                 defaults={"reason": "Local holiday"})
    elif kind == "fallback":
        models.Rota.objects.filter(pk=rotas.day.pk).update(
            fallback=rng.choice([None, rotas.backup.pk]))
    elif kind == "coverage":
        models.Rota.objects.filter(pk=rota.pk).update(
            required_coverage=rng.choice(["always", "in_hours", "out_of_hours"]))
    elif kind == "contact":
        models.ContactMethod.objects.create(clinician=who, kind="mobile", value="07700 900999",
                                            visibility=rng.choice(["public", "switchboard"]))
    elif kind == "working day":
        models.Network.objects.filter(pk=world.network.pk).update(
            working_day_start=rng.choice(["08:00", "09:00"]))
    elif kind == "shift moved":
        first = models.Shift.objects.filter(rota=rota).order_by("start").first()
        models.Shift.objects.filter(pk=first.pk).update(end=first.end + timedelta(hours=1))
    else:
        models.Shift.objects.filter(rota=rota).order_by("-start").first().delete()
    return kind


# A pathway whose one outcome names a role, beside ``bleeding-ir``'s rota steps.
SECOND_ON_CALL = [
    {"key": "second", "kind": "question", "text": "Second on call?",
     "options": [{"key": "yes", "text": "Yes", "next": "o-second"},
                 {"key": "no", "text": "No", "next": "o-second"}]},
    {"key": "o-second", "kind": "outcome", "text": "Second on call", "urgency": "urgent",
     "instructions": "Call.", "steps": [{"kind": "role", "role": "ir-backup"}]},
]


@pytest.mark.parametrize("seed", range(4))
def test_after_random_writes_the_store_is_never_stale_and_rebuilds_equal(world, busy, pathway,
                                                                         seed):
    """Controls H-28. After each random write the stored answers are not served; rebuilt,
    they equal answers worked out from scratch, row by row and against live answers;
    and so do the contacts of the pathways' rota and role steps."""
    rng = random.Random(seed)
    rotas = busy
    models.Rota.objects.filter(pk=rotas.backup.pk).update(role="ir-backup")
    make_pathway(world, slug="second", nodes=SECOND_ON_CALL, root="second", user=world.lead)
    ir_rotas = [rotas.ir, rotas.backup, rotas.day]
    people = [rotas.a, rotas.b, rotas.c, models.Clinician.objects.get(name="Dr Delta")]
    for _ in range(6):
        answer_store.build(world.network.id, now=NOW)
        assert answer_store.stored_answer("lsc-ir", NOW) is not None
        kind = _random_write(rng, world, rotas, ir_rotas, people)
        assert world.network.id in answer_store.stale(NOW), kind
        assert answer_store.stored_answer("lsc-ir", NOW) is None, kind
    answer_store.build(world.network.id, now=NOW)
    assert models.StoredContact.objects.filter(key__startswith="role:").exists()
    assert answer_store.verify(world.network.id, samples=6, seed=seed) == []


@pytest.mark.parametrize("every", ["-1", "nan", "inf"])
def test_refresh_answers_refuses_a_pause_that_is_not_a_number_of_seconds(every):
    with pytest.raises(CommandError, match="--every must be a number of seconds"):
        call_command("refresh_answers", "--every", every)


def test_verify_timelines_refuses_a_negative_sample(db):
    with pytest.raises(CommandError, match="--samples must be 0 or more"):
        call_command("verify_timelines", "--samples", "-3")


def test_refresh_answers_keeps_going_when_a_build_loses_a_race(world, busy, monkeypatch,
                                                               capsys):
    from django.db import OperationalError

    def raced(network_id, *, now):
        raise OperationalError("could not serialize access due to concurrent update")

    monkeypatch.setattr(answer_store, "build", raced)
    call_command("refresh_answers")
    assert "not rebuilt" in capsys.readouterr().err
    assert not models.StoredAnswer.objects.exists()
