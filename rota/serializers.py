"""API shapes: reference data out, cover and leave in, and the documented answer shape.

On-call answers are produced by :func:`rota.presentation.describe_answer` and
:func:`rota.presentation.redact`; the answer serializers here only describe
that shape for the OpenAPI schema (the schemathesis test checks that real
responses conform to it).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import InstantField, LondonDateTimeField, SlugField
from common.phones import dialling_uri
from rota import access, models
from rota.oncall import ContactInfo, SiteInfo
from rota.presentation import describe_contact

# --- Reference data ------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "08:00"})
class WallClockField(serializers.TimeField):
    """A Europe/London wall-clock time, e.g. 08:00 (not an instant: no offset)."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class NetworkSerializer(serializers.ModelSerializer):
    working_day_start = WallClockField(read_only=True)
    working_day_end = WallClockField(read_only=True)
    working_weekdays = serializers.SerializerMethodField(
        help_text="Weekday numbers, Monday 0 to Sunday 6."
    )

    class Meta:
        model = models.Network
        fields = [
            "slug", "name", "nation", "working_day_start", "working_day_end", "working_weekdays",
        ]

    def get_working_weekdays(self, network) -> list[int]:
        return sorted(network.weekday_numbers)


class TrustSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = models.Trust
        fields = ["ods_code", "name", "network"]


class SiteSerializer(serializers.ModelSerializer):
    trust = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    network = serializers.SerializerMethodField()
    switchboard_tel = serializers.SerializerMethodField()

    class Meta:
        model = models.Site
        fields = [
            "ods_code", "name", "short_name", "trust", "network", "switchboard",
            "switchboard_tel", "has_ir_suite", "has_emergency_department", "has_obstetric_unit",
        ]

    def get_network(self, site) -> str:
        return site.trust.network.slug

    def get_switchboard_tel(self, site) -> str:
        return dialling_uri(site.switchboard)


class RotaSerializer(serializers.ModelSerializer):
    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    based_at = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    serves = serializers.SlugRelatedField(
        slug_field="ods_code", many=True, read_only=True,
        help_text="Referring sites served; empty means every site of the network.",
    )
    fallback = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = models.Rota
        fields = [
            "slug", "name", "role", "network", "based_at", "serves", "required_coverage",
            "fallback", "ask_for",
        ]


class ContactSerializer(serializers.Serializer):
    """A contact method as :func:`rota.presentation.describe_contact` gives it."""

    kind = serializers.ChoiceField(choices=models.ContactKind.choices)
    label = serializers.CharField()
    value = serializers.CharField()
    visibility = serializers.ChoiceField(choices=models.Visibility.choices)
    route = serializers.CharField(help_text="How to reach it, e.g. through a switchboard.")
    tel = serializers.CharField(allow_null=True, help_text="A tel: URI to dial, if any.")
    href = serializers.CharField(required=False, help_text="A mailto: link, for email only.")


def _site_info(site: models.Site) -> SiteInfo:
    return SiteInfo(site.id, site.name, site.short_name, site.switchboard, site.trust_id)


def contact_info(method: models.ContactMethod) -> ContactInfo:
    site = _site_info(method.site) if method.site_id else None
    return ContactInfo(method.kind, method.value, method.visibility, site)


class ClinicianSerializer(serializers.ModelSerializer):
    """A clinician as the caller may see them (``context['viewer_for']``).

    Without names (anonymous callers, or callers from another network) the
    name and every contact method are withheld, as in on-call answers.
    """

    name = serializers.SerializerMethodField()
    home_trust = serializers.SlugRelatedField(slug_field="ods_code", read_only=True)
    contacts = serializers.SerializerMethodField()

    class Meta:
        model = models.Clinician
        fields = ["id", "name", "role", "home_trust", "active", "contacts"]

    def _viewer(self, clinician) -> access.Viewer:
        return self.context["viewer_for"](clinician.home_trust.network_id)

    def get_name(self, clinician) -> str | None:
        return access.visible_name(self._viewer(clinician), clinician.name)

    @extend_schema_field(ContactSerializer(many=True))
    def get_contacts(self, clinician) -> list[dict]:
        methods = access.shown_contacts(self._viewer(clinician), clinician.contact_methods.all())
        return [describe_contact(contact_info(m)) for m in methods]


# --- On-call answers (documentation of presentation.describe_answer) ------


class BasedAtSerializer(serializers.Serializer):
    name = serializers.CharField()
    short_name = serializers.CharField()
    switchboard = serializers.CharField()
    tel = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, help_text="Absent when names are withheld.")
    name = serializers.CharField(allow_null=True, help_text="Null when names are withheld.")
    role = serializers.CharField()
    source = serializers.ChoiceField(choices=["rotation", "manual", "cover"])
    site = BasedAtSerializer(
        required=False, allow_null=True,
        help_text="Where the person is: the site whose switchboard reaches their bleep or "
                  "extension (null if none). Absent when names are withheld.",
    )
    contacts = ContactSerializer(many=True)


class AnsweredRotaSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    role = serializers.CharField()
    ask_for = serializers.CharField()
    required_coverage = serializers.ChoiceField(choices=models.Coverage.choices)
    based_at = BasedAtSerializer()


class NextOnCallSerializer(serializers.Serializer):
    clinicians = PersonSerializer(many=True)
    # "from" is a keyword: declared through the class namespace.
    locals()["from"] = serializers.DateTimeField()


class HandoverSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    outgoing = PersonSerializer(many=True)
    incoming = PersonSerializer(many=True)


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class DivertContactSerializer(serializers.Serializer):
    label = serializers.CharField()
    number = serializers.CharField()
    tel = serializers.CharField()


class _NestedAnswerField(serializers.Field):
    """Another on-call answer (a fallback or divert target), or null."""


class DivertSerializer(serializers.Serializer):
    reason = serializers.CharField()
    until = serializers.DateTimeField()
    to_rota = _NestedAnswerField(allow_null=True)
    contact = DivertContactSerializer(allow_null=True)
    unavailable = serializers.CharField(allow_blank=True)


class OnCallAnswerSerializer(serializers.Serializer):
    rota = AnsweredRotaSerializer()
    at = serializers.DateTimeField()
    status = serializers.ChoiceField(
        choices=["on_call", "gap", "diverted", "outside_hours"],
        help_text="gap: nobody on call while the rota must be covered (see fallback).",
    )
    switchboard_route = serializers.CharField()
    clinicians = PersonSerializer(many=True)
    since = serializers.DateTimeField(allow_null=True, help_text="Null: no change in 4 weeks.")
    until = serializers.DateTimeField(allow_null=True, help_text="Null: no change in 4 weeks.")
    next = NextOnCallSerializer(
        allow_null=True,
        help_text="The rota's own next shift. Who answers a pathway contact step next "
                  "(another rota of the role, e.g. in hours) is the contact's then.",
    )
    handover = HandoverSerializer(allow_null=True, help_text="Within 30 minutes of a handover.")
    notes = NoteSerializer(many=True)
    divert = DivertSerializer(allow_null=True)
    fallback = _NestedAnswerField(allow_null=True, help_text="The answer to act on in a gap.")
    fallback_unavailable = serializers.CharField(allow_blank=True)


extend_schema_field(OnCallAnswerSerializer)(_NestedAnswerField)


class OnCallResponseSerializer(serializers.Serializer):
    at = serializers.DateTimeField(help_text="The instant answered for.")
    answers = OnCallAnswerSerializer(many=True)


class SegmentSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=["on_call", "gap", "diverted", "outside_hours"])
    clinicians = PersonSerializer(many=True)
    divert_reason = serializers.CharField(allow_null=True)


class ShiftItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    clinician = PersonSerializer()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=models.ShiftKind.choices)


class RotaShiftsSerializer(serializers.Serializer):
    rota = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    segments = SegmentSerializer(
        many=True, help_text="Who is on call, covers applied and leave removed, gaps included."
    )
    shifts = ShiftItemSerializer(many=True, help_text="The shifts as entered or generated.")


# --- Writes --------------------------------------------------------------


class CoverInputSerializer(serializers.Serializer):
    rota = SlugField(slug_field="slug", queryset=models.Rota.objects.all())
    covering = serializers.PrimaryKeyRelatedField(queryset=models.Clinician.objects.all())
    replaces = serializers.PrimaryKeyRelatedField(
        queryset=models.Clinician.objects.all(), allow_null=True, required=False,
        help_text="The clinician replaced; null or absent when the covering clinician joins.",
    )
    start = InstantField()
    end = InstantField()
    reason = serializers.CharField(allow_blank=True, required=False, max_length=200, default="")


class LeaveInputSerializer(serializers.Serializer):
    clinician = serializers.PrimaryKeyRelatedField(queryset=models.Clinician.objects.all())
    start = InstantField(required=False, help_text="Give start and end, or first_day and last_day.")
    end = InstantField(required=False)
    first_day = serializers.DateField(required=False, help_text="Whole Europe/London days.")
    last_day = serializers.DateField(required=False)
    reason = serializers.CharField(allow_blank=True, required=False, max_length=200, default="")

    def validate(self, data):
        instants = "start" in data or "end" in data
        days = "first_day" in data or "last_day" in data
        if instants == days:
            raise serializers.ValidationError(
                "Give either start and end, or first_day and last_day.", code="required"
            )
        pair = ("start", "end") if instants else ("first_day", "last_day")
        for name in pair:
            if name not in data:
                raise serializers.ValidationError(
                    {name: "This field is required."}, code="required"
                )
        return data


def _person(clinician: models.Clinician) -> dict:
    return {"id": clinician.id, "name": clinician.name, "role": clinician.role}


class CoverSerializer(serializers.ModelSerializer):
    rota = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    covering = serializers.SerializerMethodField()
    replaces = serializers.SerializerMethodField()
    start = LondonDateTimeField()
    end = LondonDateTimeField()

    class Meta:
        model = models.Cover
        fields = ["id", "rota", "covering", "replaces", "start", "end", "reason"]

    @extend_schema_field({"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}}})
    def get_covering(self, cover) -> dict:
        return _person(cover.covering)

    @extend_schema_field({"type": "object", "nullable": True, "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}}})
    def get_replaces(self, cover) -> dict | None:
        return _person(cover.replaces) if cover.replaces_id else None


class LeaveSerializer(serializers.ModelSerializer):
    clinician = serializers.SerializerMethodField()
    start = LondonDateTimeField()
    end = LondonDateTimeField()

    class Meta:
        model = models.Leave
        fields = ["id", "clinician", "start", "end", "reason"]

    @extend_schema_field({"type": "object", "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"}, "role": {"type": "string"}}})
    def get_clinician(self, leave) -> dict:
        return _person(leave.clinician)
