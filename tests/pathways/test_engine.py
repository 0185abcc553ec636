"""The evaluation walk, per node kind and per error, over plain data (no database)."""

import pytest

from pathways.engine import evaluate
from pathways.errors import EvaluationError
from rota.access import ANONYMOUS
from tests.factories import london
from tests.pathways.plain import (
    CHRISTMAS,
    WEEKDAY_NIGHT,
    WEEKDAY_NOON,
    by_site,
    fixed_step,
    hours,
    outcome,
    question,
    role_step,
    rota_step,
    schedule,
    tree,
)

pytestmark = pytest.mark.pure

ON_CALL = {1: "Dr Day", 2: "Dr Night", 3: "Mr Vascular", 4: "Dr Second"}


def run(version_tree, answers=None, site=11, at=WEEKDAY_NOON, rotas_schedule=None):
    return evaluate(
        version_tree=version_tree, answers=answers or {}, referring_site=site, at=at,
        schedule=rotas_schedule or schedule(on_call=ON_CALL, around=at),
    )


TWO_QUESTIONS = tree(
    question("bleeding", ("yes", "stable"), ("no", "o-none")),
    question("stable", ("yes", "o-urgent"), ("no", "o-now")),
    outcome("o-urgent", role_step()),
    outcome("o-now", role_step()),
    outcome("o-none", fixed_step()),
)


def test_evaluate_question_without_answer_is_the_next_question():
    result = run(TWO_QUESTIONS)
    assert result.outcome is None
    assert result.is_complete is False
    assert result.question.key == "bleeding"
    assert result.question.text == "Question bleeding?"
    assert result.question.options == (("yes", "Answer yes"), ("no", "Answer no"))
    assert result.path == ()


def test_evaluate_question_with_answer_follows_the_option():
    result = run(TWO_QUESTIONS, {"bleeding": "yes"})
    assert result.question.key == "stable"
    assert [(s.node_key, s.answer_key, s.answer_text, s.automatic) for s in result.path] == [
        ("bleeding", "yes", "Answer yes", False)
    ]


def test_evaluate_outcome_after_all_answers():
    result = run(TWO_QUESTIONS, {"bleeding": "yes", "stable": "no"})
    assert result.question is None
    assert result.outcome.key == "o-now"
    assert result.outcome.urgency == "urgent"
    assert result.outcome.urgency_label == "Urgent: within the hour"
    assert str(result.outcome.instructions_html) == "<p>Do <strong>o-now</strong>.</p>"


HOURS_TREE = tree(
    hours("when", "o-day", "o-night"),
    outcome("o-day", role_step()),
    outcome("o-night", role_step(), role_step("ir-second", order=2)),
)


@pytest.mark.parametrize(
    ("at", "key", "fact"),
    [
        (WEEKDAY_NOON, "o-day", "In hours"),
        (london(2026, 3, 18, 16, 59), "o-day", "In hours"),
        (london(2026, 3, 18, 17, 0), "o-night", "Out of hours: after 17:00"),
        (WEEKDAY_NIGHT, "o-night", "Out of hours: after 17:00"),
        (london(2026, 3, 21, 12, 0), "o-night", "Out of hours: weekend"),
        (CHRISTMAS, "o-night", "Out of hours: bank holiday: Christmas Day"),
    ],
)
def test_evaluate_time_window_answers_itself_as_a_fact(at, key, fact):
    result = run(HOURS_TREE, at=at)
    assert result.outcome.key == key
    assert [(s.node_key, s.kind, s.answer_text, s.automatic) for s in result.path] == [
        ("when", "time_window", fact, True)
    ]
    assert result.hours.reason == fact


def test_evaluate_role_resolves_to_the_day_rota_in_hours():
    contact = run(HOURS_TREE).outcome.contacts[0]
    assert contact.kind == "role"
    assert contact.role == "ir-consultant"
    assert contact.unresolved == ""
    assert contact.answer["rota"]["slug"] == "ir-day"
    assert contact.answer["status"] == "on_call"
    assert [c["name"] for c in contact.answer["clinicians"]] == ["Dr Day"]


