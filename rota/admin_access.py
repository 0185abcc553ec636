"""The admin's side of :mod:`rota.access`: every admin path asks the one rule.

Each model admin names its object's :class:`~rota.access.Kind` and how a row
reaches its network (``network_path``). From those two facts this module
decides the changelist, the change, add and delete permissions, bulk actions,
the choices of every select and list filter, autocomplete (which reads the
related admin's queryset), and the history pages, which are read-only: nothing
is reverted from history, and a history page is scoped like its object.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin

from rota.access import Kind, may_change, may_read, network_ids_where

# Each admin-registered model's ORM path to its network id ("id" for a network),
# filled in as the admins are built; None for rows that belong to no one network.
NETWORK_PATHS: dict[type, str | None] = {}


def network_id_of(obj) -> int | None:
    """The id of the network a row belongs to, following :data:`NETWORK_PATHS`."""
    path = NETWORK_PATHS[type(obj)]
    if path is None:
        return None
    if path == "id":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id")


def in_networks(rows, model, network_ids):
    """``rows`` of ``model`` that belong to ``network_ids`` (None: every network)."""
    if network_ids is None:
        return rows
    path = NETWORK_PATHS.get(model)
    if path is None:
        return rows.none()
    lookup = "pk__in" if path == "id" else f"{path}__in"
    return rows.filter(**{lookup: network_ids})


def _present(network_ids) -> bool:
    return network_ids is None or bool(network_ids)


class _Scoped:
    """What admins and inlines share: the kind's networks, and scoped selects."""

    access_kind: Kind

    def changeable_networks(self, request):
        return network_ids_where(request.user, self.access_kind, change=True)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A select offers only rows of the networks where the user may change this
        # kind of object: a lead's contact step cannot point at another network's rota.
        related = db_field.related_model
        if related in NETWORK_PATHS:
            kwargs["queryset"] = in_networks(
                related._default_manager.all(), related, self.changeable_networks(request)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if related in NETWORK_PATHS:
            kwargs["queryset"] = in_networks(
                related._default_manager.all(), related, self.changeable_networks(request)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class AccessModelAdmin(_Scoped, admin.ModelAdmin):
    """A model admin scoped by :mod:`rota.access`.

    ``lists``: "change" shows the rows the user may change (most kinds);
    "read" shows the rows the user may read (the decision log, which nobody changes).
    """

    network_path: str | None = "network"
    lists = "change"

    def __init__(self, model, admin_site):
        NETWORK_PATHS[model] = self.network_path
        super().__init__(model, admin_site)

    # --- Which rows ---------------------------------------------------------------

    def listed_networks(self, request):
        if self.lists == "read":
            return network_ids_where(request.user, self.access_kind, change=False)
        return self.changeable_networks(request)

    def get_queryset(self, request):
        return in_networks(super().get_queryset(request), self.model,
                           self.listed_networks(request))

    def get_list_filter(self, request):
        # A filter on a related row lists only rows related to the ones shown here.
        filters = []
        for entry in super().get_list_filter(request):
            if isinstance(entry, str) and self._is_relation(entry):
                entry = (entry, admin.RelatedOnlyFieldListFilter)
            filters.append(entry)
        return filters

    def _is_relation(self, path: str) -> bool:
        model = self.model
        for name in path.split("__"):
            field = model._meta.get_field(name)
            if not field.is_relation:
                return False
            model = field.related_model
        return True

    # --- Permissions -----------------------------------------------------------

    def _may_read_row(self, request, obj) -> bool:
        listed = self.listed_networks(request)
        if obj is None:
            return _present(listed)
        return listed is None or network_id_of(obj) in listed

    def _may_change_row(self, request, obj) -> bool:
        if obj is None:
            return _present(self.changeable_networks(request))
        return may_change(request.user, self.access_kind, network_id_of(obj))

    def has_module_permission(self, request):
        return self._may_read_row(request, None)

    def has_view_permission(self, request, obj=None):
        return self._may_read_row(request, obj)

    def has_add_permission(self, request):
        return self._may_change_row(request, None)

    def has_change_permission(self, request, obj=None):
        return self._may_change_row(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change_row(request, obj)

    def save_model(self, request, obj, form, change):
        # The selects already offer only allowed rows; this holds even if a form forgets.
        if not may_change(request.user, self.access_kind, network_id_of(obj)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if not self.has_delete_permission(request, obj):
            raise PermissionDenied
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # A bulk delete is as many single deletes: each row is asked about on its own.
        rows = list(queryset)
        if not all(self.has_delete_permission(request, row) for row in rows):
            raise PermissionDenied
        for row in rows:
            row.delete()



class AccessAdmin(AccessModelAdmin, SimpleHistoryAdmin):
    """A scoped model admin whose history pages are read-only and scoped like the object."""

    def _object_in_scope(self, request, object_id):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404
        return obj

    def history_view(self, request, object_id, extra_context=None):
        self._object_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"], "History is for reading.")
        self._object_in_scope(request, object_id)
        record = self.model.history.filter(pk=version_id, **{
            self.model._meta.pk.attname: object_id
        }).first()
        if record is None or not self._may_read_row(request, record.instance):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False


class AccessInline(_Scoped):
    """An inline asks about its parent row, which is of the same kind."""

    def _may(self, request, parent) -> bool:
        if parent is None:
            return _present(self.changeable_networks(request))
        return may_change(request.user, self.access_kind, network_id_of(parent))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return True
        return may_read(request.user, self.access_kind, network_id_of(obj)) or self._may(
            request, obj
        )

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)

