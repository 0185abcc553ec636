"""Draft, publish and retire pathway versions: the only way a status changes.

Each service is keyword-only, runs in one transaction and locks the pathway
row first (``select_for_update``), so two publishes of the same pathway take
turns: never more than one version is published, and a failed publish leaves
the previous version published and nothing half-written. The partial unique
constraint ``one_published_version_per_pathway`` holds the same rule in the
database.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from common.history import acting, with_history
from pathways.errors import PublishingError
from pathways.models import Node, Pathway, PathwayVersion, VersionStatus
from pathways.selectors import validate_version

logger = logging.getLogger(__name__)


# django-simple-history keeps a change reason in 100 characters; PostgreSQL refuses more.
def _save(instance, *, user=None, reason: str = "", **save_kwargs):
    with_history(instance, user=user, reason=reason).save(**save_kwargs)
    return instance


def _copy(instance, *, user, reason: str, **overrides):
    """A new row with ``instance``'s field values, ``overrides`` applied."""
    values = {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }
    values.update(overrides)
    return _save(type(instance)(**values), user=user, reason=reason)


def _lock(pathway_id: int) -> Pathway:
    return Pathway.objects.select_for_update().get(pk=pathway_id)


@transaction.atomic
def version_create_draft(*, pathway: Pathway, user, change_summary: str = "") -> PathwayVersion:
    """A new draft numbered after the latest version, cloned from the published one.

    Without a published version the latest is cloned; without any version the
    draft starts empty. Refused while the pathway already has a draft.
    """
    pathway = _lock(pathway.pk)
    versions = list(PathwayVersion.objects.filter(pathway=pathway).order_by("-number"))
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    if draft is not None:
        raise PublishingError(
            f"Version {draft.number} of {pathway} is already a draft: edit it, or delete it "
            "before starting another.",
            code="draft_exists",
        )
    source = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    if source is None and versions:
        source = versions[0]
    number = versions[0].number + 1 if versions else 1
    reason = f"Draft cloned from version {source.number}" if source else "New draft"
    draft = _save(
        PathwayVersion(
            pathway=pathway,
            number=number,
            root_key=source.root_key if source else "",
            change_summary=change_summary,
            created_by=acting(user),
        ),
        user=user,
        reason=reason,
    )
    if source is not None:
        nodes = Node.objects.filter(version=source).prefetch_related(
            "options", "branches", "steps"
        )
        for node in nodes:
            copy = _copy(node, user=user, reason=reason, version_id=draft.pk)
            for part in (*node.options.all(), *node.branches.all(), *node.steps.all()):
                _copy(part, user=user, reason=reason, node_id=copy.pk)
    return draft


@transaction.atomic
def version_publish(*, version: PathwayVersion, user, now: datetime,
                    reason: str = "Published") -> PathwayVersion:
    """Publish a valid draft at ``now``, retiring the published version in the same transaction.

    ``reason`` is the publish's history change reason (the editor gives the change summary).

    Raises :class:`PublishingError` (``problems`` set) if the draft does not validate,
    or if ``version`` is not a draft (any more).
    """
    if now.tzinfo is None:
        raise PublishingError("Give the publishing instant with its offset.", code="naive")
    _lock(version.pathway_id)
    # Locking the version too makes concurrent edits of the draft wait (see models).
    current = (
        PathwayVersion.objects.select_for_update(of=("self",)).select_related("pathway")
        .get(pk=version.pk)
    )
    if current.status != VersionStatus.DRAFT:
        raise PublishingError(
            f"{current} is {current.get_status_display().lower()}: only a draft can be "
            "published.",
            code="not_draft",
        )
    problems = validate_version(current)
    if problems:
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        raise PublishingError(
            f"{current} cannot be published: {count} to fix.",
            code="invalid",
            problems=problems,
        )
    previous = PathwayVersion.objects.published().filter(pathway_id=current.pathway_id).first()
    if previous is not None:
        previous.status = VersionStatus.RETIRED
        previous.retired_at = now
        _save(previous, user=user, reason=f"Replaced by version {current.number}",
              status_transition=True)
    current.status = VersionStatus.PUBLISHED
    current.published_by = acting(user)
    current.published_at = now
    _save(current, user=user, reason=reason, status_transition=True)
    logger.info("version published", extra={
        "pathway": current.pathway.slug, "version": current.number,
        "retired": previous.number if previous else None, "user_id": getattr(user, "pk", None),
    })
    return current


@transaction.atomic
def version_retire(*, version: PathwayVersion, user, now: datetime) -> PathwayVersion:
    """Withdraw the published ``version``; the pathway then has none published."""
    if now.tzinfo is None:
        raise PublishingError("Give the retiring instant with its offset.", code="naive")
    _lock(version.pathway_id)
    current = PathwayVersion.objects.select_related("pathway").get(pk=version.pk)
    if current.status != VersionStatus.PUBLISHED:
        raise PublishingError(
            f"{current} is {current.get_status_display().lower()}: only the published "
            "version can be retired.",
            code="not_published",
        )
    current.status = VersionStatus.RETIRED
    current.retired_at = now
    retired = _save(current, user=user, reason="Retired", status_transition=True)
    logger.info("version retired", extra={
        "pathway": current.pathway.slug, "version": current.number,
        "user_id": getattr(user, "pk", None),
    })
    return retired



# A pathway is flagged to its leads this long before its review date.
REVIEW_WARNING_DAYS = 28


def review_state(*, review_date, today) -> str:
    """"overdue" past ``review_date``, "due" within REVIEW_WARNING_DAYS of it, else ""."""
    days_left = (review_date - today).days
    if days_left < 0:
        return "overdue"
    if days_left <= REVIEW_WARNING_DAYS:
        return "due"
    return ""
