"""The pathway half of the REST API: pathways and their trees, evaluation, the decision log.

Thin adapters: an evaluation (and whether it is logged) comes from
:func:`pathways.decisions.referral_record`, its redaction from
:mod:`pathways.presentation`, who may see drafts and decisions from
:mod:`rota.access`, instants from :mod:`api.timeparse`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import (
    NotAuthenticated,
    NotFound,
    ParseError,
    PermissionDenied,
    UnsupportedMediaType,
)
from rest_framework.response import Response

from api.authentication import acting_user
from api.errors import ApiError
from api.schema import error_responses
from api.views import (
    NETWORK_FILTER,
    SLUG_PATTERN,
    NetworkFilteredViewSet,
    instant_param,
    row_by_slug,
)
from common import ods
from pathways.decisions import (
    VersionRetired,
    decision_by_reference,
    logging_rule,
    may_read_decision_here,
    referral_record,
    session_remember_decision,
)
from pathways.errors import EvaluationError
from pathways.models import (
    Branch,
    Channel,
    ContactStep,
    Decision,
    Node,
    Option,
    Pathway,
    PathwayVersion,
    VersionStatus,
    published_version,
)
from pathways.presentation import decision_as_dict, redact_evaluation
from pathways.selectors import pathway_versions_and_site
from pathways.serializers import (
    DecisionSerializer,
    EvaluateInputSerializer,
    EvaluationSerializer,
    PathwayDetailSerializer,
    PathwaySerializer,
    VersionSerializer,
    VersionTreeSerializer,
)
from rota.access import Kind, may_read, network_ids_where, viewer_for
from rota.models import Site

DECISIONS_DEFAULT_RANGE = timedelta(days=7)
DECISIONS_LONGEST_RANGE = timedelta(days=31)
# Version numbers in addresses: longer ones cannot exist (and would overflow the column).
NUMBER_PATTERN = "[0-9]{1,9}"
# References as normalise_reference forgives them (case, missing dashes); never longer.
REFERENCE_PATTERN = "[-A-Za-z0-9]{1,20}"
# The request field an engine refusal concerns, when it is not an answer.
REFUSAL_FIELDS = {
    "site_outside_network": "referring_site",
    "naive_instant": "at",
    "invalid_tree": "version",
}


def _with_tree():
    """Versions with every node, option, branch and step prefetched: five queries."""
    nodes = Node.objects.select_related("transfer_site").prefetch_related(
        Prefetch("options", queryset=Option.objects.order_by("order", "key")),
        Prefetch("branches", queryset=Branch.objects.select_related("site", "trust")
                 .order_by("condition", "id")),
        Prefetch("steps", queryset=ContactStep.objects.select_related("rota")
                 .order_by("order", "id")),
    ).order_by("position", "key")
    return PathwayVersion.objects.prefetch_related(Prefetch("nodes", queryset=nodes))


def _refused(error: EvaluationError) -> ApiError:
    """An engine refusal as a 400 naming the answer (``answers.<key>``) or field concerned."""
    field = REFUSAL_FIELDS.get(error.code) or (
        f"answers.{error.node_key}" if error.node_key else "answers"
    )
    return ApiError(error.message, code=error.code, field=field)


# --- Documentation ---------------------------------------------------------

PATHWAY_EXAMPLE = {
    "slug": "vascular-ir", "title": "Vascular IR: arterial bleeding and acute limb ischaemia",
    "specialty": "Vascular", "network": "lsc", "review_date": "2027-03-01",
    "published_version": 1, "published_at": "2026-03-01T09:00:00+00:00",
}
TREE_EXAMPLE = {
    "number": 1, "status": "published", "change_summary": "First version",
    "published_at": "2026-03-01T09:00:00+00:00", "retired_at": None, "root": "hours",
    "nodes": {
        "hours": {
            "kind": "time_window", "text": "In hours or out of hours", "help_text": "",
            "options": [], "urgency": "", "instructions": "", "transfer": None, "steps": [],
            "branches": [
                {"condition": "in_hours", "site": None, "trust": None, "next": "unstable-in"},
                {"condition": "out_of_hours", "site": None, "trust": None,
                 "next": "unstable-ooh"},
            ],
        },
        "unstable-ooh": {
            "kind": "question", "text": "Is the patient haemodynamically unstable?",
            "help_text": "Systolic pressure below 90 mmHg despite resuscitation.",
            "options": [{"key": "yes", "text": "Yes: unstable", "next": "o-unstable-ooh"},
                        {"key": "no", "text": "No", "next": "cta-ooh"}],
            "branches": [], "urgency": "", "instructions": "", "transfer": None, "steps": [],
        },
        "o-transfer-ooh": {
            "kind": "outcome", "text": "Transfer to the arterial hub at Royal Preston",
            "help_text": "", "options": [], "branches": [], "urgency": "urgent",
            "instructions": "- Consultant-to-consultant discussion before any transfer.",
            "transfer": {"site": "RXN02", "text": "Royal Preston Hospital (arterial hub)"},
            "steps": [
                {"order": 1, "kind": "rota", "rota": "lsc-vascular-surgeon", "role": "",
                 "label": "", "number": "", "instruction": "Discuss with the vascular surgeon"},
                {"order": 2, "kind": "role", "rota": None, "role": "ir-consultant",
                 "label": "", "number": "", "instruction": "The IR consultant covering your site"},
            ],
        },
    },
}
EVALUATE_REQUEST = {
    "answers": {"unstable-ooh": "no", "cta-ooh": "positive"}, "referring_site": "RXL01",
}
_EVALUATION_BASE = {
    "pathway": {"slug": "vascular-ir",
                "title": "Vascular IR: arterial bleeding and acute limb ischaemia"},
    "version": {"id": 1, "number": 1, "status": "published"},
    "at": "2026-05-04T02:40:00+01:00",
    "referring_site": {"id": 8, "ods_code": "RXL01", "name": "Blackpool Victoria Hospital",
                       "short_name": "Blackpool Victoria", "switchboard": "01253 300000",
                       "tel": "tel:+441253300000"},
    "hours": {"in_hours": False, "reason": "Out of hours: bank holiday: May Day"},
}
_HOURS_STEP = {
    "node": "hours", "kind": "time_window", "text": "In hours or out of hours",
    "answer": "out_of_hours", "answer_text": "Out of hours: bank holiday: May Day",
    "automatic": True,
}
QUESTION_EXAMPLE = {
    **_EVALUATION_BASE,
    "path": [_HOURS_STEP],
    "status": "question",
    "question": {"key": "unstable-ooh", "text": "Is the patient haemodynamically unstable?",
                 "help_text": "Unstable means any of: shock index above 1, systolic blood "
                              "pressure below 90 mmHg, or an ongoing need for transfusion.",
                 "options": [{"key": "yes", "text": "Yes: unstable"},
                             {"key": "no", "text": "No"}]},
    "outcome": None, "decision": None, "preview": False, "logged": False,
    "superseded_during_referral": False,
}
_SURGEON = {"name": None, "role": "Consultant vascular surgeon", "source": "rotation",
            "contacts": []}
OUTCOME_EXAMPLE = {
    **_EVALUATION_BASE,
    "path": [
        _HOURS_STEP,
        {"node": "unstable-ooh", "kind": "question",
         "text": "Is the patient haemodynamically unstable?", "answer": "no",
         "answer_text": "No", "automatic": False},
        {"node": "cta-ooh", "kind": "question",
         "text": "Has a CT angiogram been done, and what does it show?", "answer": "positive",
         "answer_text": "Done: active extravasation or an arterial occlusion; images shared",
         "automatic": False},
        {"node": "site-ooh", "kind": "referring_site",
         "text": "Out of hours, arterial IR is done at the hub", "answer": "default",
         "answer_text": "Referring site: Blackpool Victoria Hospital", "automatic": True},
    ],
    "status": "outcome", "question": None,
    "outcome": {
        "key": "o-transfer-ooh", "title": "Transfer to the arterial hub at Royal Preston",
        "urgency": "urgent", "urgency_label": "Urgent: within the hour",
        "instructions": "- Consultant-to-consultant discussion before any transfer.",
        "instructions_html": "<ul>\n<li>Consultant-to-consultant discussion before any "
                             "transfer.</li>\n</ul>",
        "transfer": {
            "site": {"id": 1, "ods_code": "RXN02", "name": "Royal Preston Hospital",
                     "short_name": "Royal Preston", "switchboard": "01772 716565",
                     "tel": "tel:+441772716565"},
            "text": "Royal Preston Hospital (arterial hub), once the vascular surgeon has "
                    "accepted the patient.",
        },
        "contacts": [{
            "order": 1, "kind": "rota", "role": "", "fixed": None, "unresolved": "",
            "instruction": "Discuss with the on-call vascular surgeon first.",
            "answer": {
                "rota": {
                    "slug": "lsc-vascular-surgeon", "name": "LSC vascular surgeon on call",
                    "role": "vascular-surgeon", "ask_for": "the on-call vascular surgeon",
                    "required_coverage": "always",
                    "based_at": {"name": "Royal Preston Hospital",
                                 "short_name": "Royal Preston", "switchboard": "01772 716565",
                                 "tel": "tel:+441772716565"},
                },
                "at": "2026-05-04T02:40:00+01:00", "status": "on_call",
                "switchboard_route": "Call Royal Preston switchboard on 01772 716565 and ask "
                                     "for the on-call vascular surgeon",
                "clinicians": [_SURGEON],
                "since": "2026-04-27T08:00:00+01:00", "until": "2026-05-04T08:00:00+01:00",
                "next": {"clinicians": [_SURGEON], "from": "2026-05-04T08:00:00+01:00"},
                "handover": None, "notes": [], "divert": None, "fallback": None,
                "fallback_unavailable": "",
            },
            "until": "2026-05-04T08:00:00+01:00",
            "then": {"from": "2026-05-04T08:00:00+01:00", "until": "2026-05-11T08:00:00+01:00",
                     "answer": None, "unresolved": ""},
            "same_as_step": None, "go_to_step": None,
            "reasons": ["Discuss with the on-call vascular surgeon first."],
        }],
        "if_no_answer": {
            "label": "Royal Preston switchboard", "number": "01772 716565",
            "tel": "tel:+441772716565",
            "text": "If nobody above answers, call Royal Preston switchboard on 01772 716565: "
                    "say who you could not reach, and they will find who is covering.",
        },
    },
    "decision": {"reference": "IR-7KQ4-M2"}, "preview": False, "logged": True,
    "superseded_during_referral": False,
}
DECISION_EXAMPLE = {
    "reference": "IR-7KQ4-M2",
    "pathway": OUTCOME_EXAMPLE["pathway"],
    "version": {"id": 1, "number": 1},
    "at": "2026-05-04T02:40:00+01:00", "created_at": "2026-05-04T02:40:00+01:00",
    "channel": "api", "superseded_during_referral": False,
    "referring_site": {"id": 8, "ods_code": "RXL01", "name": "Blackpool Victoria Hospital",
                       "short_name": "Blackpool Victoria"},
    "path": OUTCOME_EXAMPLE["path"],
    "outcome": OUTCOME_EXAMPLE["outcome"],
}
EVALUATION_ERROR_EXAMPLES = [
    OpenApiExample("Not an option", status_codes=["400"], response_only=True, value={
        "error": {"code": "unknown_option",
                  "message": "“maybe” is not an answer to “Is the patient haemodynamically "
                             "unstable?”: choose “Yes: unstable” or “No”.",
                  "field": "answers.unstable-ooh"}}),
    OpenApiExample("Wall time that does not exist", status_codes=["400"], response_only=True,
                   value={"error": {
                       "code": "nonexistent_time",
                       "message": "29 Mar 2026 01:30 does not exist in Europe/London: the clocks "
                                  "go forward that night. Give it with an offset, e.g. "
                                  "2026-03-29T01:30:00+00:00 (in a URL, write + as %2B).",
                       "field": "at"}}),
    OpenApiExample("Unknown site", status_codes=["400"], response_only=True, value={
        "error": {"code": "does_not_exist",
                  "message": "No site has the ODS site code RXX99; give the referring "
                             "hospital's ODS site code, e.g. RXN02.",
                  "field": "referring_site"}}),
]
VISIBILITY = (
    "Published pathways are open to everyone; pathways with no published version, and "
    "draft versions, only to the network's leads and admins."
)
NUMBER_PARAMETER = OpenApiParameter(
    "number", int, OpenApiParameter.PATH, description="The version number.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Pathways", description=VISIBILITY, parameters=[NETWORK_FILTER],
        responses={200: PathwaySerializer(many=True), **error_responses(400)},
        examples=[OpenApiExample("The vascular pathway", value=[PATHWAY_EXAMPLE],
                                 response_only=True, status_codes=["200"])],
    ),
    retrieve=extend_schema(
        summary="A pathway, by slug, with its published version's tree",
        description=(
            "The tree as configured: nodes by key, with options, branches and contact steps "
            "naming rotas by slug and sites and trusts by ODS code, not resolved. version is "
            f"null when none is published. {VISIBILITY}"
        ),
        responses={200: PathwayDetailSerializer, **error_responses(404)},
        examples=[OpenApiExample(
            "The vascular pathway", response_only=True, status_codes=["200"],
            value={**PATHWAY_EXAMPLE, "description": "", "version": TREE_EXAMPLE},
        )],
    ),
    versions=extend_schema(
        summary="A pathway's versions, newest first",
        description=f"Published and retired versions; drafts too for leads. {VISIBILITY}",
        responses={200: VersionSerializer(many=True), **error_responses(404)},
    ),
    version=extend_schema(
        summary="One version of a pathway, with its tree",
        description=f"Any published or retired version; a draft for leads only. {VISIBILITY}",
        parameters=[NUMBER_PARAMETER],
        responses={200: VersionTreeSerializer, **error_responses(404)},
        examples=[OpenApiExample("Version 1", value=TREE_EXAMPLE, response_only=True,
                                 status_codes=["200"])],
    ),
    evaluate=extend_schema(
        summary="Evaluate a pathway: the next question, or who to contact now",
        description=(
            "Give the answers so far by question key and the referring site. The answer is "
            "the next question, or the outcome with its contacts resolved at the instant "
            "(names and contacts as the caller may see them: anonymous callers get roles and "
            "switchboard routes only). Every outcome is logged as a decision with a reference "
            "to quote, except a preview: \"preview\": true, an at more than 2 minutes from "
            "now, or a lead's draft. A version retired less than an hour ago (version) is "
            "logged with superseded_during_referral true; one retired longer ago is refused "
            "(400, version_retired) unless asked as a preview. Every response says logged "
            "true or false, so a client with a wrong clock finds out. Answers that do not fit "
            "are a 400 whose field names the answer, e.g. answers.bleeding."
        ),
        request=EvaluateInputSerializer,
        responses={200: EvaluationSerializer, **error_responses(400, 404)},
        examples=[
            OpenApiExample("Referral from Blackpool Victoria", value=EVALUATE_REQUEST,
                           request_only=True),
            OpenApiExample("The next question", value=QUESTION_EXAMPLE, response_only=True,
                           status_codes=["200"]),
            OpenApiExample("The outcome, logged", value=OUTCOME_EXAMPLE, response_only=True,
                           status_codes=["200"]),
            *EVALUATION_ERROR_EXAMPLES,
        ],
    ),
)
class PathwayViewSet(NetworkFilteredViewSet):
    queryset = (
        Pathway.objects.select_related("network")
        .prefetch_related(Prefetch("versions", queryset=PathwayVersion.objects.order_by("-number")))
        .order_by("network__name", "title", "id")
    )
    serializer_class = PathwaySerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    def get_queryset(self):
        published = PathwayVersion.objects.published().filter(pathway=OuterRef("pk"))
        drafts = network_ids_where(self.request.user, Kind.DRAFT, change=False)
        if drafts is None:
            return super().get_queryset()
        return super().get_queryset().filter(Q(Exists(published)) | Q(network_id__in=drafts))

    def _visible_versions(self, pathway, versions=None) -> list[PathwayVersion]:
        """``pathway``'s versions (prefetched, or ``versions``) the caller may see, newest
        first."""
        drafts = may_read(self.request.user, Kind.DRAFT, pathway.network_id)
        return [v for v in (pathway.versions.all() if versions is None else versions)
                if drafts or not v.is_draft]

    def _version(self, pathway, number: int | None, versions=None) -> PathwayVersion | None:
        """Version ``number`` if the caller may see it; without a number, the published one.
        ``versions``: the pathway's versions, newest first, when they were read with it."""
        if number is None:
            if versions is None:
                return published_version(pathway)
            return next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
        return next((v for v in self._visible_versions(pathway, versions)
                     if v.number == number), None)

    def _pathway_and_versions(self, site_code: str | None = None
                              ) -> tuple[Pathway, list[PathwayVersion] | None, Site | None]:
        """As :meth:`get_object`, with the pathway's versions, newest first, and the site
        of ``site_code``, in one query (:func:`pathways.selectors.pathway_versions_and_site`)
        under the same rule: a published version, or drafts the caller may read. A pathway
        with no versions yet is read as :meth:`get_object` reads it."""
        versions, site = pathway_versions_and_site(self.kwargs["slug"], site_code)
        if not versions:
            return self.get_object(), None, None
        pathway = versions[0].pathway
        drafts = network_ids_where(self.request.user, Kind.DRAFT, change=False)
        published = any(v.status == VersionStatus.PUBLISHED for v in versions)
        if not (published or drafts is None or pathway.network_id in drafts):
            raise Http404
        self.check_object_permissions(self.request, pathway)
        return pathway, versions, site

    def retrieve(self, request, slug=None):
        pathway = self.get_object()
        published = self._version(pathway, None)
        tree = _with_tree().get(pk=published.pk) if published else None
        return Response(PathwayDetailSerializer(pathway, context={"tree": tree}).data)

    @action(detail=True, methods=["get"])
    def versions(self, request, slug=None):
        pathway = self.get_object()
        return Response(VersionSerializer(self._visible_versions(pathway), many=True).data)

    @action(detail=True, methods=["get"], url_path=f"versions/(?P<number>{NUMBER_PATTERN})")
    def version(self, request, slug=None, number=None):
        pathway = self.get_object()
        version = self._version(pathway, int(number))
        if version is None:
            raise NotFound(f"{pathway.title} has no version {int(number)}.")
        return Response(VersionTreeSerializer(_with_tree().get(pk=version.pk)).data)

    @action(detail=True, methods=["post"])
    def evaluate(self, request, slug=None):
        now = timezone.now()
        try:
            body, unreadable = request.data, None
        except (ParseError, UnsupportedMediaType) as error:  # said once the pathway is found
            body, unreadable = None, error
        site_code = body.get("referring_site") if isinstance(body, dict) else None
        pathway, versions, site = self._pathway_and_versions(
            ods.normalise(site_code) if isinstance(site_code, str) else None)
        if unreadable is not None:
            raise unreadable
        sites = {site.ods_code: site} if site is not None else {}
        data = EvaluateInputSerializer(data=body, context={"now": now, "sites": sites})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        version = self._evaluated_version(pathway, values.get("version"), versions)
        at = values.get("at") or now
        try:
            logging = logging_rule(version=version, at=at, now=now, preview=values["preview"])
            evaluation, decision = referral_record(
                version=version, answers=values["answers"],
                referring_site=values["referring_site"], user=acting_user(request.user),
                at=at, now=now, channel=Channel.API, preview=values["preview"],
            )
        except VersionRetired as error:
            raise ApiError(error.message, code=error.code, field="version") from error
        except EvaluationError as error:
            raise _refused(error) from error
        if decision is not None:
            session_remember_decision(request.session, decision.reference)
        viewer = viewer_for(request.user, pathway.network_id)
        return Response({
            **redact_evaluation(evaluation.as_dict(), viewer),
            "decision": {"reference": decision.reference} if decision else None,
            "preview": not logging.logged,
            "logged": decision is not None,
            "superseded_during_referral": logging.superseded,
        })

    def _evaluated_version(self, pathway, number: int | None, versions) -> PathwayVersion:
        version = self._version(pathway, number, versions)
        if version is not None:
            return version
        if number is None:
            raise ApiError(
                f"{pathway.title} has no published version: give the version to preview.",
                code="not_published", field="version",
            )
        raise ApiError(
            f"{pathway.title} has no version {number}.", code="not_found", field="version",
            status_code=404,
        )


