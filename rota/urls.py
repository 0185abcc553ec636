from django.urls import path

from rota import pack_views

app_name = "rota"

urlpatterns = [
    path("rota/pack.pdf", pack_views.pack_pdf, name="pack_pdf"),
]
