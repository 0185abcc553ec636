"""The rota half of the REST API: reference data, on-call answers, shifts, cover and leave.

Thin adapters: who is on call comes from :mod:`rota.oncall`, its shape from
:mod:`rota.presentation`, what a caller may see and do from :mod:`rota.access`,
writes from :mod:`rota.services`; the plumbing every resource shares from :mod:`api`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action, api_view, permission_classes
from rest_framework.exceptions import PermissionDenied
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
from common.london import local
from rota import models, services
from rota.access import Kind, may_change, member_network_ids, viewer_for
from rota.answer_store import stored_answer, stored_board
from rota.oncall import resolve_timeline
from rota.presentation import (
    describe_answer,
    describe_clinician,
    iso,
    redact,
    redact_people,
    status_of,
)
from rota.selectors import RotaGraph, answers_at, load_schedule, read_graph
from rota.serializers import (
    ClinicianSerializer,
    CoverInputSerializer,
    CoverSerializer,
    LeaveInputSerializer,
    LeaveSerializer,
    NetworkSerializer,
    OnCallResponseSerializer,
    RotaSerializer,
    RotaShiftsSerializer,
    SiteSerializer,
    TrustSerializer,
)
from rota.services import leave_window

DEFAULT_RANGE = timedelta(days=7)
LONGEST_RANGE = timedelta(days=100)


# --- Reference data ------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Networks", responses={200: NetworkSerializer(many=True),
                                                     **error_responses()}),
    retrieve=extend_schema(summary="A network, by slug",
                           responses={200: NetworkSerializer, **error_responses(404)}),
)
class NetworkViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = models.Network.objects.order_by("name", "id")
    serializer_class = NetworkSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN


@extend_schema_view(
    list=extend_schema(summary="Trusts", parameters=[NETWORK_FILTER],
                       responses={200: TrustSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(summary="A trust, by ODS code",
                           responses={200: TrustSerializer, **error_responses(404)}),
)
class TrustViewSet(NetworkFilteredViewSet):
    queryset = models.Trust.objects.select_related("network").order_by("name", "id")
    serializer_class = TrustSerializer
    lookup_field = "ods_code"
    lookup_value_regex = ods.URL_PATTERN


@extend_schema_view(
    list=extend_schema(summary="Sites", parameters=[NETWORK_FILTER],
                       responses={200: SiteSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(summary="A site, by ODS site code",
                           responses={200: SiteSerializer, **error_responses(404)}),
)
class SiteViewSet(NetworkFilteredViewSet):
    queryset = models.Site.objects.select_related("trust__network").order_by("name", "id")
    serializer_class = SiteSerializer
    lookup_field = "ods_code"
    lookup_value_regex = ods.URL_PATTERN
    network_path = "trust__network"


SHIFTS_PARAMETERS = [
    OpenApiParameter("from", str, required=False, description=(
        "Start of the range, ISO 8601 (Europe/London without an offset); default now."
    ), examples=[OpenApiExample("Wall time", value="2026-03-28T08:00")]),
    OpenApiParameter("to", str, required=False, description=(
        "End of the range (exclusive); default seven days after 'from'; at most 100 days."
    ), examples=[OpenApiExample("With offset", value="2026-04-04T08:00:00+01:00")]),
]


@extend_schema_view(
    list=extend_schema(summary="Rotas", parameters=[NETWORK_FILTER],
                       responses={200: RotaSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(summary="A rota, by slug",
                           responses={200: RotaSerializer, **error_responses(404)}),
    shifts=extend_schema(
        summary="A rota's resolved timeline and shifts over a range",
        description=(
            "Segments say who is on call (covers applied, leave removed), where the gaps "
            "are and when the rota is diverted; names and contacts as the caller may see them."
        ),
        parameters=SHIFTS_PARAMETERS,
        responses={200: RotaShiftsSerializer, **error_responses(400, 404)},
    ),
)
class RotaViewSet(NetworkFilteredViewSet):
    queryset = (
        models.Rota.objects.select_related("network", "based_at", "fallback")
        .prefetch_related("serves")
        .order_by("network__name", "name", "id")
    )
    serializer_class = RotaSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN

    @action(detail=True, methods=["get"])
    def shifts(self, request, slug=None):
        rota = self.get_object()
        now = timezone.now()
        start = instant_param(request, "from", now=now)
        end = (
            instant_param(request, "to", now=now)
            if request.query_params.get("to")
            else start + DEFAULT_RANGE
        )
        if end <= start:
            raise ApiError("'to' must be after 'from'.", field="to")
        if end - start > LONGEST_RANGE:
            raise ApiError(
                "Ask for at most 100 days at a time; split longer ranges.", field="to"
            )
        schedule = load_schedule(network_ids=[rota.network_id], start=start, end=end)
        viewer = viewer_for(request.user, rota.network_id)

        def people(entries):
            described = [describe_clinician(schedule.clinicians[e.clinician_id], e.source)
                         for e in entries]
            return redact_people(described, viewer)

        segments = []
        for segment in resolve_timeline(schedule, rota.id, start, end):
            segments.append({
                "start": iso(segment.start),
                "end": iso(segment.end),
                "status": status_of(diverted=segment.divert is not None, gap=segment.gap,
                                    on_call=bool(segment.on_call)),
                "clinicians": people(segment.on_call),
                "divert_reason": segment.divert.reason if segment.divert else None,
            })
        shifts = [
            {
                "id": shift.id,
                "clinician": redact_people([describe_clinician(
                    schedule.clinicians[shift.clinician_id], shift.kind
                )], viewer)[0],
                "start": iso(shift.start),
                "end": iso(shift.end),
                "kind": shift.kind,
            }
            for shift in schedule.shifts
            if shift.rota_id == rota.id
        ]
        return Response({
            "rota": rota.slug, "start": iso(start), "end": iso(end),
            "segments": segments, "shifts": shifts,
        })


CLINICIAN_DESCRIPTION = (
    "Names and contact methods as the caller may see them in the clinician's home "
    "network: anonymous callers (and callers from other networks) get no names and no "
    "contacts; referrers get public and staff contacts; switchboard, coordinators and "
    "leads every contact."
)


@extend_schema_view(
    list=extend_schema(summary="Clinicians", description=CLINICIAN_DESCRIPTION,
                       parameters=[NETWORK_FILTER],
                       responses={200: ClinicianSerializer(many=True), **error_responses(400)}),
    retrieve=extend_schema(summary="A clinician, by id", description=CLINICIAN_DESCRIPTION,
                           responses={200: ClinicianSerializer, **error_responses(404)}),
)
class ClinicianViewSet(NetworkFilteredViewSet):
    queryset = (
        models.Clinician.objects.select_related("home_trust")
        .prefetch_related(Prefetch(
            "contact_methods",
            queryset=models.ContactMethod.objects.select_related("site").order_by("order", "id"),
        ))
        .order_by("name", "id")
    )
    serializer_class = ClinicianSerializer
    lookup_value_regex = "[0-9]+"
    network_path = "home_trust__network"

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["viewer_for"] = lambda network_id: viewer_for(self.request.user, network_id)
        return context


# --- On call -------------------------------------------------------------

AT_PARAMETER = OpenApiParameter(
    "at", str, required=False,
    description=(
        "The instant, ISO 8601; default now. Without an offset it is Europe/London wall "
        "time; a wall time that does not exist (spring) or happens twice (autumn) is "
        "refused: give the offset then. Within ten years of now."
    ),
    examples=[
        OpenApiExample("Europe/London wall time", value="2026-05-04T02:40"),
        OpenApiExample("With offset", value="2026-10-25T01:30:00+00:00"),
    ],
)

ONCALL_EXAMPLE = {
    "at": "2026-05-04T02:40:00+01:00",
    "answers": [{
        "rota": {
            "slug": "lsc-ir-consultant", "name": "LSC IR consultant", "role": "ir-consultant",
            "ask_for": "the on-call IR consultant", "required_coverage": "always",
            "based_at": {"name": "Royal Preston Hospital", "short_name": "Royal Preston",
                         "switchboard": "01772 716565", "tel": "tel:+441772716565"},
        },
        "at": "2026-05-04T02:40:00+01:00",
        "status": "on_call",
        "switchboard_route": (
            "Call Royal Preston switchboard on 01772 716565 and ask for the on-call IR "
            "consultant"
        ),
        "clinicians": [{
            "id": 7, "name": "Dr A. Example", "role": "Consultant interventional radiologist",
            "source": "rotation",
            "contacts": [{"kind": "bleep", "label": "Bleep", "value": "2345",
                          "visibility": "staff",
                          "route": "Royal Preston switchboard 01772 716565, bleep 2345",
                          "tel": "tel:+441772716565"}],
        }],
        "since": "2026-05-03T17:00:00+01:00",
        "until": "2026-05-04T08:00:00+01:00",
        "next": {"clinicians": [], "from": "2026-05-04T08:00:00+01:00"},
        "handover": None, "notes": [], "divert": None, "fallback": None,
        "fallback_unavailable": "",
    }],
}


@extend_schema(
    summary="Who is on call",
    description=(
        "The on-call answer of one rota (rota=<slug>) or of every rota of a network "
        "(network=<slug>) at an instant: who, since and until when, who is next, the "
        "handover, notes, diverts, and in a gap the fallback rota's answer. Names and "
        "contacts as the caller may see them; anonymous callers get roles and switchboard "
        "routes only."
    ),
    parameters=[
        OpenApiParameter("rota", str, required=False, description="One rota, by slug."),
        OpenApiParameter("network", str, required=False,
                         description="Every rota of a network, by slug."),
        AT_PARAMETER,
    ],
    responses={
        200: OnCallResponseSerializer,
        **error_responses(400),
    },
    examples=[OpenApiExample("A consultant on call overnight", value=ONCALL_EXAMPLE,
                             response_only=True, status_codes=["200"])],
)
@api_view(["GET"])
def oncall(request):
    now = timezone.now()
    at = instant_param(request, "at", now=now)
    rota_slug = request.query_params.get("rota")
    network_slug = request.query_params.get("network")
    if bool(rota_slug) == bool(network_slug):
        raise ApiError(
            "Give rota=<slug> for one rota, or network=<slug> for every rota of a network.",
            code="required", field="rota" if not rota_slug else "network",
        )
    slug = rota_slug or network_slug
    # Built ahead and still current: one read (rota.answer_store); else live.
    stored = None
    if re.fullmatch(SLUG_PATTERN, slug):
        # Only what the caller is sent is read: as it may see it in each network it
        # holds a role in, and elsewhere.
        user = request.user
        reader = viewer_for(user, None)
        readers = {network_id: viewer_for(user, network_id)
                   for network_id in member_network_ids(user)}
        stored = (stored_answer(slug, at, reader, readers) if rota_slug
                  else stored_board(slug, at, reader, readers))
    if stored is not None:
        # Stored rendered for each kind of reader: sent as stored.
        return HttpResponse(stored.json(viewer_for(request.user, stored.network_id), at),
                            content_type="application/json")
    if rota_slug:
        # The rota's whole network in one query: its answer may reach any of them.
        graph = read_graph(Q(network__rotas__slug=rota_slug)) if re.fullmatch(
            SLUG_PATTERN, rota_slug) else RotaGraph()
        rota_id = graph.rota_by_slug(rota_slug)
        if rota_id is None:
            raise ApiError(f"No rota is called {rota_slug!r}.", code="does_not_exist",
                           field="rota")
        network_id, rota_ids = graph.rows[rota_id][4], [rota_id]
    else:
        network_id, rota_ids = row_by_slug(models.Network, request, "network").id, None
        graph = read_graph(Q(network_id=network_id))
    viewer = viewer_for(request.user, network_id)
    # One rota: only the rotas its answer may reach; a network: all of them.
    found = answers_at(at, graph, rota_ids=rota_ids, network_id=network_id,
                       notes=viewer.sees_names)
    if rota_ids is None:
        rota_ids = sorted(found, key=lambda rota_id: (found[rota_id][0].rota.name, rota_id))
    answers = [
        redact(describe_answer(*found[rota_id]), viewer) for rota_id in rota_ids
    ]
    return Response({"at": iso(at), "answers": answers})


# --- Cover and leave -----------------------------------------------------


def _require_manager(user, kind: Kind, network_id: int) -> None:
    if not may_change(user, kind, network_id):
        raise PermissionDenied(
            "Only the network's rota coordinators (or an admin) may change its rotas."
        )


@extend_schema(
    summary="Create a cover",
    description=(
        "Clinician 'covering' replaces 'replaces' on a rota for a window, or joins it when "
        "'replaces' is null; the same rules as the admin (rota.services.cover_create). "
        "Rota coordinators of the rota's network only."
    ),
    request=CoverInputSerializer,
    responses={201: CoverSerializer, **error_responses(400, 403)},
    examples=[OpenApiExample("A swap for one night", request_only=True, value={
        "rota": "lsc-ir-consultant", "covering": 8, "replaces": 7,
        "start": "2026-05-04T17:00", "end": "2026-05-05T08:00", "reason": "Swap",
    })],
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
def cover_create(request):
    data = CoverInputSerializer(data=request.data, context={"now": timezone.now()})
    data.is_valid(raise_exception=True)
    values = data.validated_data
    _require_manager(request.user, Kind.ROTA, values["rota"].network_id)
    cover = services.cover_create(
        rota=values["rota"], covering=values["covering"], replaces=values.get("replaces"),
        start=values["start"], end=values["end"], reason=values["reason"],
        user=acting_user(request.user),
    )
    return Response(CoverSerializer(cover).data, status=status.HTTP_201_CREATED)


@extend_schema(
    summary="Record leave",
    description=(
        "A clinician is away: give start and end instants, or first_day and last_day as "
        "whole Europe/London days. Rota coordinators of the clinician's home network only."
    ),
    request=LeaveInputSerializer,
    responses={201: LeaveSerializer, **error_responses(400, 403)},
    examples=[OpenApiExample("A week of annual leave", request_only=True, value={
        "clinician": 7, "first_day": "2026-08-03", "last_day": "2026-08-09",
        "reason": "Annual leave",
    })],
)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
def leave_create(request):
    now = timezone.now()
    data = LeaveInputSerializer(data=request.data, context={"now": now})
    data.is_valid(raise_exception=True)
    values = data.validated_data
    clinician = values["clinician"]
    _require_manager(request.user, Kind.LEAVE, clinician.home_trust.network_id)
    if "first_day" in values:
        start, end = leave_window(
            values["first_day"], values["last_day"], today=local(now).date()
        )
    else:
        start, end = values["start"], values["end"]
    leave = services.leave_create(
        clinician=clinician, start=start, end=end, reason=values["reason"],
        user=acting_user(request.user),
    )
    return Response(LeaveSerializer(leave).data, status=status.HTTP_201_CREATED)
