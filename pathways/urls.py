from django.urls import path

from pathways import views

app_name = "pathways"

urlpatterns = [
    path("", views.start, name="start"),
    path("site/", views.choose_site, name="site"),
    path("pathways/<slug:slug>/", views.pathway_detail, name="pathway"),
    path("pathways/<slug:slug>/refer/", views.refer, name="refer"),
    path("decisions/", views.decision_lookup, name="decision_lookup"),
    path("decisions/<str:reference>/", views.decision_detail, name="decision"),
]
