"""Pathway PDFs: what they print, what they never print, their cache and who may fetch them."""

import io
import re

import pytest
from django.core.cache import cache
from pypdf import PdfReader

from pathways.models import PathwayVersion, VersionStatus
from pathways.publishing import version_create_draft, version_publish, version_retire
from tests.factories import london
from tests.web.conftest import client_for

A4 = {(595, 842), (842, 595)}
ROUTES = [
    # Each outcome's contact route, by role or rota and switchboard number.
    "Call Royal Preston switchboard on 01772 716565 and ask for the on-call ir consultant",
    "Call Royal Preston switchboard on 01772 716565 and ask for the on-call vascular surgeon",
    "Call Royal Preston switchboard on 01772716565",  # the fixed step, as stored
]


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def read(response) -> PdfReader:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def squashed(text: str) -> str:
    """Text without whitespace: extraction breaks lines where the PDF does."""
    return re.sub(r"\s+", "", text)


def page_texts(reader: PdfReader) -> list[str]:
    return [page.extract_text() or "" for page in reader.pages]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_pathway_pdf_prints_the_published_version(client, published):
    pathway, version = published
    reader = read(client.get("/pathways/vascular-test.pdf"))
    assert len(reader.pages) == 3
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) in A4
    assert reader.metadata.title == "Vascular test, version 1"
    text = squashed(" ".join(page_texts(reader)))
    for expected in ["Vascular test", "Version", "1 (published)", "Review date", "1 March 2028",
                     "Published", "1 March 2026", "Lancashire and South Cumbria",
                     "Uncontrolled when printed: check the live version",
                     "https://ir-pathways.example.nhs.uk/pathways/vascular-test/",
                     "The pathway as text", "Is there active bleeding on CT?",
                     "Yes: go to step", *ROUTES]:
        assert squashed(expected) in text, expected
    for page in page_texts(reader):
        assert "Uncontrolled when printed" in page
        assert re.search(r"Page \d of 3", page)


def test_pathway_pdf_never_prints_a_person_or_a_personal_number(client, published, rotas):
    text = " ".join(page_texts(read(client.get("/pathways/vascular-test.pdf"))))
    for name in ("Dr Day", "Dr Night", "Mr Vascular"):
        assert name not in text
    assert "07700900123" not in digits(text)
    assert "2345" not in text  # the clinicians' bleeps are people's too


def test_pathway_pdf_is_tagged_pdf_ua(client, published):
    reader = read(client.get("/pathways/vascular-test.pdf"))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    tagged = root["/StructTreeRoot"]["/K"]
    assert tagged if not isinstance(tagged, list) else len(tagged) > 0
    assert root["/Lang"] == "en-GB"
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"pdfuaid:part[^0-9]*1", metadata)


def test_pathway_pdf_is_cached_until_something_printed_changes(client, published, world):
    """Controls H-08, H-22."""
    pathway, version = published
    assert client.get("/pathways/vascular-test.pdf")["X-PDF-Cache"] == "miss"
    assert client.get("/pathways/vascular-test.pdf")["X-PDF-Cache"] == "hit"
    assert client.get("/pathways/vascular-test/v1.pdf")["X-PDF-Cache"] == "hit"

    world.preston.switchboard = "01772 716566"
    world.preston.save()
    response = client.get("/pathways/vascular-test.pdf")
    assert response["X-PDF-Cache"] == "miss"
    assert "01772716566" in digits(" ".join(page_texts(read(response))))

    pathway.review_date = pathway.review_date.replace(year=2029)
    pathway.save()
    response = client.get("/pathways/vascular-test.pdf")
    assert response["X-PDF-Cache"] == "miss"
    assert "1March2029" in squashed(" ".join(page_texts(read(response))))
    assert client.get("/pathways/vascular-test.pdf")["X-PDF-Cache"] == "hit"


def test_pathway_pdf_of_a_retired_version_says_superseded_on_every_page(client, published):
    """Controls H-08."""
    pathway, version = published
    assert client.get("/pathways/vascular-test/v1.pdf")["X-PDF-Cache"] == "miss"
    version_retire(version=version, user=None, now=london(2026, 4, 2, 9, 0))
    response = client.get("/pathways/vascular-test/v1.pdf")
    assert response["X-PDF-Cache"] == "miss"
    for page in page_texts(read(response)):
        assert "SUPERSEDED on 2 April 2026: do not use" in page
    assert client.get("/pathways/vascular-test.pdf").status_code == 404


@pytest.mark.parametrize(("role", "status"), [
    ("anonymous", 404), ("referrer", 404), ("switchboard", 404), ("outsider", 404),
    ("lead", 200), ("admin", 200),
])
def test_pathway_pdf_of_a_draft_only_for_the_networks_leads(world, published, role, status):
    pathway, _ = published
    version_create_draft(pathway=pathway, user=world.lead)
    response = client_for(world, role).get("/pathways/vascular-test/v2.pdf")
    assert response.status_code == status
    if status == 200:
        assert response["Cache-Control"] == "private, no-store"
        for page in page_texts(read(response)):
            assert "DRAFT: not for clinical use" in page
    else:
        assert b"has no version 2 that you can print" in response.content


