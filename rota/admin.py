"""The rota coordinator's admin: an adapter over ``rota.services`` and ``rota.access``.

Who may see and change a row is decided by :mod:`rota.access` through
:mod:`rota.admin_access` (each admin names its kind of object and the path to
its network), not by Django's per-model permissions. The forms check the same
rules as the services, by calling the services' check functions.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rota import models, services
from rota.access import Kind, may_grant_role
from rota.admin_access import AccessAdmin, AccessInline
from rota.calendars import local
from rota.generation import pattern_extend


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a rule's error on the form: on its field when the form has it, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ScopedAdmin(AccessAdmin):
    access_kind = Kind.ROTA


def network_filter(path: str):
    return (path, admin.RelatedOnlyFieldListFilter)


# --- Organisations -----------------------------------------------------------


@admin.register(models.Network)
class NetworkAdmin(ScopedAdmin):
    access_kind = Kind.REFERENCE
    network_path = "id"
    list_display = ["name", "slug", "nation", "working_day_start", "working_day_end"]


@admin.register(models.ClosureDate)
class ClosureDateAdmin(ScopedAdmin):
    list_display = ["date", "reason", "network"]
    list_filter = [network_filter("network")]


@admin.register(models.Trust)
class TrustAdmin(ScopedAdmin):
    access_kind = Kind.REFERENCE
    list_display = ["name", "ods_code", "network"]
    list_filter = [network_filter("network")]


@admin.register(models.Site)
class SiteAdmin(ScopedAdmin):
    access_kind = Kind.REFERENCE
    network_path = "trust__network"
    list_display = ["name", "ods_code", "short_name", "switchboard", "trust"]
    list_filter = [network_filter("trust__network")]


class ContactInline(AccessInline, admin.TabularInline):
    access_kind = Kind.PEOPLE
    model = models.ContactMethod
    extra = 0


@admin.register(models.Clinician)
class ClinicianAdmin(ScopedAdmin):
    access_kind = Kind.PEOPLE
    network_path = "home_trust__network"
    list_display = ["name", "role", "home_trust", "active"]
    list_filter = [network_filter("home_trust__network"), "active"]
    search_fields = ["name"]
    inlines = [ContactInline]


@admin.register(models.ContactMethod)
class ContactMethodAdmin(ScopedAdmin):
    access_kind = Kind.PEOPLE
    network_path = "clinician__home_trust__network"
    list_display = ["clinician", "kind", "value", "visibility", "site"]
    list_filter = [network_filter("clinician__home_trust__network"), "kind", "visibility"]
    list_select_related = ["clinician", "site"]


@admin.register(models.Membership)
class MembershipAdmin(ScopedAdmin):
    access_kind = Kind.MEMBERSHIP
    list_display = ["user", "network", "role", "home_site"]
    list_filter = [network_filter("network"), "role"]
    search_fields = ["user__username"]

    def _may_change_row(self, request, obj) -> bool:
        # A lead grants any role but lead; a lead membership is an admin's to change.
        if obj is not None and not may_grant_role(request.user, obj.network_id, obj.role):
            return False
        return super()._may_change_row(request, obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [
                (value, label) for value, label in models.Role.choices
                if value != models.Role.LEAD
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not may_grant_role(request.user, obj.network_id, obj.role):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


# --- Rotas and patterns --------------------------------------------------------


@admin.register(models.Rota)
class RotaAdmin(ScopedAdmin):
    list_display = ["name", "slug", "role", "required_coverage", "based_at", "fallback"]
    list_filter = [network_filter("network"), "role", "required_coverage"]
    filter_horizontal = ["serves"]
    search_fields = ["name", "slug"]


class ParticipantInline(AccessInline, admin.TabularInline):
    access_kind = Kind.ROTA
    model = models.PatternParticipant
    extra = 0


@admin.register(models.RotationPattern)
class PatternAdmin(ScopedAdmin):
    network_path = "rota__network"
    list_display = ["name", "rota", "cadence", "every", "shift_start", "shift_end", "days"]
    list_filter = [network_filter("rota__network")]
    inlines = [ParticipantInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Regenerate at once, so the change shows before tonight's scheduled job.
        now = timezone.now()
        until = now + timedelta(days=settings.ROTA_GENERATION_HORIZON_DAYS)
        result = pattern_extend(form.instance, now=now, until=until)
        self.message_user(
            request, f"Future shifts: {result.created} created, {result.deleted} removed."
        )
        for conflict in result.conflicts:
            self.message_user(request, f"Skipped {conflict}", level=messages.WARNING)


@admin.register(models.PatternParticipant)
class ParticipantAdmin(ScopedAdmin):
    network_path = "pattern__rota__network"
    list_display = ["pattern", "position", "clinician"]
    list_filter = [network_filter("pattern__rota__network")]



# --- Shifts, covers, leave, diverts, notes -----------------------------------


class ShiftForm(forms.ModelForm):
    class Meta:
        model = models.Shift
        fields = ["rota", "clinician", "start", "end"]


@admin.register(models.Shift)
class ShiftAdmin(ScopedAdmin):
    network_path = "rota__network"
    form = ShiftForm
    list_display = ["rota", "clinician", "start", "end", "kind"]
    list_filter = [network_filter("rota__network"), network_filter("rota"), "kind"]
    list_select_related = ["rota", "clinician"]
    date_hierarchy = "start"

    def has_change_permission(self, request, obj=None):
        # A generated shift changes with its pattern, or is covered; editing it
        # here would be undone by the next generation run.
        if obj is not None and obj.kind == models.ShiftKind.ROTATION:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.kind == models.ShiftKind.ROTATION:
            return request.user.is_superuser
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        obj.kind = models.ShiftKind.MANUAL
        super().save_model(request, obj, form, change)


class CoverForm(forms.ModelForm):
    class Meta:
        model = models.Cover
        fields = ["rota", "replaces", "covering", "start", "end", "reason"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("rota") and data.get("covering") and start and end and start < end:
            try:
                services.cover_check(
                    rota=data["rota"], covering=data["covering"], replaces=data.get("replaces"),
                    start=start, end=end,
                )
            except ValidationError as error:
                add_errors(self, error)
        return data


@admin.register(models.Cover)
class CoverAdmin(ScopedAdmin):
    network_path = "rota__network"
    form = CoverForm
    list_display = ["rota", "covering", "replaces", "start", "end", "reason"]
    list_filter = [network_filter("rota__network"), network_filter("rota")]
    list_select_related = ["rota", "covering", "replaces"]


class LeaveForm(forms.ModelForm):
    """Leave by whole Europe/London days, first and last inclusive."""

    first_day = forms.DateField(help_text="First day away (Europe/London).")
    last_day = forms.DateField(
        help_text="Last day away, inclusive. Leave entered with times elsewhere is saved "
        "here as whole days."
    )

    class Meta:
        model = models.Leave
        fields = ["clinician", "first_day", "last_day", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["first_day"] = first_day_of(self.instance)
            self.initial["last_day"] = last_day_of(self.instance)

    def clean(self):
        data = super().clean()
        if data.get("first_day") and data.get("last_day"):
            try:
                self.instance.start, self.instance.end = services.leave_window(
                    data["first_day"], data["last_day"], today=local(timezone.now()).date()
                )
            except ValidationError as error:
                self.add_error("last_day", error.messages)
        return data


def first_day_of(leave) -> date:
    return local(leave.start).date()


def last_day_of(leave) -> date:
    # Leave is half-open: leave ending at midnight ends on the day before.
    return local(leave.end - timedelta(microseconds=1)).date()


@admin.register(models.Leave)
class LeaveAdmin(ScopedAdmin):
    access_kind = Kind.LEAVE
    network_path = "clinician__home_trust__network"
    form = LeaveForm
    list_display = ["clinician", "first_day", "last_day", "reason"]
    list_filter = [network_filter("clinician__home_trust__network")]
    list_select_related = ["clinician"]
    search_fields = ["clinician__name"]

    @admin.display(description="First day", ordering="start")
    def first_day(self, obj):
        return first_day_of(obj)

    @admin.display(description="Last day", ordering="end")
    def last_day(self, obj):
        return last_day_of(obj)


class DivertForm(forms.ModelForm):
    class Meta:
        model = models.Divert
        fields = ["rota", "start", "end", "to_rota", "contact_label", "contact_number", "reason"]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if data.get("rota") and start and end and start < end and "contact_number" in data:
            try:
                data["contact_number"] = services.divert_check(
                    rota=data["rota"], start=start, end=end, to_rota=data.get("to_rota"),
                    contact_label=data.get("contact_label", ""),
                    contact_number=data["contact_number"], exclude_id=self.instance.pk,
                )
            except ValidationError as error:
                add_errors(self, error)
        return data


@admin.register(models.Divert)
class DivertAdmin(ScopedAdmin):
    network_path = "rota__network"
    form = DivertForm
    list_display = ["rota", "start", "end", "to_rota", "contact_label", "reason"]
    list_filter = [network_filter("rota__network"), network_filter("rota")]
    list_select_related = ["rota", "to_rota"]


class NoteForm(forms.ModelForm):
    class Meta:
        model = models.Note
        fields = ["rota", "start", "end", "text"]


@admin.register(models.Note)
class NoteAdmin(ScopedAdmin):
    access_kind = Kind.NOTE
    network_path = "rota__network"
    form = NoteForm
    list_display = ["rota", "start", "end", "text", "author"]
    list_filter = [network_filter("rota__network"), network_filter("rota")]
    list_select_related = ["rota", "author"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)


from rota import token_admin  # noqa: E402, F401  (registers the token admins)
