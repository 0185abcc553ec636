"""Organisations, people, rotas and what changes who is on call.

Models hold data and the rules a single row can check; the rules that combine
rows (who is on call, generation, services) live in their own modules.
All instants are stored in UTC; intervals are half-open ``[start, end)``.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from common.london import stamp
from common.ods import validate_ods_code as ods_code_validator
from common.phones import normalise_uk_number, validate_uk_number
from rota.bounds import (
    LONGEST_COVER,
    LONGEST_LEAVE,
    LONGEST_NOTE,
    LONGEST_SHIFT,
    NOTE_LENGTH,
    longest_stored,
)

slug_help = "Lower-case letters, digits and hyphens; used in addresses and never changed."


class Nation(models.TextChoices):
    ENGLAND = "ENG", "England"
    WALES = "WLS", "Wales"
    SCOTLAND = "SCT", "Scotland"
    NORTHERN_IRELAND = "NIR", "Northern Ireland"


def validate_weekdays(value: str) -> None:
    days = [d for d in value.split(",") if d.strip()]
    if not days or any(d.strip() not in "0123456" or len(d.strip()) != 1 for d in days):
        raise ValidationError(
            "Working days are weekday numbers separated by commas, Monday 0 to Sunday 6, "
            "e.g. 0,1,2,3,4."
        )


class Network(models.Model):
    """A group of trusts sharing rotas and pathways, with its own calendar."""

    slug = models.SlugField(unique=True, help_text=slug_help)
    name = models.CharField(max_length=200)
    nation = models.CharField(
        max_length=3,
        choices=Nation.choices,
        default=Nation.ENGLAND,
        help_text="Whose bank holidays count as non-working days.",
    )
    working_day_start = models.TimeField(default="08:00")
    working_day_end = models.TimeField(default="17:00")
    working_weekdays = models.CharField(
        max_length=13,
        default="0,1,2,3,4",
        validators=[validate_weekdays],
        help_text="Weekday numbers, Monday 0 to Sunday 6.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_day_end__gt=models.F("working_day_start")),
                name="network_working_day_ends_after_start",
                violation_error_message="The working day must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.working_day_start
            and self.working_day_end
            and self.working_day_end <= self.working_day_start
        ):
            raise ValidationError({"working_day_end": "The working day must end after it starts."})

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return weekday_numbers(self.working_weekdays)


def weekday_numbers(working_weekdays: str) -> frozenset[int]:
    """``"0,1,2,3,4"`` as weekday numbers, Monday 0."""
    return frozenset(int(d) for d in working_weekdays.split(",") if d.strip())


class ClosureDate(models.Model):
    """An extra non-working day for a network (e.g. a local holiday)."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="closure_dates")
    date = models.DateField()
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "date"], name="closure_date_once_per_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d %b %Y}: {self.reason}"


class Trust(models.Model):
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="trusts")
    ods_code = models.CharField(max_length=5, unique=True, validators=[ods_code_validator])
    name = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="sites")
    ods_code = models.CharField(max_length=5, unique=True, validators=[ods_code_validator])
    name = models.CharField(max_length=200)
    short_name = models.CharField(
        max_length=60, help_text="As said on the phone, e.g. Royal Preston."
    )
    switchboard = models.CharField(max_length=20, validators=[validate_uk_number])
    has_ir_suite = models.BooleanField(default=False)
    has_emergency_department = models.BooleanField(default=True)
    has_obstetric_unit = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def network_id(self) -> int:
        return self.trust.network_id


class Clinician(models.Model):
    name = models.CharField(max_length=200, help_text="As on the switchboard's call sheet.")
    role = models.CharField(max_length=120, help_text="e.g. Consultant interventional radiologist.")
    home_trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="clinicians")
    active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public (anyone)"
    STAFF = "staff", "Staff (signed-in clinicians)"
    SWITCHBOARD = "switchboard", "Switchboard and coordinators only"


class ContactKind(models.TextChoices):
    MOBILE = "mobile", "Mobile"
    PHONE = "phone", "Direct line"
    BLEEP = "bleep", "Bleep"
    EXTENSION = "extension", "Extension"
    EMAIL = "email", "Email"


ROUTED_KINDS = {ContactKind.BLEEP, ContactKind.EXTENSION}
NUMBER_KINDS = {ContactKind.MOBILE, ContactKind.PHONE}
internal_number_validator = RegexValidator(
    r"^[0-9]{2,6}$", "A bleep or extension is 2 to 6 digits, e.g. 2345."
)


