"""Admin for API tokens and calendar-feed addresses: create (secret shown once), revoke.

Registered on the default admin site when imported; ``rota/admin.py`` imports it.
"""

from django.contrib import admin, messages
from django.utils import timezone

from rota.access import Kind
from rota.admin_access import AccessModelAdmin
from rota.models import ApiToken, FeedToken
from rota.tokens import (
    api_token_create,
    feed_path,
    feed_token_create,
    revoke,
)


class _RevocableAdmin(AccessModelAdmin):
    """Secrets are issued once and revoked, never edited or deleted (the record stays)."""

    access_kind = Kind.SECRET

    actions = ["revoke"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        return [f.name for f in self.model._meta.fields]

    revoked_noun = "secret(s)"

    @admin.display(boolean=True, description="live")
    def live(self, obj) -> bool:
        return obj.revoked_at is None

    @admin.action(description="Revoke the selected %(verbose_name_plural)s")
    def revoke(self, request, queryset):
        now = timezone.now()
        for secret in queryset:
            revoke(secret, at=now)
        messages.success(request, f"Revoked {queryset.count()} {self.revoked_noun}.")


@admin.register(ApiToken)
class ApiTokenAdmin(_RevocableAdmin):
    revoked_noun = "token(s)"
    list_display = ["name", "prefix", "role", "network", "live", "last_used_at", "created_by"]
    list_filter = ["network", "role"]
    fields = ["name", "role", "network", "throttle_rate"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, secret = api_token_create(
            name=obj.name, role=obj.role, network=obj.network,
            throttle_rate=obj.throttle_rate, created_by=request.user,
        )
        obj.pk, obj.prefix = token.pk, token.prefix
        messages.warning(
            request,
            f"Copy this token now; it will not be shown again: {secret} "
            f"(send it as 'Authorization: Token {secret}').",
        )


@admin.register(FeedToken)
class FeedTokenAdmin(_RevocableAdmin):
    revoked_noun = "calendar feed(s)"
    network_path = None  # a rota's or a clinician's: admins only, like every secret
    list_display = ["__str__", "name", "live", "created_by", "created_at"]
    fields = ["rota", "clinician", "name"]

    def save_model(self, request, obj, form, change):
        if change:
            return
        feed, secret = feed_token_create(
            rota=obj.rota, clinician=obj.clinician, name=obj.name, created_by=request.user
        )
        obj.pk, obj.prefix = feed.pk, feed.prefix
        url = request.build_absolute_uri(feed_path(feed, secret))
        messages.warning(request, f"Copy this calendar address now; it will not be shown "
                                  f"again: {url}")
