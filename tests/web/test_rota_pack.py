"""The rota pack PDF: who may have which edition, what each holds, and bad addresses."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.pages import problem
from tests.pathways.conftest import rotas  # noqa: F401  (a fixture)
from tests.web.conftest import client_for

PACK = "/rota/pack.pdf?network=lsc&days=1"


def texts(response) -> list[str]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == (842, 595)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "en-GB"
    assert re.search(r"pdfuaid:part[^0-9]*1", root["/Metadata"].get_object().get_data().decode())
    assert reader.metadata.title.startswith("Lancashire and South Cumbria: on-call rota pack, ")
    return [page.extract_text() or "" for page in reader.pages]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


REFUSED = {
    "staff": "The staff edition of the Lancashire and South Cumbria pack is for staff of the "
             "network.",
    "switchboard": "The switchboard edition of the Lancashire and South Cumbria pack is for its "
                   "switchboard, rota coordinators and leads.",
}


@pytest.mark.parametrize(("role", "staff", "switchboard"), [
    ("referrer", 200, 403),
    ("switchboard", 200, 200),
    ("coordinator", 200, 200),
    ("lead", 200, 200),
    ("admin", 200, 200),
    ("outsider", 403, 403),
])
def test_rota_pack_editions_by_role(world, rotas, fixed_now, role, staff, switchboard):  # noqa: F811
    client = client_for(world, role) if role != "coordinator" else _coordinator(world)
    for edition, status in (("staff", staff), ("switchboard", switchboard)):
        response = client.get(f"{PACK}&edition={edition}")
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response.content.startswith(b"%PDF-")
        else:
            assert problem(response) == (403, "You cannot print this pack", REFUSED[edition])


def _coordinator(world):
    from django.test import Client

    client = Client()
    client.force_login(world.coordinator)
    return client


def test_rota_pack_anonymous_is_asked_to_sign_in(world, rotas):  # noqa: F811
    response = client_for(world, "anonymous").get(f"{PACK}&edition=staff")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/rota/pack.pdf")


def test_rota_pack_staff_edition_names_people_without_personal_numbers(world, rotas,  # noqa: F811
                                                                       fixed_now):
    pages = texts(client_for(world, "referrer").get(f"{PACK}&edition=staff"))
    assert len(pages) == 1
    text = " ".join(pages)
    assert "Dr Day" in text and "Mr Vascular" in text
    assert "Royal Preston switchboard 01772 716565, bleep 2345" in re.sub(r"\s+", " ", text)
    assert "07700900123" not in digits(text)
    for page in pages:
        assert "Made 10:00 on Wed 18 Mar 2026 (GMT)" in page
        assert "holds personal numbers" not in page


def test_rota_pack_switchboard_edition_holds_numbers_and_says_so_on_every_page(
        world, rotas, fixed_now):  # noqa: F811
    pages = texts(client_for(world, "switchboard").get(
        "/rota/pack.pdf?network=lsc&days=14&edition=switchboard"))
    assert len(pages) > 1
    assert "07700900123" in digits(" ".join(pages))
    for page in pages:
        assert "Switchboard edition: holds personal numbers" in page
        assert "Made 10:00 on Wed 18 Mar 2026 (GMT)" in page


@pytest.mark.parametrize(("query", "status", "says"), [
    ("", 400, b"Say which network"),
    ("?network=nowhere", 404, b"There is no network"),
    ("?network=ls%00c", 404, b"There is no network"),
    ("?network=lsc&days=0", 400, b"whole number from 1 to 14"),
    ("?network=lsc&days=15", 400, b"whole number from 1 to 14"),
    ("?network=lsc&days=seven", 400, b"whole number from 1 to 14"),
    ("?network=lsc&days=%D9%A3", 400, b"whole number from 1 to 14"),
    ("?network=lsc&edition=everything", 400, b"edition must be staff"),
])
def test_rota_pack_bad_address_says_what_to_change(world, rotas, query, status,  # noqa: F811
                                                    says):
    response = client_for(world, "switchboard").get(f"/rota/pack.pdf{query}")
    assert response.status_code == status
    assert says in response.content


@pytest.mark.parametrize(("role", "links"), [
    ("anonymous", []),
    ("referrer", ["staff"]),
    ("switchboard", ["staff", "switchboard"]),
    ("outsider", []),
])
def test_start_page_links_the_packs_the_user_may_print(world, rotas, role, links):  # noqa: F811
    html = client_for(world, role).get("/").content.decode()
    found = re.findall(r'href="/rota/pack.pdf\?network=lsc&amp;days=7&amp;edition=(\w+)"', html)
    assert found == links


@pytest.mark.parametrize("path", ["/rota/pack.pdf?network=lsc", "/pathways/vascular-test.pdf",
                                  "/pathways/vascular-test/v1.pdf", "/healthz"])
def test_printing_addresses_only_answer_get(world, rotas, path):  # noqa: F811
    from django.test import Client

    response = Client().post(path)
    # The refusal says which method the address does answer.
    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD")