class ContactMethod(models.Model):
    """One way of reaching a clinician, and who may see it."""

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, related_name="contact_methods"
    )
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    value = models.CharField(max_length=254)
    visibility = models.CharField(max_length=12, choices=Visibility.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For a bleep or extension: the site whose switchboard reaches it.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["clinician", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["bleep", "extension"], site__isnull=False))
                | (~Q(kind__in=["bleep", "extension"]) & Q(site__isnull=True)),
                name="contact_site_only_for_bleep_or_extension",
                violation_error_message=(
                    "A bleep or extension needs the site whose switchboard reaches it; "
                    "other contact methods have no site."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value}"

    def clean(self) -> None:
        errors = {}
        if self.kind in NUMBER_KINDS:
            try:
                self.value = normalise_uk_number(self.value)
            except ValidationError as error:
                errors["value"] = error.messages
        elif self.kind in ROUTED_KINDS:
            try:
                internal_number_validator(self.value)
            except ValidationError as error:
                errors["value"] = error.messages
            if not self.site_id:
                errors["site"] = "Say which site's switchboard reaches this bleep or extension."
        elif self.kind == ContactKind.EMAIL:
            from django.core.validators import validate_email

            try:
                validate_email(self.value)
            except ValidationError as error:
                errors["value"] = error.messages
        if self.kind not in ROUTED_KINDS and self.site_id:
            errors["site"] = "Only a bleep or extension is reached through a site's switchboard."
        if errors:
            raise ValidationError(errors)


class Coverage(models.TextChoices):
    ALWAYS = "always", "Always (24/7)"
    IN_HOURS = "in_hours", "In hours"
    OUT_OF_HOURS = "out_of_hours", "Out of hours"


class Rota(models.Model):
    """A named on-call duty, e.g. "LSC vascular IR consultant, out of hours"."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="rotas")
    slug = models.SlugField(unique=True, help_text=slug_help)
    name = models.CharField(max_length=200)
    role = models.SlugField(max_length=60, help_text="Role tag, e.g. ir-consultant.")
    based_at = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="based_rotas")
    serves = models.ManyToManyField(
        Site,
        blank=True,
        related_name="served_by_rotas",
        help_text="Referring sites this rota serves; none means every site of the network.",
    )
    required_coverage = models.CharField(
        max_length=12, choices=Coverage.choices, default=Coverage.ALWAYS
    )
    fallback = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fallback_for",
        help_text="Whose answer is given when this rota has nobody on call.",
    )
    ask_for = models.CharField(
        max_length=120,
        help_text="What a caller asks the switchboard for, e.g. 'the on-call IR consultant'.",
    )
    history = HistoricalRecords(m2m_fields=[serves])

    class Meta:
        ordering = ["network", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.fallback_id and self.pk and self.fallback_id == self.pk:
            errors["fallback"] = "A rota cannot be its own fallback."
        if self.fallback_id and self.network_id and self.fallback.network_id != self.network_id:
            errors["fallback"] = "The fallback rota must belong to the same network."
        based_elsewhere = self.based_at_id and self.based_at.trust.network_id != self.network_id
        if self.network_id and based_elsewhere:
            errors["based_at"] = "The rota must be based at a site of its network."
        if errors:
            raise ValidationError(errors)


class Interval(models.Model):
    """Abstract half-open ``[start, end)`` interval of instants.

    ``longest``, when set, bounds its length (a named limit of :mod:`rota.bounds`),
    ``longest_words`` says it to the person who typed it.
    """

    start = models.DateTimeField()
    end = models.DateTimeField()
    longest = None
    longest_words = ""

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The end must be after the start."})
        if self.start and self.end and self.longest and _wall_length(self) > self.longest:
            raise ValidationError({"end": self.longest_words})


def _wall_length(interval) -> timedelta:
    """How long an interval looks on the clock: a week is a week across a clock change."""
    from rota.calendars import local

    return local(interval.end).replace(tzinfo=None) - local(interval.start).replace(tzinfo=None)


def require_same_network(rota, **clinicians) -> None:
    """Raise unless each named clinician belongs to ``rota``'s network.

    A rota's answer shows its clinicians' contacts to that network's staff:
    someone from another network would carry their personal numbers across.
    """
    errors = {
        field: f"{clinician} works in another network; choose a clinician of {rota.network}."
        for field, clinician in clinicians.items()
        if clinician is not None and clinician.home_trust.network_id != rota.network_id
    }
    if errors:
        raise ValidationError(errors)


def no_longer_than(name: str, longest: timedelta) -> models.CheckConstraint:
    """The database's copy of a named length limit (see :func:`rota.bounds.longest_stored`)."""
    return models.CheckConstraint(
        condition=Q(end__lte=models.F("start") + longest_stored(longest)),
        name=name,
        violation_error_message=f"It may last at most {longest.days} days.",
    )