def test_evaluate_role_resolves_to_the_night_rota_out_of_hours():
    contacts = run(HOURS_TREE, at=WEEKDAY_NIGHT).outcome.contacts
    assert [(c.role, c.answer["rota"]["slug"], c.answer["clinicians"][0]["name"])
            for c in contacts] == [
        ("ir-consultant", "ir-night", "Dr Night"), ("ir-second", "second", "Dr Second"),
    ]


def test_evaluate_role_without_a_rota_says_so_and_gives_the_site_switchboard():
    version_tree = tree(outcome("o", role_step("ir-second")))
    contact = run(version_tree, at=WEEKDAY_NOON).outcome.contacts[0]
    assert contact.answer is None
    assert contact.unresolved == (
        "The role 'ir-second' has no rota serving North in hours: call North switchboard on "
        "0113 496 0011 and ask for the on-call ir second."
    )


SITE_TREE = tree(
    by_site("where", ("site", "o-south", 12), ("trust", "o-trust", 10), ("default", "o-other")),
    outcome("o-south", fixed_step()),
    outcome("o-trust", fixed_step()),
    outcome("o-other", fixed_step()),
)


@pytest.mark.parametrize(
    ("site", "key", "condition", "fact"),
    [
        (12, "o-south", "site", "Referring site: South Hospital"),
        (11, "o-trust", "trust", "Referring site: North Hospital"),
        (21, "o-other", "default", "Referring site: East Hospital"),
    ],
)
def test_evaluate_referring_site_by_site_then_trust_then_default(site, key, condition, fact):
    result = run(SITE_TREE, site=site)
    assert result.outcome.key == key
    assert [(s.node_key, s.answer_key, s.answer_text) for s in result.path] == [
        ("where", condition, fact)
    ]


def test_evaluate_rota_step_answers_for_that_rota():
    version_tree = tree(outcome("o", rota_step(3)))
    contact = run(version_tree, at=WEEKDAY_NIGHT).outcome.contacts[0]
    assert (contact.kind, contact.answer["rota"]["slug"]) == ("rota", "vascular")
    assert contact.answer["clinicians"][0]["name"] == "Mr Vascular"


def test_evaluate_rota_step_gap_carries_status_gap():
    version_tree = tree(outcome("o", rota_step(3)))
    contact = run(version_tree, rotas_schedule=schedule(on_call={})).outcome.contacts[0]
    assert contact.answer["status"] == "gap"
    assert contact.answer["fallback_unavailable"] == "This rota has no fallback rota."


def test_evaluate_fixed_step_gives_label_number_and_tel():
    version_tree = tree(outcome("o", fixed_step()))
    contact = run(version_tree).outcome.contacts[0]
    assert contact.as_dict() == {
        "order": 1,
        "kind": "fixed",
        "instruction": "Ask for the team",
        "role": "",
        "answer": None,
        "fixed": {"label": "North switchboard", "number": "0113 496 0011",
                  "tel": "tel:+441134960011"},
        "unresolved": "",
        "until": None,
        "then": None,
        "same_as_step": None,
        "go_to_step": None,
        "reasons": ["Ask for the team"],
    }


def test_evaluate_outcome_transfer_names_the_site():
    version_tree = tree(outcome("o", fixed_step(), transfer_site_id=11, transfer_text="To North"))
    transfer = run(version_tree, site=21).outcome.transfer
    assert transfer == {
        "site": {"id": 11, "ods_code": "AAA11", "name": "North Hospital", "short_name": "North",
                 "switchboard": "0113 496 0011", "tel": "tel:+441134960011"},
        "text": "To North",
    }


