"""Pathways as versioned decision trees, and the log of decisions they gave.

A :class:`PathwayVersion` is a draft until :mod:`pathways.publishing` publishes
it; from then on the version and everything in it (nodes, options, branches,
contact steps) can never change or be deleted. That is enforced here, in
``save()`` / ``delete()`` and in the querysets' ``update()`` / ``delete()``, so
that the admin, the API and the shell all meet the same refusal. Nothing in
this project writes these tables with ``QuerySet.update`` or plain
``bulk_create``; raw SQL would bypass the guard and is not used.

Next-node references are key strings within one version, so a clone is a plain
copy and validation can report a dangling key by name. A node's ``identity``
is copied with it, so a diff matches a node across versions even if its key
was renamed.

Rotas, sites and trusts that any version refers to (draft ones too) are
protected: deleting them raises ``ProtectedError``. A draft that blocks a
deletion can be edited or deleted first.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords

from common.phones import normalise_uk_number
from pathways.errors import FrozenError
from rota.models import Network, Rota, Site, Trust, slug_help

key_help = "Lower-case letters, digits and hyphens; unique within the version."


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class NodeKind(models.TextChoices):
    QUESTION = "question", "Question"
    TIME_WINDOW = "time_window", "In hours or out of hours (automatic)"
    REFERRING_SITE = "referring_site", "Referring site (automatic)"
    OUTCOME = "outcome", "Outcome"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate: call now"
    URGENT = "urgent", "Urgent: within the hour"
    ROUTINE = "routine", "Not an emergency: next working day"


class BranchCondition(models.TextChoices):
    IN_HOURS = "in_hours", "In hours"
    OUT_OF_HOURS = "out_of_hours", "Out of hours"
    SITE = "site", "Referring site is"
    TRUST = "trust", "Referring site belongs to trust"
    DEFAULT = "default", "Any other referring site"


class StepKind(models.TextChoices):
    ROTA = "rota", "A named rota"
    ROLE = "role", "A role, resolved for the referring site"
    FIXED = "fixed", "A fixed contact"


class Channel(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"


def _refuse_unless_draft(versions: Q) -> None:
    """Raise :class:`FrozenError` if any version matching ``versions`` is not a draft.

    Call inside a transaction: the versions' rows stay locked until it ends, so
    an edit and a publish of the same version take turns (publishing locks the
    version row too) and an edit never slips in between validation and release.
    """
    rows = (
        PathwayVersion.objects.select_for_update(of=("self",))
        .filter(versions)
        .select_related("pathway")
        .order_by("pk")
    )
    frozen = next((row for row in rows if row.status != VersionStatus.DRAFT), None)
    if frozen is not None:
        raise FrozenError(
            f"{frozen} is {frozen.get_status_display().lower()} and can never change. "
            "Create a new draft to edit the pathway."
        )


class VersionContentQuerySet(models.QuerySet):
    """Refuses bulk update or delete of rows that belong to a non-draft version."""

    version_path = "version"

    def _refuse_frozen(self) -> None:
        prefix = f"{self.version_path}__" if self.version_path else ""
        ids = self.values_list(f"{prefix}id" if prefix else "id", flat=True)
        _refuse_unless_draft(Q(id__in=list(ids)))

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            self._refuse_frozen()
            return super().update(**kwargs)

    def delete(self):
        with transaction.atomic(using=self.db):
            self._refuse_frozen()
            return super().delete()


class VersionQuerySet(VersionContentQuerySet):
    version_path = ""

    def published(self):
        """Published versions: at most one per pathway (``one_published_version_per_pathway``)."""
        return self.filter(status=VersionStatus.PUBLISHED)


class NodeQuerySet(VersionContentQuerySet):
    version_path = "version"


class NodePartQuerySet(VersionContentQuerySet):
    version_path = "node__version"


def protect_unless_draft(collector, field, sub_objs, using):
    """``on_delete`` for a pathway's versions: drafts go with it, anything else blocks it."""
    frozen = [version for version in sub_objs if version.status != VersionStatus.DRAFT]
    if frozen:
        raise models.ProtectedError(
            "This pathway has published or retired versions, which are kept for ever.",
            set(frozen),
        )
    models.CASCADE(collector, field, sub_objs, using)