def end_after_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(end__gt=models.F("start")),
        name=name,
        violation_error_message="The end must be after the start.",
    )


class Cadence(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class DayFilter(models.TextChoices):
    ALL = "all", "Every day"
    WORKING = "working", "The network's working days"
    NON_WORKING = "non_working", "Weekends, bank holidays and closures"


class RotationPattern(models.Model):
    """Participants taking turns, turned into shifts by ``rota.generation``.

    Each qualifying day gets one shift from ``shift_start`` to ``shift_end``
    (the next day when the end is not after the start), in Europe/London wall
    time. The participant changes every ``every`` days or weeks, counted from
    ``start_date``; weekly turns begin on ``start_date``'s weekday.
    """

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="patterns")
    name = models.CharField(max_length=120)
    cadence = models.CharField(max_length=6, choices=Cadence.choices, default=Cadence.WEEKLY)
    every = models.PositiveSmallIntegerField(
        default=1, help_text="Hand over every N days or weeks."
    )
    shift_start = models.TimeField(help_text="Wall-clock start, Europe/London.")
    shift_end = models.TimeField(help_text="Wall-clock end; at or before the start means next day.")
    days = models.CharField(max_length=11, choices=DayFilter.choices, default=DayFilter.ALL)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True, help_text="Last day that gets a shift.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["rota", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(every__gte=1), name="pattern_every_at_least_one",
                violation_error_message="Hand over at least every 1 day or week.",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pattern_end_date_not_before_start",
                violation_error_message="The pattern cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rota}: {self.name}"

    def clean(self) -> None:
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The pattern cannot end before it starts."})


class PatternParticipant(models.Model):
    pattern = models.ForeignKey(
        RotationPattern, on_delete=models.CASCADE, related_name="participants"
    )
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["pattern", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["pattern", "position"], name="participant_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.clinician}"

    def clean(self) -> None:
        if self.pattern_id and self.clinician_id:
            require_same_network(self.pattern.rota, clinician=self.clinician)


class ShiftKind(models.TextChoices):
    ROTATION = "rotation", "Rotation"
    MANUAL = "manual", "Manual"


class Shift(Interval):
    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="shifts")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="shifts")
    kind = models.CharField(max_length=8, choices=ShiftKind.choices, default=ShiftKind.MANUAL)
    pattern = models.ForeignKey(
        RotationPattern, on_delete=models.SET_NULL, null=True, blank=True, related_name="shifts"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        # (rota, end): an answer's window starts an index range past the rota's history.
        indexes = [models.Index(fields=["rota", "start", "end"]),
                   models.Index(fields=["rota", "end"], name="shift_rota_end")]
        constraints = [end_after_start("shift_end_after_start"),
                       no_longer_than("shift_at_most_a_month", LONGEST_SHIFT)]

    longest = LONGEST_SHIFT
    longest_words = "A shift lasts at most 31 days; enter a longer one as several shifts."

    def __str__(self) -> str:
        return f"{self.rota}: {self.clinician} {self.start:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        super().clean()
        if not (self.start and self.end and self.rota_id and self.clinician_id):
            return
        require_same_network(self.rota, clinician=self.clinician)
        if self.end <= self.start:
            return
        clash = (
            Shift.objects.filter(
                rota_id=self.rota_id,
                clinician_id=self.clinician_id,
                start__lt=self.end,
                end__gt=self.start,
            )
            .exclude(pk=self.pk)
            .first()
        )
        if clash:
            raise ValidationError(
                f"{self.clinician} is already on this rota from {_local(clash.start)} "
                f"to {_local(clash.end)}; a second shift would overlap it."
            )


class Cover(Interval):
    """Clinician ``covering`` replaces ``replaces`` on a rota, or joins it."""

    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="covers")
    covering = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="covers")
    replaces = models.ForeignKey(
        Clinician,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="covered_by",
        help_text="Leave empty when the covering clinician joins rather than replaces.",
    )
    reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["rota", "start", "end"]),
                   models.Index(fields=["rota", "end"], name="cover_rota_end")]
        constraints = [
            end_after_start("cover_end_after_start"),
            no_longer_than("cover_at_most_a_month", LONGEST_COVER),
            models.CheckConstraint(
                condition=Q(replaces__isnull=True) | ~Q(replaces=models.F("covering")),
                name="cover_not_self",
                violation_error_message="A clinician cannot cover for themselves.",
            ),
        ]

    longest = LONGEST_COVER
    longest_words = "A cover lasts at most 31 days; enter a longer one as several covers."

    def __str__(self) -> str:
        whom = f" for {self.replaces}" if self.replaces_id else ""
        return f"{self.covering}{whom} on {self.rota}"

    def clean(self) -> None:
        super().clean()
        if self.rota_id:
            require_same_network(
                self.rota,
                covering=self.covering if self.covering_id else None,
                replaces=self.replaces if self.replaces_id else None,
            )


