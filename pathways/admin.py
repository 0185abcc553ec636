"""Admin for network leads: edit drafts, see them validated, publish; the rest read-only.

Access is :mod:`rota.access` per network, through :mod:`rota.admin_access`
(pathways for anyone to read and leads to change; drafts for leads only; the
decision log read-only); status changes go through :mod:`pathways.publishing`;
published and retired versions, their nodes and the decision log are read-only
here (and refused by the models).
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from common.history import CHANGE_REASON_LENGTH
from pathways import models
from pathways.admin_editor import NodeEditViews, VersionEditorViews
from pathways.editing import changes_since, draft_publish, draft_touched
from pathways.errors import PathwayError
from pathways.presentation import redact_outcome
from pathways.publishing import review_state, version_create_draft, version_retire
from pathways.selectors import validate_version
from rota.access import STAFF_VISIBLE, Kind, Viewer
from rota.admin_access import AccessAdmin, AccessInline, AccessModelAdmin

STAFF_VIEWER = Viewer(sees_names=True, visibilities=STAFF_VISIBLE)


def _is_frozen(version) -> bool:
    return version is not None and version.status != models.VersionStatus.DRAFT


def _notify(modeladmin, request, error: PathwayError) -> None:
    modeladmin.message_user(request, error.message, messages.ERROR)
    for problem in getattr(error, "problems", ()):
        modeladmin.message_user(request, str(problem), messages.ERROR)


class VersionInline(AccessInline, admin.TabularInline):
    access_kind = Kind.DRAFT
    model = models.PathwayVersion
    fields = ["number", "status", "change_summary", "published_at", "retired_at"]
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Pathway)
class PathwayAdmin(AccessAdmin):
    access_kind = Kind.PATHWAY
    list_display = ["title", "slug", "network", "specialty", "review", "published_number"]
    list_filter = ["network", "specialty"]
    inlines = [VersionInline]
    actions = ["create_draft"]

    @admin.display(description="Review date", ordering="review_date")
    def review(self, obj):
        state = review_state(review_date=obj.review_date,
                             today=timezone.localdate())
        words = {"overdue": "past review", "due": "review due within 28 days"}.get(state)
        if not words:
            return obj.review_date.isoformat()
        return format_html("{} <strong>({})</strong>", obj.review_date.isoformat(), words)

    @admin.display(description="Published version")
    def published_number(self, obj):
        published = models.published_version(obj)
        return published.number if published else "none"

    def get_readonly_fields(self, request, obj=None):
        # A pathway stays in its network: moving it would hand its drafts to another.
        if obj is not None:
            return [*super().get_readonly_fields(request, obj), "network"]
        return super().get_readonly_fields(request, obj)

    @admin.action(description="Create draft from published version")
    def create_draft(self, request, queryset):
        for pathway in queryset:
            try:
                draft = version_create_draft(pathway=pathway, user=request.user)
            except PathwayError as error:
                _notify(self, request, error)
            else:
                self.message_user(request, f"Created draft {draft}.", messages.SUCCESS)


class NodeInline(AccessInline, admin.TabularInline):
    """The version's nodes, listed to read: a draft's are edited in the editor (Tree),
    where a save from a stale page is refused and a removal lists what it strands."""

    access_kind = Kind.DRAFT
    model = models.Node
    fields = ["key", "kind", "text", "position"]
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionForm(forms.ModelForm):
    """The version's own fields, refused if the draft changed since the page was drawn."""

    # Not "revision": the model's field is not editable, so a form may not name it.
    page_revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0,
                                       max_value=2**31 - 1)

    class Meta:
        model = models.PathwayVersion
        fields = ["root_key", "change_summary"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["page_revision"].initial = self.instance.revision
        if "change_summary" in self.fields:
            self.fields["change_summary"].max_length = CHANGE_REASON_LENGTH
            self.fields["change_summary"].validators.append(
                MaxLengthValidator(CHANGE_REASON_LENGTH))
            self.fields["change_summary"].help_text = (
                f"What changed, in at most {CHANGE_REASON_LENGTH} characters: required to "
                "publish, and kept in the version's history."
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None or not self.instance.is_draft:
            return cleaned
        # Locked until the admin's transaction ends, so no save slips in after this check.
        stored = models.PathwayVersion.objects.select_for_update(of=("self",)).get(
            pk=self.instance.pk)
        if cleaned.get("page_revision") != stored.revision:
            raise forms.ValidationError([
                f"{stored} was changed since this page was loaded, so this save was not "
                "applied. Here is what changed; reload the page and redo your change if it "
                "still applies.",
                *changes_since(stored, cleaned.get("page_revision") or 0),
            ])
        return cleaned


@admin.register(models.PathwayVersion)
class PathwayVersionAdmin(VersionEditorViews, NodeEditViews, AccessAdmin):
    access_kind = Kind.DRAFT
    network_path = "pathway__network"
    list_display = ["__str__", "status", "published_at", "published_by", "retired_at", "pages"]
    list_filter = ["status", "pathway"]
    form = VersionForm
    fields = [
        "pathway", "number", "status", "pages", "root_key", "change_summary", "created_by",
        "published_by", "published_at", "retired_at", "validation", "page_revision",
    ]
    inlines = [NodeInline]
    actions = ["publish", "retire"]

    readonly_fields = [
        "pathway", "number", "status", "pages", "created_by", "published_by", "published_at",
        "retired_at", "validation",
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The editor's pages refuse a save drawn before this one (see pathways.editing).
        draft_touched(version=form.instance, user=request.user,
                      what="edited on the version's admin page")

    @admin.display(description="See")
    def pages(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        return format_html(
            '<a href="{}">Tree</a> · <a href="{}">Changes</a>',
            reverse("admin:pathways_pathwayversion_tree", args=[obj.pk]),
            reverse("admin:pathways_pathwayversion_diff", args=[obj.pk]),
        )

    def has_add_permission(self, request):
        return False  # drafts are made by the pathway's "Create draft" action

    # A published or retired version is view-only: no save button, no delete.
    def has_change_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_frozen(obj) and super().has_delete_permission(request, obj)

    @admin.display(description="Validation")
    def validation(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        if _is_frozen(obj):
            return "Validated when it was published."
        problems = validate_version(obj)
        if not problems:
            return "No problems: ready to publish."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><strong>{}</strong>: {}</li>",
                             ((p.node_key or "(version)", p.message) for p in problems)),
        )

    @admin.action(description="Publish (retires the published version)")
    def publish(self, request, queryset):
        for version in queryset:
            try:
                # The editor's rule: a change summary is required (write it on the version's
                # page, or publish from its Publish page, which shows the diff).
                draft_publish(version=version, revision=version.revision,
                              change_summary=version.change_summary, user=request.user,
                              now=timezone.now())
            except PathwayError as error:
                _notify(self, request, error)
            else:
                self.message_user(request, f"Published {version}.", messages.SUCCESS)

    @admin.action(description="Retire (the pathway will have no published version)")
    def retire(self, request, queryset):
        for version in queryset:
            try:
                version_retire(version=version, user=request.user, now=timezone.now())
            except PathwayError as error:
                _notify(self, request, error)
            else:
                self.message_user(request, f"Retired {version}.", messages.SUCCESS)


class NodePartInline(AccessInline, admin.TabularInline):
    access_kind = Kind.DRAFT
    extra = 0

    def _editable(self, node) -> bool:
        return node is None or not _is_frozen(node.version)

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class OptionInline(NodePartInline):
    model = models.Option
    fields = ["order", "key", "text", "next_key"]


class BranchInline(NodePartInline):
    model = models.Branch
    fields = ["condition", "site", "trust", "next_key"]


class ContactStepInline(NodePartInline):
    model = models.ContactStep
    fields = ["order", "kind", "rota", "role", "label", "number", "instruction"]


@admin.register(models.Node)
class NodeAdmin(AccessAdmin):
    """Nodes to find and read. A draft's node opens in the editor, which checks the
    draft's revision on every save and lists what a removal strands; a published or
    retired version's node is view-only here, as everywhere."""

    access_kind = Kind.DRAFT
    network_path = "version__pathway__network"
    list_display = ["key", "kind", "text", "version"]
    list_filter = ["kind", "version__pathway"]
    search_fields = ["key", "text"]
    inlines = [OptionInline, BranchInline, ContactStepInline]
    actions = None  # no bulk delete: a removal is the editor's, one node at a time

    def has_add_permission(self, request):
        return False  # a node is added under an option or a branch, in the editor

    def has_change_permission(self, request, obj=None):
        frozen = obj is not None and _is_frozen(obj.version)
        return not frozen and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        frozen = obj is not None and _is_frozen(obj.version)
        return not frozen and super().has_delete_permission(request, obj)

    def _in_editor(self, request, object_id, editor_url: str):
        """Send a draft's node to its page in the editor; ``None`` for anything else."""
        node = self.get_object(request, unquote(object_id))
        if node is None or not self.has_change_permission(request, node):
            return None
        if request.method == "POST":
            self.message_user(request, "Nothing was saved here: a draft's steps are edited "
                              "in the editor, which checks nobody changed them since.",
                              messages.WARNING)
        return redirect(editor_url, node.version_id, node.key)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self._in_editor(request, object_id, "admin:pathways_pathwayversion_node") or \
            super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        return self._in_editor(request, object_id,
                               "admin:pathways_pathwayversion_node_remove") or \
            super().delete_view(request, object_id, extra_context)


@admin.register(models.Decision)
class DecisionAdmin(AccessModelAdmin):
    access_kind = Kind.DECISION
    network_path = "version__pathway__network"
    lists = "read"
    list_display = ["reference", "version", "referring_site", "at", "channel", "created_at"]
    list_filter = ["channel", "version__pathway"]
    search_fields = ["reference"]
    fields = readonly_fields = [
        "reference", "version", "referring_site", "user", "at", "created_at", "channel",
        "answers", "outcome_as_staff_see_it",
    ]

    @admin.display(description="Outcome")
    def outcome_as_staff_see_it(self, obj):
        # The log holds every contact as resolved, personal numbers included; the
        # admin shows what any staff member of the network may see. Full contacts
        # are on the decision's own page, to those who may see them.
        return json.dumps(redact_outcome(obj.outcome, STAFF_VIEWER), indent=2)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
