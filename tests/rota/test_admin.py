from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from rota import services
from rota.calendars import LONDON
from rota.models import Cover, Divert, Leave, Note, Shift
from tests.factories import ClinicianFactory, RotaFactory, ShiftFactory, london
from tests.pages import CHECK_THE_ADDRESS, FORBIDDEN, NOT_FOUND, problem


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def coordinator(world, client):
    world.coordinator.is_staff = True
    world.coordinator.save()
    client.force_login(world.coordinator)
    return world.coordinator


@pytest.fixture
def elsewhere(world):
    """A rota of the other network, which the coordinator must not see."""
    site = world.outsider.memberships.get().home_site
    return RotaFactory(network=world.other_network, based_at=site, name="Elsewhere IR")


def split(instant: datetime, name: str) -> dict[str, str]:
    wall = instant.astimezone(LONDON)
    return {f"{name}_0": wall.strftime("%Y-%m-%d"), f"{name}_1": wall.strftime("%H:%M")}


def errors(response) -> list[str]:
    form = response.context["adminform"].form
    return [message for messages in form.errors.values() for message in messages]


# --- Access --------------------------------------------------------------------


def test_admin_coordinator_sees_only_own_network_rotas(client, coordinator, rota, elsewhere):
    response = client.get(reverse("admin:rota_rota_changelist"))
    assert response.status_code == 200
    assert [r.name for r in response.context["cl"].result_list] == ["LSC IR on call"]
    other = client.get(reverse("admin:rota_rota_change", args=[elsewhere.pk]))
    assert other.status_code == 302
    assert other.url == reverse("admin:index")


def test_admin_coordinator_cannot_see_other_network_history(client, coordinator, elsewhere):
    response = client.get(reverse("admin:rota_rota_history", args=[elsewhere.pk]))
    assert problem(response) == (404, NOT_FOUND, CHECK_THE_ADDRESS)


def network_choices(response) -> list[str]:
    """The choices of the changelist's network filter; Django hides it with one choice."""
    for spec in response.context["cl"].filter_specs:
        if spec.title == "network":
            return [label for _, label in spec.lookup_choices]
    return []


def test_admin_network_filter_lists_only_visible_networks(client, world, rota, elsewhere):
    client.force_login(world.admin)
    assert network_choices(client.get(reverse("admin:rota_rota_changelist"))) == [
        "Elsewhere imaging network", "Lancashire and South Cumbria"
    ]
    world.coordinator.is_staff = True
    world.coordinator.save()
    client.force_login(world.coordinator)
    assert network_choices(client.get(reverse("admin:rota_rota_changelist"))) == []


def test_admin_coordinator_neither_lists_nor_changes_sites(client, coordinator, world):
    # Sites are reference data: anyone reads them through the API; only admins change them.
    for url in (reverse("admin:rota_site_changelist"),
                reverse("admin:rota_site_change", args=[world.preston.pk]),
                reverse("admin:rota_site_add"), reverse("admin:rota_membership_add")):
        assert problem(client.get(url)) == FORBIDDEN, url


@pytest.mark.parametrize("name", ["switchboard", "lead"])
def test_admin_rota_pages_refused_to_other_staff(client, world, rota, name):
    user = getattr(world, name)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert problem(client.get(reverse("admin:rota_rota_changelist"))) == FORBIDDEN
    assert problem(client.get(reverse("admin:rota_leave_add"))) == FORBIDDEN


