"""The printed rota pack, at /rota/pack.pdf."""

from django.urls import path

from rota import pack_views

app_name = "rota_pack"

urlpatterns = [
    path("rota/pack.pdf", pack_views.pack_pdf, name="pack_pdf"),
]