@pytest.mark.parametrize("role", ["anonymous", "referrer", "outsider"])
def test_pathway_pdf_published_and_retired_for_anyone(world, published, role):
    client = client_for(world, role)
    # Both addresses print version 1, the published one, whoever asks.
    assert read(client.get("/pathways/vascular-test.pdf")).metadata.title == (
        "Vascular test, version 1"
    )
    assert read(client.get("/pathways/vascular-test/v1.pdf")).metadata.title == (
        "Vascular test, version 1"
    )


@pytest.mark.parametrize("path", [
    "/pathways/no-such-pathway.pdf",
    "/pathways/vascular-test/v2.pdf",
    "/pathways/vascular-test/v0.pdf",
    "/pathways/vascular-test/v99999999999999999999.pdf",
])
def test_pathway_pdf_bad_address_is_a_404_that_says_why(client, published, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"Page not found" in response.content


def test_pathway_pdf_without_a_published_version_says_so(client, world, published):
    pathway, version = published
    version_retire(version=version, user=None, now=london(2026, 4, 2, 9, 0))
    response = client.get("/pathways/vascular-test.pdf")
    assert response.status_code == 404
    assert b"has no published version to print" in response.content


def test_pathway_page_shows_the_flowchart_beside_the_text_and_links_the_pdf(client, published):
    response = client.get("/pathways/vascular-test/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    assert 'data-node="o-vascular"' in html
    assert "A flowchart of this version will be shown here" not in html
    assert 'href="/pathways/vascular-test.pdf"' in html
    assert "Step 2. Is there active bleeding on CT?" in html
    assert re.search(r"Call Royal Preston switchboard on 01772 716565 and ask for the on-call "
                     r"vascular surgeon", html)
    assert " style=" not in html.split('id="flowchart"')[1]


def test_pathway_pdf_publishing_a_new_version_retires_the_old_one_in_print(client, world,
                                                                             published):
    pathway, version = published
    draft = version_create_draft(pathway=pathway, user=world.lead)
    version_publish(version=draft, user=world.lead, now=london(2026, 5, 1, 9, 0))
    assert PathwayVersion.objects.get(pk=version.pk).status == VersionStatus.RETIRED
    assert "SUPERSEDED on 1 May 2026" in page_texts(read(
        client.get("/pathways/vascular-test/v1.pdf")))[0]
    assert "2(published)" in squashed(page_texts(read(
        client.get("/pathways/vascular-test.pdf")))[0])


def figures(reader: PdfReader) -> list[str]:
    """The alternative text of every figure in the structure tree."""
    found = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif hasattr(node, "get"):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt")))
            if node.get("/K") is not None:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pathway_pdf_figures_say_what_they_are(client, published):
    reader = read(client.get("/pathways/vascular-test.pdf"))
    assert figures(reader) == [
        "QR code for the live version: https://ir-pathways.example.nhs.uk/pathways/vascular-test/",
        "Flowchart of Vascular test; the same pathway is written out as text after the chart.",
    ]
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]


def test_pathway_page_lays_out_the_chart_once_until_it_changes(client, published, world,
                                                               monkeypatch):
    """Controls H-22."""
    import pathways.views

    calls = []
    real = pathways.views.flowchart
    monkeypatch.setattr(pathways.views, "flowchart",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    def without_nonce(content: bytes) -> bytes:  # each response carries its own CSP nonce
        return re.sub(rb'nonce="[^"]*"', b"", content)

    first = without_nonce(client.get("/pathways/vascular-test/").content)
    assert without_nonce(client.get("/pathways/vascular-test/").content) == first
    assert len(calls) == 1
    world.preston.switchboard = "01772 716566"
    world.preston.save()
    assert b"01772 716566" in client.get("/pathways/vascular-test/").content
    assert len(calls) == 2


def test_pathway_pdf_of_a_broken_draft_still_prints_for_its_lead(world, published):
    from pathways.models import Node, Option

    pathway, _ = published
    draft = version_create_draft(pathway=pathway, user=world.lead)
    node = Node.objects.get(version=draft, key="bleeding")
    Option.objects.create(node=node, key="maybe", text="Not sure", order=9, next_key="nowhere")
    Node.objects.create(version=draft, key="orphan", kind="outcome", text="Nobody gets here",
                        urgency="routine")
    text = squashed(" ".join(page_texts(read(
        client_for(world, "lead").get("/pathways/vascular-test/v2.pdf")))))
    assert squashed("Not sure: missing node 'nowhere'") in text
    assert squashed("Nobody gets here") in text
    assert squashed("DRAFT: not for clinical use") in text
