"""API shapes of the pathway side: trees as configured, evaluation input, and answer shapes.

Trees are read straight from the models (as configured: rotas by slug, sites
and trusts by ODS code, nothing resolved). Evaluations and decisions are
produced by :mod:`pathways.engine` and :mod:`pathways.presentation`; the
serializers for them here only describe that shape for the OpenAPI schema
(the schemathesis test checks that real responses conform to it).
"""

from __future__ import annotations

from django.core import validators
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import InstantField, LondonDateTimeField, SlugField
from common import ods
from pathways import models
from rota.bounds import MAX_ANSWERS
from rota.models import Site
from rota.presentation import iso
from rota.serializers import OnCallAnswerSerializer

# A version number beyond PostgreSQL's integer cannot exist; refused before querying.
LARGEST_NUMBER = 2**31 - 1
KEY_LENGTH = models.Node._meta.get_field("key").max_length
# Longer than any ISO 8601 instant with an offset and microseconds.
INSTANT_LENGTH = 40

# --- Trees, as configured --------------------------------------------------


class OptionSerializer(serializers.ModelSerializer):
    next = serializers.CharField(source="next_key", help_text="Key of the node it leads to.")

    class Meta:
        model = models.Option
        fields = ["key", "text", "next"]


class BranchSerializer(serializers.ModelSerializer):
    site = serializers.SlugRelatedField(
        slug_field="ods_code", read_only=True, allow_null=True,
        help_text="ODS site code, for a site branch."
    )
    trust = serializers.SlugRelatedField(
        slug_field="ods_code", read_only=True, allow_null=True,
        help_text="ODS code, for a trust branch."
    )
    next = serializers.CharField(source="next_key", help_text="Key of the node it leads to.")

    class Meta:
        model = models.Branch
        fields = ["condition", "site", "trust", "next"]


class StepSerializer(serializers.ModelSerializer):
    rota = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True,
        help_text="For a rota step: the rota's slug."
    )
    role = serializers.CharField(
        read_only=True, help_text="For a role step: the role tag, e.g. ir-consultant."
    )

    class Meta:
        model = models.ContactStep
        fields = ["order", "kind", "rota", "role", "label", "number", "instruction"]


class TransferSerializer(serializers.Serializer):
    site = serializers.CharField(allow_null=True, help_text="ODS site code of the destination.")
    text = serializers.CharField(allow_blank=True)


class NodeSerializer(serializers.ModelSerializer):
    """A node as configured; fields that do not apply to its kind are empty."""

    options = OptionSerializer(many=True, read_only=True)
    branches = BranchSerializer(many=True, read_only=True)
    steps = StepSerializer(many=True, read_only=True, help_text="Contact steps, in order.")
    transfer = serializers.SerializerMethodField()

    class Meta:
        model = models.Node
        fields = [
            "kind", "text", "help_text", "options", "branches", "urgency", "instructions",
            "transfer", "steps",
        ]
        extra_kwargs = {"instructions": {"help_text": "Markdown, as written."}}

    @extend_schema_field(TransferSerializer(allow_null=True))
    def get_transfer(self, node) -> dict | None:
        if not (node.transfer_site_id or node.transfer_text):
            return None
        site = node.transfer_site.ods_code if node.transfer_site_id else None
        return {"site": site, "text": node.transfer_text}


class VersionSerializer(serializers.ModelSerializer):
    published_at = LondonDateTimeField(allow_null=True)
    retired_at = LondonDateTimeField(allow_null=True)

    class Meta:
        model = models.PathwayVersion
        fields = ["number", "status", "change_summary", "published_at", "retired_at"]


class VersionTreeSerializer(VersionSerializer):
    """A version with its tree; read from a version whose nodes are prefetched."""

    root = serializers.CharField(
        source="root_key", allow_blank=True, help_text="Key of the first node."
    )
    nodes = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "root", "nodes"]

    @extend_schema_field(serializers.DictField(
        child=NodeSerializer(), help_text="Every node, by key, in the order they are listed.",
    ))
    def get_nodes(self, version) -> dict:
        return {node.key: NodeSerializer(node).data for node in version.nodes.all()}


class PathwaySerializer(serializers.ModelSerializer):
    """A pathway with its published version's number (versions prefetched)."""

    network = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    published_version = serializers.SerializerMethodField(
        help_text="Number of the published version; null when none is published."
    )
    published_at = serializers.SerializerMethodField()

    class Meta:
        model = models.Pathway
        fields = [
            "slug", "title", "specialty", "network", "review_date", "published_version",
            "published_at",
        ]

    def get_published_version(self, pathway) -> int | None:
        version = models.published_version(pathway)
        return version.number if version else None

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_published_at(self, pathway) -> str | None:
        version = models.published_version(pathway)
        return iso(version.published_at) if version else None