class Leave(Interval):
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="leave")
    reason = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "leave"
        indexes = [models.Index(fields=["clinician", "start", "end"]),
                   models.Index(fields=["clinician", "end"], name="leave_clinician_end")]
        constraints = [end_after_start("leave_end_after_start"),
                       no_longer_than("leave_at_most_a_year", LONGEST_LEAVE)]

    longest = LONGEST_LEAVE
    longest_words = ("Leave is recorded at most a year at a time; enter longer absences as "
                     "several periods.")

    def __str__(self) -> str:
        return f"{self.clinician} away {_local(self.start)} to {_local(self.end)}"


class Divert(Interval):
    """For a window, a rota's answer is another rota's answer or a fixed contact."""

    rota = models.ForeignKey(Rota, on_delete=models.PROTECT, related_name="diverts")
    to_rota = models.ForeignKey(
        Rota, on_delete=models.PROTECT, null=True, blank=True, related_name="diverted_from"
    )
    contact_label = models.CharField(max_length=200, blank=True)
    contact_number = models.CharField(
        max_length=20, blank=True, validators=[validate_uk_number]
    )
    reason = models.CharField(max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        constraints = [
            end_after_start("divert_end_after_start"),
            models.CheckConstraint(
                condition=(Q(to_rota__isnull=False) & Q(contact_number=""))
                | (Q(to_rota__isnull=True) & ~Q(contact_number="") & ~Q(contact_label="")),
                name="divert_to_rota_or_contact",
                violation_error_message=(
                    "Divert either to another rota, or to a fixed contact with a label and number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(to_rota__isnull=True) | ~Q(to_rota=models.F("rota")),
                name="divert_not_to_itself",
                violation_error_message="A rota cannot be diverted to itself.",
            ),
        ]

    def __str__(self) -> str:
        target = self.to_rota or self.contact_label
        return f"{self.rota} diverted to {target}"


class Note(Interval):
    """Timed information shown with a rota's answers; never a redirect."""

    rota = models.ForeignKey(Rota, on_delete=models.CASCADE, related_name="notes")
    text = models.CharField(max_length=500)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["rota", "end"], name="note_rota_end")]
        constraints = [end_after_start("note_end_after_start"),
                       no_longer_than("note_at_most_a_week", LONGEST_NOTE)]

    longest = LONGEST_NOTE
    longest_words = "A note lasts at most 7 days; post it again then."

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        super().clean()
        if self.text and len(self.text) > NOTE_LENGTH:
            raise ValidationError(
                {"text": f"A note is at most {NOTE_LENGTH} characters; shorten it."}
            )


# --- Stored answers: derived data, rebuilt by rota.answer_store ------------


class AnswerGeneration(models.Model):
    """How many times a network's answers may have changed: one more for every write.

    Triggers installed by the migration add one inside the writing transaction
    for every statement that changes a row an answer reads (shifts, covers,
    leave, diverts, notes, rotas, clinicians, contacts, sites, calendars),
    whichever path wrote it: services, admin, bulk writes or raw SQL.
    A plain column, not a foreign key: a network being deleted still counts.
    """

    network_id = models.BigIntegerField(primary_key=True)
    generation = models.BigIntegerField(default=0, db_default=0)

    def __str__(self) -> str:
        return f"network {self.network_id}: generation {self.generation}"


class AnswerBuild(models.Model):
    """The stored answers of one network: the generation and rules they were built from."""

    network_id = models.BigIntegerField(primary_key=True)
    generation = models.BigIntegerField()
    rules = models.CharField(max_length=64)
    horizon_start = models.DateTimeField()
    horizon_end = models.DateTimeField()
    built_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    # The network's calendar and hub, as an evaluation reads them (pickled, see
    # rota.answer_store.Sources): written by the build, read back only by this code.
    sources = models.BinaryField(default=b"")

    def __str__(self) -> str:
        return f"network {self.network_id}: built at generation {self.generation}"