class Pathway(models.Model):
    """A pathway of a network, e.g. ``vascular-ir``; its content lives in versions."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="pathways")
    slug = models.SlugField(unique=True, help_text=slug_help)
    title = models.CharField(max_length=200)
    specialty = models.CharField(max_length=100)
    review_date = models.DateField(help_text="When the clinical content must be reviewed.")
    description = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["network", "title"]

    def __str__(self) -> str:
        return self.title


class PathwayVersion(models.Model):
    """One numbered version of a pathway's tree: draft, then published, then retired."""

    pathway = models.ForeignKey(
        Pathway, on_delete=protect_unless_draft, related_name="versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT, editable=False
    )
    root_key = models.SlugField(max_length=60, blank=True, help_text="Key of the first node.")
    change_summary = models.TextField(blank=True)
    # Users are deactivated, not deleted: SET_NULL would rewrite a frozen version.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False,
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False,
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    retired_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Counts the editor's saves to the draft: a save posted from a page showing an older
    # revision is refused (pathways.editing), so two leads never overwrite each other.
    revision = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = VersionQuerySet.as_manager()

    # Status changes publishing.py may make, and the fields each may touch.
    TRANSITIONS = {
        (VersionStatus.DRAFT, VersionStatus.PUBLISHED): {
            "status", "published_by_id", "published_at",
        },
        (VersionStatus.PUBLISHED, VersionStatus.RETIRED): {"status", "retired_at"},
    }

    class Meta:
        ordering = ["pathway", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "number"], name="version_number_unique_per_pathway",
                violation_error_message="This pathway already has a version with this number.",
            ),
            models.UniqueConstraint(
                fields=["pathway"],
                condition=Q(status="published"),
                name="one_published_version_per_pathway",
                violation_error_message="A pathway has at most one published version.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="version_number_positive",
                violation_error_message="Version numbers start at 1.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pathway} v{self.number}"

    def save(self, *args, status_transition: bool = False, **kwargs):
        """Save a draft; anything else only as a transition made by ``pathways.publishing``."""
        if self._state.adding:
            if self.status != VersionStatus.DRAFT:
                raise FrozenError("A new version starts as a draft; publish it to release it.")
            return super().save(*args, **kwargs)
        fields = [f.attname for f in self._meta.concrete_fields]
        stored = PathwayVersion.objects.filter(pk=self.pk).values(*fields).first()
        if stored is None:
            return super().save(*args, **kwargs)
        if stored["status"] == VersionStatus.DRAFT and self.status == VersionStatus.DRAFT:
            return super().save(*args, **kwargs)
        allowed = self.TRANSITIONS.get((stored["status"], self.status))
        changed = {name for name in fields if stored[name] != getattr(self, name)}
        if not status_transition or allowed is None or not changed <= allowed:
            raise FrozenError(
                f"{self} is {VersionStatus(stored['status']).label.lower()} and can never "
                "change. Create a new draft to edit the pathway."
            )
        return super().save(*args, **kwargs)

    @transaction.atomic
    def delete(self, *args, **kwargs):
        _refuse_unless_draft(Q(pk=self.pk))
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


def published_version(pathway: Pathway) -> PathwayVersion | None:
    """``pathway``'s published version, if any; from its prefetched versions when they are."""
    prefetched = getattr(pathway, "_prefetched_objects_cache", {}).get("versions")
    if prefetched is not None:
        return next((v for v in prefetched if v.status == VersionStatus.PUBLISHED), None)
    return pathway.versions.published().first()


class Node(models.Model):
    """A step of the tree: a question, an automatic branch, or an outcome."""

    version = models.ForeignKey(PathwayVersion, on_delete=models.CASCADE, related_name="nodes")
    key = models.SlugField(max_length=60, help_text=key_help)
    kind = models.CharField(max_length=14, choices=NodeKind.choices)
    text = models.CharField(
        max_length=300, help_text="The question as asked, or the outcome's headline."
    )
    help_text = models.TextField(blank=True, help_text="Shown with a question, e.g. definitions.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in lists and PDFs.")
    urgency = models.CharField(max_length=10, choices=Urgency.choices, blank=True)
    instructions = models.TextField(
        blank=True, help_text="Markdown; rendered sanitised. What to do first, safety notes."
    )
    transfer_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="Where the patient goes, if a transfer is part of the outcome.",
    )
    transfer_text = models.CharField(
        max_length=300, blank=True, help_text="Transfer destination or arrangements in words."
    )
    # The same step of the pathway in every version: copied when a draft is cloned,
    # new for a node added to a draft. Diffs match nodes by it, not by key.
    identity = models.UUIDField(default=uuid.uuid4, editable=False)
    history = HistoricalRecords()

    objects = NodeQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "key"], name="node_key_unique_per_version",
                violation_error_message="Another node of this version has this key.",
            ),
            models.UniqueConstraint(
                fields=["version", "identity"], name="node_identity_unique_per_version",
                violation_error_message="Another node of this version has this identity.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.text}"

    @transaction.atomic
    def save(self, *args, **kwargs):
        stored = Node.objects.filter(pk=self.pk).values_list("version_id", flat=True)
        _refuse_unless_draft(Q(pk=self.version_id) | Q(pk__in=list(stored)))
        return super().save(*args, **kwargs)

    @transaction.atomic
    def delete(self, *args, **kwargs):
        _refuse_unless_draft(Q(nodes__pk=self.pk))
        return super().delete(*args, **kwargs)


class NodePart(models.Model):
    """Something that belongs to a node, frozen with the node's version."""

    objects = NodePartQuerySet.as_manager()

    class Meta:
        abstract = True

    @transaction.atomic
    def save(self, *args, **kwargs):
        stored = type(self).objects.filter(pk=self.pk).values_list("node_id", flat=True)
        _refuse_unless_draft(Q(nodes__pk=self.node_id) | Q(nodes__pk__in=list(stored)))
        return super().save(*args, **kwargs)

    @transaction.atomic
    def delete(self, *args, **kwargs):
        stored = type(self).objects.filter(pk=self.pk).values_list("node_id", flat=True)
        _refuse_unless_draft(Q(nodes__pk__in=list(stored)))
        return super().delete(*args, **kwargs)


class Option(NodePart):
    """An answer to a question, leading to the node with key ``next_key``."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=60)
    text = models.CharField(max_length=300, help_text="The answer as shown.")
    order = models.PositiveSmallIntegerField(default=0)
    next_key = models.SlugField(max_length=60, help_text="Key of the node this answer leads to.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["node", "order", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "key"], name="option_key_unique_per_question",
                violation_error_message="Another option of this question has this key.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.next_key}"


class Branch(NodePart):
    """An automatic node's way out: by hours, or by referring site or trust."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="branches")
    condition = models.CharField(max_length=12, choices=BranchCondition.choices)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    trust = models.ForeignKey(
        Trust, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    next_key = models.SlugField(max_length=60)
    history = HistoricalRecords()

    class Meta:
        ordering = ["node", "condition", "id"]
        verbose_name_plural = "branches"
        constraints = [
            models.CheckConstraint(
                condition=(Q(condition="site") & Q(site__isnull=False) & Q(trust__isnull=True))
                | (Q(condition="trust") & Q(trust__isnull=False) & Q(site__isnull=True))
                | (~Q(condition__in=["site", "trust"]) & Q(site__isnull=True)
                   & Q(trust__isnull=True)),
                name="branch_site_or_trust_matches_condition",
                violation_error_message=(
                    "A site branch names a site, a trust branch names a trust, "
                    "and other branches name neither."
                ),
            ),
            models.UniqueConstraint(
                fields=["node", "condition"],
                condition=Q(condition__in=["in_hours", "out_of_hours", "default"]),
                name="branch_condition_once_per_node",
                violation_error_message="This node already has a branch for this condition.",
            ),
            models.UniqueConstraint(
                fields=["node", "site"], condition=Q(site__isnull=False),
                name="branch_site_once_per_node",
                violation_error_message="This node already has a branch for this site.",
            ),
            models.UniqueConstraint(
                fields=["node", "trust"], condition=Q(trust__isnull=False),
                name="branch_trust_once_per_node",
                violation_error_message="This node already has a branch for this trust.",
            ),
        ]

    def __str__(self) -> str:
        target = self.site or self.trust or self.get_condition_display()
        return f"{target} → {self.next_key}"


class ContactStep(NodePart):
    """Who to contact at an outcome, in order: a rota, a role, or a fixed number."""

    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=5, choices=StepKind.choices)
    rota = models.ForeignKey(
        Rota, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.SlugField(max_length=60, blank=True, help_text="Role tag, e.g. ir-consultant.")
    label = models.CharField(
        max_length=200, blank=True,
        help_text="For a fixed contact, e.g. 'Royal Preston switchboard'.",
    )
    number = models.CharField(max_length=20, blank=True)
    instruction = models.CharField(
        max_length=300, blank=True,
        help_text="e.g. 'Discuss with the on-call vascular surgeon first'.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["node", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="rota") & Q(rota__isnull=False) & Q(role="") & Q(number=""))
                | (Q(kind="role") & Q(rota__isnull=True) & ~Q(role="") & Q(number=""))
                | (Q(kind="fixed") & Q(rota__isnull=True) & Q(role="") & ~Q(label="")
                   & ~Q(number="")),
                name="contact_step_fields_match_kind",
                violation_error_message=(
                    "A rota step names a rota, a role step a role, and a fixed step a label "
                    "and a number; nothing else."
                ),
            )
        ]

    def __str__(self) -> str:
        target = {
            StepKind.ROTA: lambda: str(self.rota),
            StepKind.ROLE: lambda: f"role {self.role}",
        }.get(self.kind, lambda: f"{self.label} {self.number}")()
        return f"{self.order}. {target}"

    def clean(self) -> None:
        if self.kind == StepKind.FIXED and self.number:
            try:
                self.number = normalise_uk_number(self.number)
            except ValidationError as error:
                raise ValidationError({"number": error.messages}) from error


class DecisionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise FrozenError("Decisions are an append-only log: they cannot be changed.")

    def delete(self):
        raise FrozenError("Decisions are an append-only log: they cannot be deleted.")


class Decision(models.Model):
    """One completed evaluation for now, on the version the referral was pinned to: append-only.

    ``answers`` is the path as shown (questions, options and automatic facts);
    ``outcome`` holds the contacts as resolved, in full: redact when reading.
    No patient identifiers are asked for or stored. Not history-tracked: a
    row never changes, so its creation is its whole history.
    """

    reference = models.CharField(max_length=12, unique=True)
    version = models.ForeignKey(PathwayVersion, on_delete=models.PROTECT, related_name="decisions")
    answers = models.JSONField()
    outcome = models.JSONField()
    referring_site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+")
    # Users are deactivated, not deleted: a decision names who asked, for ever.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    at = models.DateTimeField(help_text="The instant the pathway was evaluated for.")
    created_at = models.DateTimeField()
    channel = models.CharField(max_length=3, choices=Channel.choices)
    superseded_during_referral = models.BooleanField(
        default=False,
        help_text="The version was retired (a newer one published) less than an hour before "
                  "the referral finished on it: logged all the same, and the page said so.",
    )

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise FrozenError("Decisions are an append-only log: they cannot be changed.")
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise FrozenError("Decisions are an append-only log: they cannot be deleted.")


class ReadyTree(models.Model):
    """A published or retired version's tree as evaluations read it, kept ready.

    ``tree`` is the pickled :class:`~pathways.tree.PlainTree` that
    :func:`pathways.selectors.load_tree` reads, with its network's sites and
    trusts. It is served only at the generation it was read at
    (:class:`rota.models.AnswerGeneration`): triggers move that generation on
    every write to a site, a trust, a pathway, or a version that is not a
    draft, its nodes or their parts. Drafts are never kept ready.

    ``keys`` lists, as JSON, the stored contacts the tree's steps are found by
    (:mod:`rota.contacts`), role steps' with ``{site}`` for the referring site's
    id: read with the tree, they save an evaluation its second query.
    """

    version_id = models.BigIntegerField(primary_key=True)
    network_id = models.BigIntegerField()
    generation = models.BigIntegerField()
    rules = models.CharField(max_length=64)
    tree = models.BinaryField()
    keys = models.TextField(default="[]")

    def __str__(self) -> str:
        return f"version {self.version_id} at generation {self.generation}"
