"""The rota pack names exactly whom who_is_on_call names, day by day, across clock changes."""

from datetime import date, time, timedelta

import pytest

from rota.calendars import instant_at, local
from rota.demo import seed_demo_network
from rota.models import Rota
from rota.pack import build_pack, load_pack, pack_window
from rota.selectors import who_is_on_call
from tests.factories import london

# (anchor of the demo, when the pack is made, days, labels that must appear)
PERIODS = {
    "spring": (date(2026, 3, 20), london(2026, 3, 26, 23, 30), 14, {
        date(2026, 3, 29): "Sun 29 Mar 2026 (clocks go forward: a 23-hour day)",
        date(2026, 4, 3): "Fri 3 Apr 2026, bank holiday: Good Friday",
        date(2026, 4, 6): "Mon 6 Apr 2026, bank holiday: Easter Monday",
    }),
    "autumn": (date(2026, 10, 20), london(2026, 10, 22, 7, 59), 7, {
        date(2026, 10, 25): "Sun 25 Oct 2026 (clocks go back: a 25-hour day)",
    }),
}
WALL_TIMES = [time(0, 30), time(1, 30), time(3, 0), time(7, 59), time(8, 0), time(12, 0),
              time(16, 59), time(17, 0), time(20, 0), time(23, 59)]


@pytest.fixture(params=sorted(PERIODS))
def period(request, db):
    anchor, made_at, days, labels = PERIODS[request.param]
    seeded = seed_demo_network(anchor)
    return seeded.network, made_at, days, labels


def test_pack_names_whom_who_is_on_call_names(period):
    network, made_at, days, labels = period
    pack = load_pack(network, edition="switchboard", made_at=made_at, days=days)
    rotas = {rota.slug: rota for rota in Rota.objects.filter(network=network)}
    assert {r.slug for r in pack.rotas} == set(rotas)
    checked = 0
    for pack_rota in pack.rotas:
        assert len(pack_rota.days) == days
        for pack_day in pack_rota.days:
            if pack_day.day in labels:
                assert pack_day.label == labels[pack_day.day]
            instants = {instant_at(pack_day.day, wall) for wall in WALL_TIMES}
            # The autumn hour happens twice: ask about its second occurrence too.
            instants |= {i + timedelta(hours=1) for i in instants
                         if local(i).dst() and not local(i + timedelta(hours=1)).dst()}
            for at in sorted(instants):
                if local(at).date() != pack_day.day:
                    continue
                entries = [e for e in pack_day.entries if e.start <= at < e.end]
                assert len(entries) == 1, (pack_rota.slug, at)
                answer, schedule = who_is_on_call(rotas[pack_rota.slug], at)
                names = tuple(schedule.clinicians[o.clinician_id].name for o in answer.on_call)
                assert entries[0].clinician_names == names, (pack_rota.slug, at)
                assert (entries[0].status == "gap") == answer.gap
                assert (entries[0].status == "diverted") == (answer.divert is not None)
                checked += 1
    assert checked > days * len(rotas) * 8


def test_pack_window_is_whole_london_days_across_the_clock_change():
    start, end = pack_window(london(2026, 3, 28, 12, 0), 2)
    assert (local(start), local(end)) == (london(2026, 3, 28, 0, 0), london(2026, 3, 30, 0, 0))
    assert end - start == timedelta(hours=47)
    start, end = pack_window(london(2026, 10, 25, 0, 30), 1)
    assert end - start == timedelta(hours=25)


def test_pack_staff_edition_keeps_switchboard_only_contacts_out(period):
    network, made_at, days, _ = period
    staff = load_pack(network, edition="staff", made_at=made_at, days=2)
    switchboard = load_pack(network, edition="switchboard", made_at=made_at, days=2)
    staff_routes = {r for rota in staff.rotas for d in rota.days for e in d.entries
                    for p in e.people for r in p.routes}
    all_routes = {r for rota in switchboard.rotas for d in rota.days for e in d.entries
                  for p in e.people for r in p.routes}
    assert staff_routes < all_routes
    assert not any(route.startswith("Mobile") for route in staff_routes)
    assert any(route.startswith("Mobile") for route in all_routes)