def test_admin_non_staff_redirected_to_login(client, world):
    client.force_login(world.referrer_a)
    response = client.get(reverse("admin:rota_rota_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_admin_superuser_sees_every_network(client, world, rota, elsewhere):
    client.force_login(world.admin)
    response = client.get(reverse("admin:rota_rota_changelist"))
    assert sorted(r.name for r in response.context["cl"].result_list) == [
        "Elsewhere IR", "LSC IR on call"
    ]


# --- Leave by dates ------------------------------------------------------------


def test_admin_coordinator_adds_leave_by_dates(client, coordinator, doctors):
    response = client.post(
        reverse("admin:rota_leave_add"),
        {
            "clinician": doctors[0].pk, "first_day": "2026-03-28", "last_day": "2026-03-29",
            "reason": "Annual leave",
        },
    )
    assert response.status_code == 302
    leave = Leave.objects.get()
    # Midnight GMT on 28 March to midnight BST after 29 March.
    assert (leave.start, leave.end) == (utc(2026, 3, 28, 0, 0), utc(2026, 3, 29, 23, 0))
    assert (leave.start, leave.end) == services.leave_window(date(2026, 3, 28), date(2026, 3, 29))
    assert leave.history.get().history_user == coordinator


def test_admin_leave_last_day_before_first_refused(client, coordinator, doctors):
    response = client.post(
        reverse("admin:rota_leave_add"),
        {"clinician": doctors[0].pk, "first_day": "2026-03-28", "last_day": "2026-03-27"},
    )
    assert response.status_code == 200
    assert errors(response) == ["The last day of leave cannot be before the first."]
    assert Leave.objects.count() == 0


def test_admin_leave_edit_shows_its_days(client, coordinator, doctors):
    start, end = services.leave_window(date(2026, 10, 24), date(2026, 10, 25))
    leave = services.leave_create(clinician=doctors[0], start=start, end=end)
    response = client.get(reverse("admin:rota_leave_change", args=[leave.pk]))
    form = response.context["adminform"].form
    assert (form.initial["first_day"], form.initial["last_day"]) == (
        date(2026, 10, 24), date(2026, 10, 25)
    )


def test_admin_leave_for_other_network_clinician_refused(client, coordinator, world):
    stranger = ClinicianFactory(home_trust=world.outsider.memberships.get().home_site.trust)
    response = client.post(
        reverse("admin:rota_leave_add"),
        {"clinician": stranger.pk, "first_day": "2026-03-28", "last_day": "2026-03-28"},
    )
    assert errors(response) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]


# --- Covers, shifts, diverts, notes --------------------------------------------


@pytest.fixture
def a_on_tuesday(rota, doctors):
    return ShiftFactory(
        rota=rota, clinician=doctors[0], start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 15, 8, 0),
    )


def cover_form(rota, covering, replaces, start, end):
    return {
        "rota": rota.pk, "covering": covering.pk, "replaces": replaces.pk, "reason": "",
        **split(start, "start"), **split(end, "end"),
    }


def test_admin_cover_not_overlapping_named_clinicians_shift_refused(
    client, coordinator, rota, doctors, a_on_tuesday
):
    response = client.post(
        reverse("admin:rota_cover_add"),
        cover_form(rota, doctors[2], doctors[0], london(2026, 4, 15, 8, 0),
                   london(2026, 4, 15, 12, 0)),
    )
    assert response.status_code == 200
    assert errors(response) == [
        "Dr A has no shift on LSC IR on call between Wed 15 Apr 2026 08:00 and "
        "Wed 15 Apr 2026 12:00, so there is nothing to cover."
    ]
    assert Cover.objects.count() == 0


def test_admin_cover_by_clinician_on_leave_refused(
    client, coordinator, rota, doctors, a_on_tuesday
):
    services.leave_create(
        clinician=doctors[2], start=london(2026, 4, 14, 0, 0), end=london(2026, 4, 14, 13, 0)
    )
    response = client.post(
        reverse("admin:rota_cover_add"),
        cover_form(rota, doctors[2], doctors[0], london(2026, 4, 14, 12, 0),
                   london(2026, 4, 14, 20, 0)),
    )
    assert errors(response) == [
        "Dr C is on leave from Tue 14 Apr 2026 00:00 to Tue 14 Apr 2026 13:00."
    ]


def test_admin_cover_accepted_with_history_user(
    client, coordinator, rota, doctors, a_on_tuesday
):
    response = client.post(
        reverse("admin:rota_cover_add"),
        cover_form(rota, doctors[2], doctors[0], london(2026, 4, 14, 12, 0),
                   london(2026, 4, 14, 20, 0)),
    )
    assert response.status_code == 302
    cover = Cover.objects.get()
    assert (cover.start, cover.end) == (utc(2026, 4, 14, 11, 0), utc(2026, 4, 14, 19, 0))
    assert cover.history.get().history_user == coordinator