# --- Decisions ---------------------------------------------------------------

DECISION_RANGE_PARAMETERS = [
    OpenApiParameter("pathway", str, required=False,
                     description="Only this pathway's decisions, by slug."),
    OpenApiParameter("from", str, required=False, description=(
        "Start of the range (when logged), ISO 8601 (Europe/London without an offset); "
        "default seven days before 'to'."
    ), examples=[OpenApiExample("Wall time", value="2026-05-01T00:00")]),
    OpenApiParameter("to", str, required=False, description=(
        "End of the range (exclusive); default now; at most 31 days after 'from'."
    ), examples=[OpenApiExample("With offset", value="2026-05-08T00:00:00+01:00")]),
]


@extend_schema_view(
    list=extend_schema(
        summary="The decision log of the networks you lead",
        description=(
            "Decisions logged over a range (at most 31 days), newest first, for network leads "
            "(their networks) and admins; contacts as they were resolved."
        ),
        parameters=DECISION_RANGE_PARAMETERS,
        responses={200: DecisionSerializer(many=True), **error_responses(400, 403)},
        examples=[OpenApiExample("One decision", value=[DECISION_EXAMPLE], response_only=True,
                                 status_codes=["200"])],
    ),
    retrieve=extend_schema(
        summary="A logged decision, by reference",
        description=(
            "For the referrer who made it, the network's leads and admins; anyone else gets "
            "a 404, as for a reference that does not exist. Contacts as they were resolved, "
            "as the caller may see them."
        ),
        parameters=[OpenApiParameter(
            "reference", str, OpenApiParameter.PATH, pattern=f"^{REFERENCE_PATTERN}$",
            description="As quoted, e.g. IR-7KQ4-M2 (case and dashes do not matter).",
        )],
        responses={200: DecisionSerializer, **error_responses(404)},
        examples=[OpenApiExample("A logged referral", value=DECISION_EXAMPLE,
                                 response_only=True, status_codes=["200"])],
    ),
)
class DecisionViewSet(viewsets.ViewSet):
    lookup_field = "reference"
    lookup_value_regex = REFERENCE_PATTERN

    def retrieve(self, request, reference=None):
        decision = decision_by_reference(reference)
        network_id = decision.version.pathway.network_id if decision else None
        if decision is None or not may_read_decision_here(request, decision):
            raise NotFound(f"There is no decision {reference.upper()} that you may read.")
        return Response(decision_as_dict(decision, viewer_for(request.user, network_id)))

    def list(self, request):
        readable = self._readable_network_ids(request)
        pathway = row_by_slug(Pathway, request, "pathway")
        if pathway is not None and not may_read(request.user, Kind.DECISION, pathway.network_id):
            raise PermissionDenied("Only staff of the pathway's network (or an admin) may list "
                                   "its decisions.")
        start, end = self._range(request)
        decisions = (
            Decision.objects.select_related("version__pathway", "referring_site")
            .filter(created_at__gte=start, created_at__lt=end)
            .order_by("-created_at", "-id")
        )
        if readable is not None:
            decisions = decisions.filter(version__pathway__network_id__in=readable)
        if pathway is not None:
            decisions = decisions.filter(version__pathway=pathway)
        return Response([
            decision_as_dict(d, viewer_for(request.user, d.version.pathway.network_id))
            for d in decisions
        ])

    @staticmethod
    def _readable_network_ids(request) -> frozenset[int] | None:
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        readable = network_ids_where(request.user, Kind.DECISION, change=False)
        if readable is not None and not readable:
            raise PermissionDenied("Only staff of a network (or an admin) may list its decisions.")
        return readable

    @staticmethod
    def _range(request):
        end = instant_param(request, "to", now=timezone.now())
        start = instant_param(request, "from", now=end - DECISIONS_DEFAULT_RANGE)
        if end <= start:
            raise ApiError("'to' must be after 'from'.", field="to")
        if end - start > DECISIONS_LONGEST_RANGE:
            raise ApiError("Ask for at most 31 days at a time; split longer ranges.", field="to")
        return start, end
