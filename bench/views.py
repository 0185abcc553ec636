"""The floor: the least an on-call answer can cost in this stack.

One indexed query on the shift table, through the same middleware, DRF
authentication, throttles and renderer as ``/api/v1/oncall/``. A case's time
divided by the floor's, measured in the same run, says how much of it is the
product's own work rather than the machine, the server or the framework.
"""

from django.utils import timezone
from rest_framework.decorators import api_view
from rest_framework.response import Response

from api.errors import ApiError
from api.views import instant_param
from rota.models import Shift
from rota.presentation import iso


@api_view(["GET"])
def floor(request):
    """``?rota=<id>&at=<instant>``: the shift of that rota in force at that instant."""
    at = instant_param(request, "at", now=timezone.now())
    rota_id = request.query_params.get("rota", "")
    if not rota_id.isdigit():
        raise ApiError("Give rota=<id>.", code="required", field="rota")
    # The latest shift that started by ``at``, walked backwards on the
    # (rota, start, end) index: the first row that has not ended is the answer.
    shift = (
        Shift.objects.filter(rota_id=int(rota_id), start__lte=at, end__gt=at)
        .order_by("-start")
        .values("clinician_id", "start", "end")
        .first()
    )
    return Response({
        "at": iso(at),
        "clinician": shift["clinician_id"] if shift else None,
        "since": iso(shift["start"]) if shift else None,
        "until": iso(shift["end"]) if shift else None,
    })
