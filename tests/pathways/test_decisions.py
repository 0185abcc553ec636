"""The decision log: only for now, on the published version; append-only."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from pathways import decisions
from pathways.errors import EvaluationError, FrozenError
from pathways.models import Decision
from pathways.presentation import decision_as_dict
from pathways.publishing import version_create_draft, version_publish
from pathways.selectors import evaluate_version, load_evaluation_context
from rota.access import ANONYMOUS, viewer_for
from tests.factories import london
from tests.pathways.conftest import make_pathway, wide_nodes

NOW = london(2026, 3, 18, 22, 15)  # a Wednesday night: out of hours


def record(version, world, *, answers=None, at=None, now=NOW, user=None, site=None):
    return decisions.referral_record(
        version=version, answers=answers or {}, referring_site=site or world.chorley,
        user=user, at=at, now=now, channel="web",
    )


def test_referral_record_logs_a_completed_evaluation_for_now(world, published, rotas):
    _, v1 = published
    evaluation, decision = record(v1, world, at=NOW, user=world.referrer_a)
    assert evaluation.outcome.key == "o-transfer"
    assert re.fullmatch(r"IR-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{2}", decision.reference)
    decision.refresh_from_db()
    assert (decision.version, decision.referring_site, decision.user, decision.channel) == (
        v1, world.chorley, world.referrer_a, "web"
    )
    assert (decision.at, decision.created_at) == (NOW, NOW)
    assert decision.answers == [
        {"node": "when", "kind": "time_window", "text": "In hours or out of hours",
         "answer": "out_of_hours", "answer_text": "Out of hours: after 17:00", "automatic": True},
        {"node": "where", "kind": "referring_site", "text": "Referring site", "answer": "site",
         "answer_text": "Referring site: Chorley and South Ribble Hospital", "automatic": True},
    ]
    assert decision.outcome["title"] == "Transfer to Royal Preston"
    assert decision.outcome["transfer"]["text"] == "Royal Preston IR suite"
    contact = decision.outcome["contacts"][0]
    assert contact["answer"]["rota"]["slug"] == "ir-night"
    assert [c["name"] for c in contact["answer"]["clinicians"]] == ["Dr Night"]
    assert [m["visibility"] for m in contact["answer"]["clinicians"][0]["contacts"]] == [
        "switchboard", "staff",
    ]


def test_referral_record_without_an_instant_means_now(world, published):
    _, v1 = published
    _, decision = record(v1, world, at=None)
    assert decision.at == NOW


def test_referral_record_more_than_two_minutes_from_now_is_a_preview(world, published):
    _, v1 = published
    for at in (NOW + timedelta(hours=1), NOW - timedelta(minutes=2, seconds=1)):
        evaluation, decision = record(v1, world, at=at)
        assert (evaluation.outcome.key, decision) == ("o-transfer", None)
    assert Decision.objects.count() == 0


def test_referral_record_within_two_minutes_of_now_is_logged(world, published):
    # A client whose clock is a little out still makes a real referral.
    _, v1 = published
    _, decision = record(v1, world, at=NOW - timedelta(minutes=2))
    assert (decision.at, decision.created_at) == (NOW - timedelta(minutes=2), NOW)


def test_referral_record_asked_as_a_preview_logs_nothing(world, published):
    _, v1 = published
    evaluation, decision = decisions.referral_record(
        version=v1, answers={}, referring_site=world.chorley, user=None, at=None, now=NOW,
        channel="api", preview=True,
    )
    assert (evaluation.is_complete, decision) == (True, None)
    assert Decision.objects.count() == 0


def test_referral_record_on_a_draft_is_a_preview(world, published):
    """Controls H-25."""
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=None)
    evaluation, decision = record(draft, world)
    assert (evaluation.is_complete, decision) == (True, None)
    assert Decision.objects.count() == 0


def test_referral_record_draft_published_during_its_preview_stays_a_preview(world, published):
    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=None)
    seen_as_draft = type(draft).objects.get(pk=draft.pk)
    version_publish(version=draft, user=None, now=NOW - timedelta(seconds=1))
    evaluation, decision = record(seen_as_draft, world)
    assert (evaluation.tree.status, decision) == ("published", None)
    assert Decision.objects.count() == 0


@pytest.mark.parametrize("retired_before", [timedelta(seconds=1), timedelta(minutes=59),
                                            timedelta(hours=1)])
def test_referral_record_on_a_version_retired_within_the_hour_is_logged_and_flagged(
    world, published, retired_before
):
    """Controls H-20."""
    pathway, v1 = published
    draft = version_create_draft(pathway=pathway, user=None)
    version_publish(version=draft, user=None, now=NOW - retired_before)
    v1.refresh_from_db()
    _, decision = record(v1, world)
    assert (decision.version, decision.superseded_during_referral) == (v1, True)
    draft.refresh_from_db()
    _, current = record(draft, world)
    assert (current.version, current.superseded_during_referral) == (draft, False)


def test_referral_record_on_a_version_retired_over_an_hour_ago_is_refused(world, published):
    pathway, v1 = published
    draft = version_create_draft(pathway=pathway, user=None)
    version_publish(version=draft, user=None, now=NOW - timedelta(hours=1, seconds=1))
    v1.refresh_from_db()
    with pytest.raises(decisions.VersionRetired) as caught:
        record(v1, world)
    assert caught.value.message == (
        "Version 1 of Vascular test was replaced by version 2 at 21:14 on Wed 18 Mar 2026 (GMT), "
        "more than an hour ago. Start again on version 2."
    )
    assert Decision.objects.count() == 0
    # As an explicit preview it may still be read.
    _, decision = decisions.referral_record(
        version=v1, answers={}, referring_site=world.chorley, user=None, at=None, now=NOW,
        channel="api", preview=True,
    )
    assert decision is None


def test_referral_record_before_the_outcome_logs_nothing(world, published):
    _, v1 = published
    morning = london(2026, 3, 18, 10)
    evaluation, decision = record(v1, world, at=morning, now=morning)
    assert (evaluation.question.key, decision) == ("bleeding", None)
    assert Decision.objects.count() == 0


def test_referral_record_with_wrong_answers_raises_and_logs_nothing(world, published):
    _, v1 = published
    with pytest.raises(EvaluationError) as caught:
        record(v1, world, answers={"bleeding": "yes"})
    assert (caught.value.code, caught.value.node_key) == ("not_on_path", "bleeding")
    assert Decision.objects.count() == 0


def test_referral_record_anonymous_user_is_stored_as_none(world, published):
    _, v1 = published
    _, decision = record(v1, world, user=AnonymousUser())
    assert decision.user is None


def test_decision_cannot_be_changed_or_deleted(world, published):
    _, v1 = published
    _, decision = record(v1, world)
    decision.channel = "api"
    with pytest.raises(FrozenError):
        decision.save()
    with pytest.raises(FrozenError):
        decision.delete()
    with pytest.raises(FrozenError):
        Decision.objects.filter(pk=decision.pk).update(channel="api")
    with pytest.raises(FrozenError):
        Decision.objects.all().delete()
    assert Decision.objects.get(pk=decision.pk).channel == "web"


def test_decision_blocks_deleting_its_user(world, published):
    from django.db.models import ProtectedError

    _, v1 = published
    record(v1, world, user=world.referrer_a)
    with pytest.raises(ProtectedError):
        world.referrer_a.delete()


def _two_decisions_drawing_one_reference_twice(world, version, monkeypatch):
    drawn = iter(["IR-AAAA-AA", "IR-AAAA-AA", "IR-BBBB-BB"])
    monkeypatch.setattr(decisions, "new_reference", lambda: next(drawn))
    _, first = record(version, world)
    _, second = record(version, world)
    assert (first.reference, second.reference) == ("IR-AAAA-AA", "IR-BBBB-BB")
    assert Decision.objects.count() == 2


def test_decision_reference_retries_when_taken(world, published, monkeypatch):
    _two_decisions_drawing_one_reference_twice(world, published[1], monkeypatch)


def test_decision_reference_retries_when_taken_outside_a_transaction(
    transactional_db, world, published, monkeypatch
):
    # As a request runs (autocommit): the decision's INSERT alone, without a transaction.
    assert not connection.in_atomic_block
    _two_decisions_drawing_one_reference_twice(world, published[1], monkeypatch)


def test_new_reference_avoids_ambiguous_characters():
    references = {decisions.new_reference() for _ in range(200)}
    assert len(references) == 200
    assert all(decisions.REFERENCE_PATTERN.match(r) for r in references)
    assert not set("".join(r[3:] for r in references)) & set("01ILOU")


@pytest.mark.parametrize("typed", ["IR-7KQ4-M2", "ir 7kq4 m2", "7KQ4M2", "ir-7kq4-m2 "])
def test_normalise_reference_forgives_case_spaces_and_dashes(typed):
    assert decisions.normalise_reference(typed) == "IR-7KQ4-M2"


def test_decision_by_reference(world, published):
    _, v1 = published
    _, decision = record(v1, world)
    assert decisions.decision_by_reference(decision.reference.lower()) == decision
    assert decisions.decision_by_reference("IR-0000-00") is None


def test_decision_as_dict_is_redacted_for_the_viewer(world, published):
    _, v1 = published
    _, decision = record(v1, world)
    anonymous = decision_as_dict(decision, ANONYMOUS)
    person = anonymous["outcome"]["contacts"][0]["answer"]["clinicians"][0]
    assert (person["name"], person["contacts"]) == (None, [])
    referrer = decision_as_dict(decision, viewer_for(world.referrer_a, world.network.id))
    person = referrer["outcome"]["contacts"][0]["answer"]["clinicians"][0]
    assert person["name"] == "Dr Night"
    assert [c["route"] for c in person["contacts"]] == [
        "Royal Preston switchboard 01772 716565, bleep 2345"
    ]
    assert referrer["reference"] == decision.reference
    assert referrer["path"] == decision.answers


# --- Constant queries ------------------------------------------------------------------


# One to find nothing built ahead, six for the tree, one for the network's rotas (roles,
# bases, working week); for each window read (two days, eight, four weeks: this world's
# rotas keep one clinician for months, so all three), the diverts that lead elsewhere 1
# and the schedule 4.
QUERIES = 23


def test_evaluate_version_queries_do_not_grow_with_the_tree(
    world, rotas, django_assert_num_queries
):
    _, small = make_pathway(world, slug="small", nodes=wide_nodes(1), root="q0")
    _, large = make_pathway(world, slug="large", nodes=wide_nodes(40), root="q0")
    answers_small = {"q0": "on"}
    answers_large = {f"q{i}": "on" for i in range(40)}
    with django_assert_num_queries(QUERIES):
        result = evaluate_version(version=small, answers=answers_small,
                                  referring_site=world.chorley, at=NOW)
    assert result.outcome.key == "o-end"
    with django_assert_num_queries(QUERIES):
        result = evaluate_version(version=large, answers=answers_large,
                                  referring_site=world.chorley, at=NOW)
    assert (result.outcome.key, len(result.path)) == ("o-end", 40)


def test_load_evaluation_context_refuses_a_naive_instant(published):
    from datetime import datetime

    _, v1 = published
    with pytest.raises(EvaluationError) as caught:
        load_evaluation_context(v1, datetime(2026, 3, 18, 22))  # noqa: DTZ001
    assert caught.value.code == "naive_instant"


@pytest.mark.parametrize(("retired_at", "now", "logged"), [
    # 29 March 2026: 00:50 GMT to 02:20 BST is 30 minutes, though the clocks say 90.
    (london(2026, 3, 29, 0, 50), london(2026, 3, 29, 2, 20), True),
    # 25 October 2026: 01:10 BST to the second 01:50 (GMT) is 100 minutes, not 40.
    (london(2026, 10, 25, 1, 10), london(2026, 10, 25, 1, 50).replace(fold=1), False),
    # Boxing Day, a bank holiday: the hour is an hour whatever the day.
    (london(2026, 12, 28, 2, 0), london(2026, 12, 28, 3, 0), True),
])
def test_logging_rule_measures_the_hour_in_elapsed_time_across_clock_changes(
    world, published, retired_at, now, logged
):
    pathway, v1 = published
    version_publish(version=version_create_draft(pathway=pathway, user=None), user=None,
                    now=retired_at)
    v1.refresh_from_db()
    v1.retired_at = retired_at  # as the caller might hold it: in London time
    if logged:
        rule = decisions.logging_rule(version=v1, at=now, now=now)
        assert (rule.logged, rule.superseded) == (True, True)
    else:
        with pytest.raises(decisions.VersionRetired):
            decisions.logging_rule(version=v1, at=now, now=now)


def test_logging_rule_two_minutes_are_elapsed_time_across_the_october_change(published):
    _, v1 = published
    # 01:59 BST and 01:00 GMT on 25 October 2026 are one minute apart.
    at, now = london(2026, 10, 25, 1, 59), london(2026, 10, 25, 1, 0).replace(fold=1)
    assert decisions.logging_rule(version=v1, at=at, now=now).logged is True
