from django.urls import path

from rota import views

app_name = "rota"

urlpatterns = [
    path("rota/pack.pdf", views.pack_pdf, name="pack_pdf"),
]
