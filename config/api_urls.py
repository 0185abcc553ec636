"""Everything under /api/ (REST API, schema, docs) and the calendar feeds under /feeds/.

One router for every app's resources; function views beside it; the
catch-all last, answering any other /api/ address with a 404 in the API's
error shape.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from api.views import not_found
from pathways import api as pathways_api
from rota import api, ics

router = SimpleRouter()
router.register("networks", api.NetworkViewSet, basename="network")
router.register("trusts", api.TrustViewSet, basename="trust")
router.register("sites", api.SiteViewSet, basename="site")
router.register("rotas", api.RotaViewSet, basename="rota")
router.register("clinicians", api.ClinicianViewSet, basename="clinician")
router.register("pathways", pathways_api.PathwayViewSet, basename="pathway")
router.register("decisions", pathways_api.DecisionViewSet, basename="decision")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/oncall/", api.oncall, name="api-oncall"),
    path("api/v1/covers/", api.cover_create, name="api-covers"),
    path("api/v1/leave/", api.leave_create, name="api-leave"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(
        url_name="api-schema", template_name="api/swagger_ui.html"), name="api-docs"),
    path("feeds/rota/<str:secret>.ics", ics.rota_feed_view, name="feed-rota"),
    path("feeds/clinician/<str:secret>.ics", ics.clinician_feed_view, name="feed-clinician"),
    re_path(r"^api/", not_found),
]
