"""The leads' pages for one version, in the admin: the tree, its problems, and diffs.

Mixed into :class:`pathways.admin.PathwayVersionAdmin`, so every page here is
scoped exactly like the version's own change page (:mod:`rota.admin_access`:
the version must be in the admin's queryset for this user, else 404). These
pages only read; published and retired versions are shown, never changed.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.safestring import mark_safe

from pathways.diff import ADDED, CHANGED, REMOVED, version_diff
from pathways.flowchart import flowchart
from pathways.models import PathwayVersion, VersionStatus
from pathways.outline import indented_outline
from pathways.printing import printed_version
from pathways.tree import load_tree
from pathways.validation import labelled, validate_version
from rota.models import Rota


def default_comparison(version: PathwayVersion) -> PathwayVersion | None:
    """What a version is compared with unless the lead chooses: a draft or retired
    version with the published one, the published one with the version before it."""
    others = PathwayVersion.objects.filter(pathway_id=version.pathway_id).exclude(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        published = others.filter(status=VersionStatus.PUBLISHED).first()
        if published is not None:
            return published
    return others.filter(number__lt=version.number).order_by("-number").first()


def _chart_svgs(tree, summaries, title: str, highlighted=()) -> list:
    # The SVG is built by pathways.flowchart, which escapes every text it writes.
    chart = flowchart(tree, summaries, title=title, highlighted=highlighted)
    return [mark_safe(svg) for svg in chart.svgs]  # noqa: S308


class VersionEditorViews:
    """Admin views over one version: ``<id>/tree/`` and ``<id>/diff/``."""

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/tree/", wrap(self.tree_view), name=f"{prefix}_tree"),
            path("<path:object_id>/diff/", wrap(self.diff_view), name=f"{prefix}_diff"),
            *super().get_urls(),
        ]

    def _page(self, request, version, template: str, **context):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": version,
            "version": version,
            "tree_url": reverse("admin:pathways_pathwayversion_tree", args=[version.pk]),
            "diff_url": reverse("admin:pathways_pathwayversion_diff", args=[version.pk]),
            "change_url": reverse("admin:pathways_pathwayversion_change", args=[version.pk]),
            **context,
        }
        return render(request, f"admin/pathways/pathwayversion/{template}", context)

    def tree_view(self, request, object_id):
        version = self._object_in_scope(request, object_id)
        printed = printed_version(version)
        problems = []
        if version.status == VersionStatus.DRAFT:
            problems = labelled(printed.tree, validate_version(version))
        return self._page(
            request, version, "tree.html",
            title=f"{version}: the tree",
            rows=indented_outline(printed.tree, printed.steps),
            problems=problems,
            svgs=_chart_svgs(printed.tree, printed.summaries, str(version)),
            problem_keys={p.node_key for p in problems},
            node_keys=set(printed.tree.nodes),
        )

    def diff_view(self, request, object_id):
        version = self._object_in_scope(request, object_id)
        others = PathwayVersion.objects.filter(pathway_id=version.pathway_id).exclude(
            pk=version.pk
        ).order_by("-number")
        chosen = request.GET.get("against")
        if chosen:
            against = others.filter(pk=chosen).first() if chosen.isdigit() else None
            if against is None:
                raise Http404("No such version of this pathway.")
        else:
            against = default_comparison(version)
        context = {"others": others, "against": against, "title": f"{version}: changes"}
        if against is not None:
            new_tree = load_tree(version)
            rota_names = dict(
                Rota.objects.filter(network_id=new_tree.network_id).values_list("id", "name")
            )
            diff = version_diff(load_tree(against), new_tree, rota_names)
            printed = printed_version(version)
            context |= {
                "diff": diff,
                "added": diff.having(ADDED),
                "removed": diff.having(REMOVED),
                "changed": diff.having(CHANGED),
                "svgs": _chart_svgs(printed.tree, printed.summaries, str(version),
                                    diff.marked_keys),
            }
        return self._page(request, version, "diff.html", **context)
