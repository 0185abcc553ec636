from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from rota import models


@admin.register(models.Network)
class NetworkAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "nation"]


admin.site.register(models.ClosureDate, SimpleHistoryAdmin)
admin.site.register(models.Trust, SimpleHistoryAdmin)
admin.site.register(models.Site, SimpleHistoryAdmin)


class ContactInline(admin.TabularInline):
    model = models.ContactMethod
    extra = 0


@admin.register(models.Clinician)
class ClinicianAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "home_trust"]
    inlines = [ContactInline]


@admin.register(models.Rota)
class RotaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "role", "required_coverage", "based_at"]
    list_filter = ["network", "role"]


class ParticipantInline(admin.TabularInline):
    model = models.PatternParticipant
    extra = 0


@admin.register(models.RotationPattern)
class PatternAdmin(SimpleHistoryAdmin):
    inlines = [ParticipantInline]


@admin.register(models.Shift)
class ShiftAdmin(SimpleHistoryAdmin):
    list_display = ["rota", "clinician", "start", "end", "kind"]
    list_filter = ["rota", "kind"]


for model in (models.Cover, models.Leave, models.Divert, models.Note, models.Membership):
    admin.site.register(model, SimpleHistoryAdmin)
