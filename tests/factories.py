"""Factories for the shared test world."""

from datetime import datetime, timedelta

import factory
from django.contrib.auth.models import User

from common.london import LONDON
from rota import models


def london(*args) -> datetime:
    """An aware Europe/London datetime: ``london(2026, 3, 29, 8, 0)``."""
    return datetime(*args, tzinfo=LONDON)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Network
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"network-{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.title()} imaging network")


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Trust
        django_get_or_create = ["ods_code"]

    network = factory.SubFactory(NetworkFactory)
    ods_code = factory.Sequence(lambda n: f"T{n:02d}")
    name = factory.LazyAttribute(lambda o: f"Trust {o.ods_code}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Site
        django_get_or_create = ["ods_code"]

    trust = factory.SubFactory(TrustFactory)
    ods_code = factory.Sequence(lambda n: f"S{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Hospital {o.ods_code}")
    short_name = factory.LazyAttribute(lambda o: f"Hospital {o.ods_code}")
    switchboard = "0113 496 0000"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Clinician

    name = factory.Sequence(lambda n: f"Dr Test {n}")
    role = "Consultant interventional radiologist"
    home_trust = factory.SubFactory(TrustFactory)


class ContactMethodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ContactMethod

    clinician = factory.SubFactory(ClinicianFactory)
    kind = "mobile"
    value = factory.Sequence(lambda n: f"07700 900{n % 1000:03d}")
    visibility = "switchboard"


class RotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Rota

    network = factory.SubFactory(NetworkFactory)
    slug = factory.Sequence(lambda n: f"rota-{n}")
    name = factory.LazyAttribute(lambda o: f"Rota {o.slug}")
    role = "ir-consultant"
    based_at = factory.SubFactory(SiteFactory)
    required_coverage = "always"
    ask_for = "the on-call IR consultant"


class ShiftFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Shift

    rota = factory.SubFactory(RotaFactory)
    clinician = factory.SubFactory(ClinicianFactory)
    kind = "manual"


def months_on_call(rota, clinician, start: datetime, end: datetime) -> list:
    """One clinician on call from ``start`` to ``end``, as shifts of at most four weeks
    (the database refuses a shift longer than a month)."""
    shifts = []
    while start < end:
        until = min(start + timedelta(days=28), end)
        shifts.append(ShiftFactory(rota=rota, clinician=clinician, start=start, end=until))
        start = until
    return shifts


def user_in(username: str, *, group: str | None, network=None, home_site=None, **extra) -> User:
    """A user holding role ``group`` in ``network`` (no membership without both)."""
    user = User.objects.create_user(username=username, password="correct-horse-battery", **extra)
    if group and network is not None:
        models.Membership.objects.create(
            user=user, network=network, role=group, home_site=home_site
        )
    return user