class PathwayDetailSerializer(PathwaySerializer):
    version = serializers.SerializerMethodField()

    class Meta(PathwaySerializer.Meta):
        fields = [*PathwaySerializer.Meta.fields, "description", "version"]

    @extend_schema_field(VersionTreeSerializer(allow_null=True))
    def get_version(self, pathway) -> dict | None:
        version = self.context.get("tree")
        return VersionTreeSerializer(version).data if version else None


# --- Evaluation input ------------------------------------------------------


class AnswersField(serializers.DictField):
    """``{question key: option key}``; keys that cannot be node keys are refused first."""

    child = serializers.CharField(max_length=KEY_LENGTH)

    def to_internal_value(self, data):
        if isinstance(data, dict) and len(data) > MAX_ANSWERS:
            raise serializers.ValidationError(
                f"At most {MAX_ANSWERS} answers are read; a pathway asks far fewer questions.",
                code="too_many",
            )
        for key in data if isinstance(data, dict) else ():
            if not (isinstance(key, str) and len(key) <= KEY_LENGTH
                    and validators.slug_re.fullmatch(key)):
                raise serializers.ValidationError(
                    f"{str(key)[:KEY_LENGTH]!r} cannot be a question key: keys are lower-case "
                    "letters, digits and hyphens, as the pathway's questions give them.",
                    code="unknown_node",
                )
        return super().to_internal_value(data)


class SiteCodeField(SlugField):
    """A site by ODS site code (e.g. RXN02), any case; text that cannot be one is not queried,
    nor a site the caller read already (``context["sites"]``, by ODS code)."""

    default_error_messages = {
        "does_not_exist": "No site has the ODS site code {value}; give the referring "
                          "hospital's ODS site code, e.g. RXN02.",
        "required": "Give the referring hospital's ODS site code, e.g. RXN02.",
        "null": "Give the referring hospital's ODS site code, e.g. RXN02.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="ods_code", queryset=Site.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            code = ods.normalise(data)
            if code is None:
                shown = data if len(data) <= ods.MAX_LENGTH else repr(data[:10] + "…")
                self.fail("does_not_exist", value=shown)
            data = code
            known = self.context.get("sites", {}).get(code)
            if known is not None:
                return known
        return super().to_internal_value(data)


class ShortInstantField(InstantField):
    """An instant as :class:`InstantField`, refusing over-long text before reading it."""

    def to_internal_value(self, data):
        if isinstance(data, str) and len(data) > INSTANT_LENGTH:
            raise serializers.ValidationError(
                "Give the time as ISO 8601, e.g. 2026-03-29T08:00 (Europe/London) or "
                "2026-03-29T08:00:00+01:00.",
                code="malformed",
            )
        return super().to_internal_value(data)


extend_schema_field({"type": "string", "format": "date-time"})(ShortInstantField)


class EvaluateInputSerializer(serializers.Serializer):
    answers = AnswersField(
        required=False, default=dict,
        help_text="The answers so far, {question key: option key}; none for the first question.",
    )
    referring_site = SiteCodeField(help_text="ODS site code of the referring hospital.")
    at = ShortInstantField(
        required=False,
        help_text=(
            "The instant to evaluate for, ISO 8601; default now (a referral, logged). Without "
            "an offset it is Europe/London wall time; one that does not exist or happens "
            "twice is refused. More than 2 minutes from now, it is a preview and not logged."
        ),
    )
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=LARGEST_NUMBER,
        help_text="A version number; default the published version. A version retired less "
                  "than an hour ago is logged (flagged); older ones only as a preview; a draft "
                  "is always a preview.",
    )
    preview = serializers.BooleanField(
        required=False, default=False,
        error_messages={"invalid": "Give preview as true or false."},
        help_text="True: evaluate without logging a decision. Without it, an outcome for now "
                  "(within 2 minutes) is logged.",
    )


# --- Evaluation and decision output (documentation) -----------------------


class PathwayRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()


class DecisionVersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()


class VersionRefSerializer(DecisionVersionSerializer):
    status = serializers.ChoiceField(choices=models.VersionStatus.choices)


class DecisionSiteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    ods_code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()


class SiteRefSerializer(DecisionSiteSerializer):
    switchboard = serializers.CharField()
    tel = serializers.CharField(allow_null=True)


class HoursSerializer(serializers.Serializer):
    in_hours = serializers.BooleanField()
    reason = serializers.CharField(help_text="e.g. 'Out of hours: bank holiday'.")


