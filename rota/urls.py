"""The switchboard's pages, under /switchboard/."""

from django.urls import path

from rota import views

app_name = "rota"

urlpatterns = [
    path("", views.board, name="board"),
    path("rotas/<slug:slug>/", views.rota_detail, name="rota"),
    path("rotas/<slug:slug>/notes/", views.note_add, name="note_add"),
    path("notes/<int:pk>/end/", views.note_end, name="note_end"),
    path("clinicians/<int:pk>/", views.clinician_detail, name="clinician"),
]
