"""A referral page and the evaluate API load the version once, whatever its size.

The numbers are the whole request's (session, user, pathway, version, site, the
tree and the schedule); what matters is that they do not grow with the tree,
nor with the answers a page has to drop and evaluate again.
"""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.pathways.conftest import make_pathway, wide_nodes
from tests.web.conftest import client_for, refer_path

pytestmark = pytest.mark.usefixtures("fixed_now")

# Before the version was loaded once per request, these same tests counted 20, 37 (one
# more load for the evaluation again without the wrong answer), 45 (two loads) and 27.
# One load is now thirteen queries: whether anything was built ahead (nothing here) 1,
# the tree 6, the network's rotas 1, diverts 1, the schedule of the rotas the tree needs
# two days either side 4. An outcome whose contacts reach the window's edge reads eight
# days and four weeks too (5 each): here every rota keeps one clinician for months, so
# it does. The API reads the pathway with its versions and the referring site in one
# query, and a new session is one INSERT (no check first that its key is free).
QUESTION_PAGE = 16
CONFIRM_PAGE = 26  # every question answered: the outcome to confirm, its contacts resolved
ANSWER_POSTED = 34  # evaluates twice (the page's state, then with the answer) and logs
EVALUATE_API = 30


def queries(call) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    return response.status_code, len(captured.captured_queries)


@pytest.fixture
def small_and_large(world, rotas):
    """The same pathway shape with 5 and with 61 nodes."""
    make_pathway(world, slug="small", nodes=wide_nodes(2), root="q0")
    make_pathway(world, slug="large", nodes=wide_nodes(30), root="q0")
    return {"small": 2, "large": 30}


def _all_on(count: int) -> list[tuple[str, str]]:
    return [(f"q{i}", "on") for i in range(count)]


def test_a_referral_page_costs_the_same_for_a_small_and_a_large_tree(small_and_large):
    counted = {
        slug: queries(lambda slug=slug, n=n: Client().get(refer_path(slug, answers=_all_on(n))))
        for slug, n in small_and_large.items()
    }
    assert counted == {"small": (200, CONFIRM_PAGE), "large": (200, CONFIRM_PAGE)}


def test_a_wrong_answer_dropped_and_evaluated_again_costs_no_more_queries(small_and_large):
    # Every answer after the first is wrong: the page drops them and asks the second
    # question again. Each try is evaluated over what was loaded once.
    wrong = [("q0", "on")] + [(f"q{i}", "nonsense") for i in range(1, 30)]
    status, count = queries(lambda: Client().get(refer_path("large", answers=wrong)))
    assert (status, count) == (400, QUESTION_PAGE)


def test_posting_the_last_answer_loads_the_version_once(world, small_and_large):
    client = client_for(world, "referrer")
    client.get(refer_path("large"))  # the session exists before counting
    path = refer_path("large", answers=_all_on(29))
    assert queries(lambda: client.post(path, {"answer": "on"})) == (303, ANSWER_POSTED)


def test_the_evaluate_api_costs_the_same_for_a_small_and_a_large_tree(small_and_large):
    def evaluate(slug, n):
        body = {"referring_site": "RXN01", "answers": dict(_all_on(n))}
        return Client().post(f"/api/v1/pathways/{slug}/evaluate/", json.dumps(body),
                             content_type="application/json")

    counted = {slug: queries(lambda slug=slug, n=n: evaluate(slug, n))
               for slug, n in small_and_large.items()}
    assert counted == {"small": (200, EVALUATE_API), "large": (200, EVALUATE_API)}