class PathStepSerializer(serializers.Serializer):
    node = serializers.CharField()
    kind = serializers.ChoiceField(choices=["question", "time_window", "referring_site"])
    text = serializers.CharField()
    answer = serializers.CharField(help_text="Option key; in_hours / out_of_hours; site / "
                                             "trust / default.")
    answer_text = serializers.CharField()
    automatic = serializers.BooleanField()


class QuestionOptionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    help_text = serializers.CharField(allow_blank=True)
    options = QuestionOptionSerializer(many=True)


class FixedContactSerializer(serializers.Serializer):
    label = serializers.CharField()
    number = serializers.CharField()
    tel = serializers.CharField(allow_null=True)


class ThenSerializer(serializers.Serializer):
    locals()["from"] = serializers.DateTimeField()
    until = serializers.DateTimeField(allow_null=True)
    answer = OnCallAnswerSerializer(allow_null=True, help_text="As the caller may see it.")
    unresolved = serializers.CharField(allow_blank=True)


class IfNoAnswerSerializer(serializers.Serializer):
    label = serializers.CharField()
    number = serializers.CharField()
    tel = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class ResolvedContactSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=models.StepKind.choices)
    instruction = serializers.CharField(allow_blank=True)
    role = serializers.CharField(allow_blank=True)
    answer = OnCallAnswerSerializer(
        allow_null=True, help_text="Who is on call, as the caller may see them."
    )
    fixed = FixedContactSerializer(allow_null=True)
    unresolved = serializers.CharField(allow_blank=True)
    until = serializers.DateTimeField(
        allow_null=True,
        help_text="When whoever this step reaches now stops answering it for the referring "
                  "site (null: no change in 4 weeks).",
    )
    then = ThenSerializer(
        allow_null=True,
        help_text="Who answers this step from 'until': for a role, the rota of the role then "
                  "(e.g. the in-hours rota at 08:00), not the rota's own next shift.",
    )
    same_as_step = serializers.IntegerField(
        allow_null=True,
        help_text="This step reaches the person shown at that step: shown once, there.",
    )
    go_to_step = serializers.IntegerField(
        allow_null=True,
        help_text="This step is in a gap (or diverted) and its answer is that step's rota.",
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text="The instructions shown with this step: its own, and those of steps that "
                  "reach the same person.",
    )


class ResolvedTransferSerializer(serializers.Serializer):
    site = SiteRefSerializer(allow_null=True)
    text = serializers.CharField(allow_blank=True)


class OutcomeSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    urgency = serializers.ChoiceField(choices=models.Urgency.choices)
    urgency_label = serializers.CharField()
    instructions = serializers.CharField(allow_blank=True, help_text="Markdown, as written.")
    instructions_html = serializers.CharField(allow_blank=True, help_text="Sanitised HTML.")
    transfer = ResolvedTransferSerializer(allow_null=True)
    contacts = ResolvedContactSerializer(many=True)
    if_no_answer = IfNoAnswerSerializer(
        allow_null=True,
        help_text="The network hub's switchboard, when the last contact is not a fixed number.",
    )


class DecisionRefSerializer(serializers.Serializer):
    reference = serializers.CharField(help_text="For the referrer to quote, e.g. IR-7KQ4-M2.")


class EvaluationSerializer(serializers.Serializer):
    pathway = PathwayRefSerializer()
    version = VersionRefSerializer()
    at = serializers.DateTimeField()
    referring_site = SiteRefSerializer()
    hours = HoursSerializer()
    path = PathStepSerializer(many=True, help_text="The questions answered and facts used.")
    status = serializers.ChoiceField(choices=["question", "outcome"])
    question = QuestionSerializer(allow_null=True, help_text="The next question to ask.")
    outcome = OutcomeSerializer(allow_null=True)
    decision = DecisionRefSerializer(
        allow_null=True, help_text="The logged decision: a referral for now that is complete."
    )
    preview = serializers.BooleanField(
        help_text="True for an explicit preview, an instant more than 2 minutes from now or a "
                  "draft: nothing is (or would be) logged."
    )
    logged = serializers.BooleanField(help_text="Whether this response logged a decision.")
    superseded_during_referral = serializers.BooleanField(
        help_text="The version was retired less than an hour ago: logged, and a newer one exists."
    )


class DecisionSerializer(serializers.Serializer):
    reference = serializers.CharField()
    pathway = PathwayRefSerializer()
    version = DecisionVersionSerializer()
    at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    channel = serializers.ChoiceField(choices=models.Channel.choices)
    superseded_during_referral = serializers.BooleanField(
        help_text="The version was retired less than an hour before the referral finished."
    )
    referring_site = DecisionSiteSerializer()
    path = PathStepSerializer(many=True)
    outcome = OutcomeSerializer(help_text="Contacts as they were resolved, as you may see them.")