class StoredText(models.TextField):
    """A long text written thousands of rows at a time (stored answers and contacts).

    On PostgreSQL, ``bulk_create`` sends a batch as one array per column
    (``UNNEST``), and quoting long JSON into an array literal costs psycopg
    seconds per network. A field with its own placeholder is sent as plain
    ``VALUES`` rows instead, one parameter per value; the column is ``text``
    all the same.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"


class StoredAnswer(models.Model):
    """A rota's whole described answer over ``[start, end)``, built ahead of asking.

    ``answer`` is the JSON of :func:`rota.presentation.describe_answer` with
    every contact and note, ``answer_staff`` and ``answer_public`` its
    redactions for referrers and for the public; the answer's own instant is
    left blank (see :mod:`rota.answer_store`).
    """

    network_id = models.BigIntegerField()
    rota_id = models.BigIntegerField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    answer = StoredText()
    answer_staff = StoredText()
    answer_public = StoredText()

    class Meta:
        indexes = [
            models.Index(fields=["rota_id", "end"], name="stored_answer_rota_end"),
            models.Index(fields=["network_id", "end"], name="stored_answer_network_end"),
        ]

    def __str__(self) -> str:
        return f"rota {self.rota_id} from {stamp(self.start)}"


class StoredContact(models.Model):
    """What a pathway's rota or role step reaches over ``[start, end)``, built ahead.

    ``key`` names the step (:func:`rota.contacts.rota_key`,
    :func:`rota.contacts.role_key`); ``facts`` is the JSON of
    :func:`rota.contacts.reached`, its answer's own instant left blank.
    """

    network_id = models.BigIntegerField()
    key = models.CharField(max_length=120)
    start = models.DateTimeField()
    end = models.DateTimeField()
    facts = StoredText()

    class Meta:
        indexes = [
            models.Index(fields=["network_id", "key", "end"], name="stored_contact_key_end"),
        ]

    def __str__(self) -> str:
        return f"{self.key} from {stamp(self.start)}"


class Role(models.TextChoices):
    """What a user does in one network; the rules for each are in :mod:`rota.access`."""

    REFERRER = "referrer", "Referrer"
    SWITCHBOARD = "switchboard", "Switchboard"
    COORDINATOR = "coordinator", "Rota coordinator"
    LEAD = "lead", "Network lead"


class Membership(models.Model):
    """A user holds a role in a network; a referrer also has a home site there.

    Roles belong to the membership, not to the user: a lead in one network who
    refers in another is a referrer there, and nothing more.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    home_site = models.ForeignKey(Site, on_delete=models.SET_NULL, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "user", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "role"], name="membership_role_once_per_network"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}, {self.get_role_display().lower()} in {self.network}"

    def clean(self) -> None:
        site = self.home_site if self.home_site_id else None
        if site is not None and self.network_id and site.trust.network_id != self.network_id:
            raise ValidationError(
                {"home_site": "The home site must be a hospital of this network."}
            )


def _local(instant) -> str:
    return stamp(instant)


throttle_rate_validator = RegexValidator(
    r"^[1-9][0-9]{0,6}/(s|sec|second|m|min|minute|h|hour|d|day)$",
    "A rate is a number of requests per second, minute, hour or day, e.g. 600/min.",
)


class ApiToken(models.Model):
    """A secret with which another system calls the API as one role in one network.

    Only a hash of the secret is stored; the secret is shown once, when the
    token is created. A revoked token authenticates nobody.
    """

    name = models.CharField(
        max_length=200, help_text="Which system uses it, e.g. 'Royal Preston telephony'."
    )
    role = models.CharField(
        max_length=40,
        choices=Role.choices,
        help_text="What the system may see and do, as a user with this role.",
    )
    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="api_tokens")
    prefix = models.CharField(max_length=12, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    throttle_rate = models.CharField(
        max_length=20,
        blank=True,
        validators=[throttle_rate_validator],
        help_text="Requests allowed, e.g. 600/min; empty uses the service default.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["network", "name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class FeedToken(models.Model):
    """The secret address of one rota's or one clinician's calendar feed; revocable."""

    rota = models.ForeignKey(
        Rota, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, null=True, blank=True, related_name="feed_tokens"
    )
    name = models.CharField(
        max_length=200, blank=True, help_text="Who it was given to, e.g. 'Dr Example's phone'."
    )
    prefix = models.CharField(max_length=12, editable=False)
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "calendar feed"
        constraints = [
            models.CheckConstraint(
                condition=Q(rota__isnull=False, clinician__isnull=True)
                | Q(rota__isnull=True, clinician__isnull=False),
                name="feed_token_rota_or_clinician",
                violation_error_message="A calendar feed is for one rota or one clinician.",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar of {self.rota or self.clinician} ({self.prefix}…)"