def test_evaluation_as_dict_shape():
    described = run(TWO_QUESTIONS, {"bleeding": "no"}).as_dict()
    assert set(described) == {
        "pathway", "version", "at", "referring_site", "hours", "path", "status", "question",
        "outcome",
    }
    assert described["status"] == "outcome"
    assert described["at"] == "2026-03-18T12:00:00+00:00"
    assert described["pathway"] == {"slug": "test-ir", "title": "Test IR"}
    assert described["version"] == {"id": 7, "number": 2, "status": "published"}
    assert described["hours"] == {"in_hours": True, "reason": "In hours"}
    assert described["path"] == [{
        "node": "bleeding", "kind": "question", "text": "Question bleeding?", "answer": "no",
        "answer_text": "Answer no", "automatic": False,
    }]
    assert described["outcome"]["contacts"][0]["fixed"]["number"] == "0113 496 0011"


def test_evaluation_as_dict_redacts_names_for_anonymous():
    from pathways.presentation import redact_evaluation

    described = run(HOURS_TREE).as_dict()
    redacted = redact_evaluation(described, ANONYMOUS)
    person = redacted["outcome"]["contacts"][0]["answer"]["clinicians"][0]
    assert person == {"name": None, "role": "Consultant", "source": "manual", "contacts": []}
    assert described["outcome"]["contacts"][0]["answer"]["clinicians"][0]["name"] == "Dr Day"


# --- Errors -------------------------------------------------------------------------


def error_of(version_tree, answers, **kwargs) -> tuple:
    with pytest.raises(EvaluationError) as caught:
        run(version_tree, answers, **kwargs)
    return caught.value.code, caught.value.node_key, caught.value.message


def test_evaluate_unknown_node_is_an_error():
    assert error_of(TWO_QUESTIONS, {"bleding": "yes"}) == (
        "unknown_node", "bleding", "This pathway has no question 'bleding'."
    )


def test_evaluate_answer_for_an_automatic_node_is_an_error():
    assert error_of(HOURS_TREE, {"when": "in_hours"}) == (
        "not_a_question", "when",
        "“Time of referral” is answered by the service and takes no answer.",
    )


def test_evaluate_unknown_option_is_an_error():
    assert error_of(TWO_QUESTIONS, {"bleeding": "maybe"}) == (
        "unknown_option", "bleeding",
        "“maybe” is not an answer to “Question bleeding?”: choose “Answer yes” or "
        "“Answer no”.",
    )


def test_evaluate_answer_that_skips_a_question_is_an_error():
    assert error_of(TWO_QUESTIONS, {"stable": "yes"}) == (
        "skipped_question", "stable",
        "The answer to “Question stable?” skips “Question bleeding?”, which has not been "
        "answered yet.",
    )


def test_evaluate_answer_off_the_path_is_an_error():
    assert error_of(TWO_QUESTIONS, {"bleeding": "no", "stable": "yes"}) == (
        "not_on_path", "stable",
        "“Question stable?” is not asked on the path these answers take.",
    )


def test_evaluate_referring_site_outside_the_network_is_an_error():
    """Controls H-10."""
    assert error_of(TWO_QUESTIONS, {}, site=99) == (
        "site_outside_network", None,
        "The referring site is not a site of this pathway's network.",
    )


def test_evaluate_naive_instant_is_an_error():
    from datetime import datetime

    with pytest.raises(EvaluationError) as caught:
        evaluate(version_tree=TWO_QUESTIONS, answers={}, referring_site=11,
                 at=datetime(2026, 3, 18, 12), schedule=schedule())  # noqa: DTZ001
    assert caught.value.code == "naive_instant"


def test_evaluate_dangling_option_is_an_invalid_tree():
    version_tree = tree(question("q", ("a", "o"), ("b", "missing")), outcome("o", fixed_step()))
    assert error_of(version_tree, {"q": "b"}) == (
        "invalid_tree", "q", "Node 'q' leads to 'missing', which does not exist."
    )


def test_evaluate_cycle_is_an_invalid_tree():
    version_tree = tree(hours("h", "q", "q"), question("q", ("a", "h"), ("b", "h")))
    assert error_of(version_tree, {"q": "a"}) == (
        "invalid_tree", "q", "Node 'q' leads back to 'h': the pathway loops."
    )
