from django.urls import path

from pathways import pdf_views, preview_views, views

app_name = "pathways"

urlpatterns = [
    path("", views.start, name="start"),
    path("site/", views.choose_site, name="site"),
    path("pathways/<slug:slug>/", views.pathway_detail, name="pathway"),
    path("pathways/<slug:slug>.pdf", pdf_views.pathway_pdf_view, name="pathway_pdf"),
    path("pathways/<slug:slug>/v<int:number>.pdf", pdf_views.version_pdf_view,
         name="version_pdf"),
    path("pathways/<slug:slug>/refer/", views.refer, name="refer"),
    path("pathways/<slug:slug>/v<int:number>/preview/", preview_views.preview,
         name="preview"),
    path("decisions/", views.decision_lookup, name="decision_lookup"),
    path("decisions/<str:reference>/", views.decision_detail, name="decision"),
]