def test_build_pack_is_pure_over_the_schedule(world):
    from rota.selectors import load_schedule

    start, end = pack_window(london(2026, 3, 18, 10, 0), 1)
    schedule = load_schedule(network_ids=[world.network.id], start=start - timedelta(days=1),
                             end=end + timedelta(days=1))
    pack = build_pack(schedule, network_id=world.network.id, network="N", network_slug="lsc",
                      edition="staff", made_at=london(2026, 3, 18, 10, 0), days=1)
    assert pack.rotas == ()
    assert (pack.start, pack.end) == (start, end)


@pytest.mark.parametrize("period", ["spring"], indirect=True)
def test_pack_staff_edition_and_pathway_pdfs_hold_no_personal_number(period):
    import io
    import re
    from datetime import date as day

    from pypdf import PdfReader

    from pathways.demo import seed_demo_pathways
    from pathways.pdf import render_pathway_pdf
    from pathways.printing import printed_version
    from rota.models import ContactMethod
    from rota.pack import render_pack_pdf

    network, made_at, _, _ = period
    personal = {
        re.sub(r"\D", "", value)
        for value in ContactMethod.objects.filter(visibility="switchboard")
        .values_list("value", flat=True)
    }
    assert personal
    pathways = seed_demo_pathways(network=network, anchor=day(2026, 3, 20))
    pdfs = {"staff pack": render_pack_pdf(load_pack(network, edition="staff",
                                                    made_at=made_at, days=3))}
    for pathway in pathways:
        version = pathway.versions.get(status="published")
        pdfs[pathway.slug] = render_pathway_pdf(printed_version(version))
    for name, pdf in pdfs.items():
        text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
        found = re.sub(r"\D", "", text)
        assert not [number for number in personal if number in found], name
    switchboard = render_pack_pdf(load_pack(network, edition="switchboard", made_at=made_at,
                                            days=3))
    text = re.sub(r"\D", "", " ".join(
        p.extract_text() or "" for p in PdfReader(io.BytesIO(switchboard)).pages))
    assert any(number in text for number in personal)


def test_pack_divert_and_gap_say_where_calls_go(world):
    from rota.oncall import DivertItem
    from rota.pack import _note
    from rota.selectors import load_schedule
    from tests.factories import RotaFactory

    day = RotaFactory(network=world.network, slug="day", name="Day rota", based_at=world.preston)
    night = RotaFactory(network=world.network, slug="night", name="Night rota",
                        based_at=world.preston, fallback=day)
    schedule = load_schedule(network_ids=[world.network.id], start=london(2026, 3, 18, 0, 0),
                             end=london(2026, 3, 19, 0, 0))
    gap = resolve(schedule, night.id)
    assert gap.gap
    assert _note(schedule, schedule.rotas[night.id], gap) == (
        "Gap: nobody on call. Calls go to Day rota (see its rows).")
    for to_rota, expected in [
        (day.id, "Diverted: suite down. Until the divert ends, calls go to Day rota (see its "
                 "rows)."),
        (99999, "Diverted: suite down. Until the divert ends, calls go to a rota of another "
                "network: ask its switchboard."),
        (None, "Diverted: suite down. Until the divert ends, call Theatres on 01772 716565."),
    ]:
        divert = DivertItem(1, night.id, gap.start, gap.end, "suite down", to_rota,
                            "Theatres" if to_rota is None else "", "01772 716565"
                            if to_rota is None else "")
        segment = type(gap)(gap.start, gap.end, (), False, divert)
        assert _note(schedule, schedule.rotas[night.id], segment) == expected


def resolve(schedule, rota_id):
    from rota.oncall import resolve_timeline

    return resolve_timeline(schedule, rota_id)[0]