def test_admin_manual_shift_overlap_refused_and_new_shift_is_manual(
    client, coordinator, rota, doctors, a_on_tuesday
):
    url = reverse("admin:rota_shift_add")
    clash = {"rota": rota.pk, "clinician": doctors[0].pk,
             **split(london(2026, 4, 14, 20, 0), "start"),
             **split(london(2026, 4, 15, 9, 0), "end")}
    response = client.post(url, clash)
    assert errors(response) == [
        "Dr A is already on this rota from Tue 14 Apr 2026 08:00 to Wed 15 Apr 2026 08:00; "
        "a second shift would overlap it."
    ]
    fine = clash | {"clinician": doctors[1].pk}
    assert client.post(url, fine).status_code == 302
    added = Shift.objects.get(clinician=doctors[1])
    assert (added.kind, added.history.get().history_user) == ("manual", coordinator)


def test_admin_rotation_shift_is_read_only_for_coordinator(client, coordinator, rota, doctors):
    generated = ShiftFactory(
        rota=rota, clinician=doctors[0], kind="rotation", start=london(2026, 4, 14, 8, 0),
        end=london(2026, 4, 15, 8, 0),
    )
    response = client.get(reverse("admin:rota_shift_change", args=[generated.pk]))
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False


def test_admin_divert_overlap_refused_and_number_normalised(client, coordinator, rota):
    url = reverse("admin:rota_divert_add")
    form = {
        "rota": rota.pk, "to_rota": "", "contact_label": "Royal Preston switchboard",
        "contact_number": "+441772716565", "reason": "Scrubbed",
        **split(london(2026, 4, 14, 10, 0), "start"), **split(london(2026, 4, 14, 12, 0), "end"),
    }
    assert client.post(url, form).status_code == 302
    assert Divert.objects.get().contact_number == "01772 716565"
    response = client.post(url, form | split(london(2026, 4, 14, 11, 0), "start"))
    assert errors(response) == [
        "LSC IR on call is already diverted from Tue 14 Apr 2026 10:00 to Tue 14 Apr 2026 "
        "12:00; change that divert instead of adding a second one."
    ]


def test_admin_divert_edit_does_not_clash_with_itself(client, coordinator, rota):
    divert = services.divert_create(
        rota=rota, contact_label="Hub", contact_number="01772 716565", reason="Scrubbed",
        start=london(2026, 4, 14, 10, 0), end=london(2026, 4, 14, 12, 0),
    )
    response = client.post(
        reverse("admin:rota_divert_change", args=[divert.pk]),
        {
            "rota": rota.pk, "to_rota": "", "contact_label": "Hub",
            "contact_number": "01772 716565", "reason": "Scrubbed",
            **split(london(2026, 4, 14, 10, 0), "start"),
            **split(london(2026, 4, 14, 13, 0), "end"),
        },
    )
    assert response.status_code == 302
    assert Divert.objects.get().end == london(2026, 4, 14, 13, 0)


def test_admin_note_records_author(client, coordinator, rota):
    response = client.post(
        reverse("admin:rota_note_add"),
        {
            "rota": rota.pk, "text": "CT down",
            **split(london(2026, 4, 14, 10, 0), "start"),
            **split(london(2026, 4, 14, 12, 0), "end"),
        },
    )
    assert response.status_code == 302
    assert Note.objects.get().author == coordinator


def test_admin_pattern_save_generates_future_shifts(client, coordinator, rota, doctors):
    tomorrow = datetime.now(tz=LONDON).date() + timedelta(days=1)
    response = client.post(
        reverse("admin:rota_rotationpattern_add"),
        {
            "rota": rota.pk, "name": "Main rotation", "cadence": "weekly", "every": 1,
            "shift_start": "08:00", "shift_end": "08:00", "days": "all",
            "start_date": tomorrow.isoformat(),
            "end_date": (tomorrow + timedelta(days=2)).isoformat(),
            "participants-TOTAL_FORMS": "1", "participants-INITIAL_FORMS": "0",
            "participants-0-clinician": doctors[0].pk, "participants-0-position": "1",
        },
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert "Future shifts: 3 created, 0 removed." in shown
    assert [s.date() for s in Shift.objects.values_list("start", flat=True)] == [
        tomorrow + timedelta(days=n) for n in range(3)
    ]
