"""The leads' pages for one version, in the admin: the tree, its problems, diffs, editing.

Mixed into :class:`pathways.admin.PathwayVersionAdmin`, so every page here is
scoped exactly like the version's own change page (:mod:`rota.admin_access`:
the version must be in the admin's queryset for this user, else 404), and
every edit asks the admin's change permission, which a published or retired
version never gives (403). Edits go through :mod:`pathways.editing`, which
refuses them again for a version that is not a draft and for a stale page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.forms import modelform_factory
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from pathways import editing
from pathways.diff import ADDED, CHANGED, REMOVED, version_diff
from pathways.errors import PathwayError
from pathways.flowchart import flowchart
from pathways.models import (
    BranchCondition,
    Node,
    NodeKind,
    PathwayVersion,
    StepKind,
    VersionStatus,
)
from pathways.outline import indented_outline
from pathways.printing import printed_version
from pathways.selectors import load_tree, validate_version
from pathways.validation import BRANCH_CONDITIONS, labelled
from rota.models import Rota, Site, Trust


def default_comparison(version: PathwayVersion) -> PathwayVersion | None:
    """What a version is compared with unless the lead chooses: a draft or retired
    version with the published one, the published one with the version before it."""
    others = PathwayVersion.objects.filter(pathway_id=version.pathway_id).exclude(pk=version.pk)
    if version.status != VersionStatus.PUBLISHED:
        published = others.published().first()
        if published is not None:
            return published
    return others.filter(number__lt=version.number).order_by("-number").first()


def _chart_svgs(tree, summaries, title: str, highlighted=(), links=None) -> list:
    # The SVG is built by pathways.flowchart, which escapes every text it writes.
    chart = flowchart(tree, summaries, title=title, highlighted=highlighted, links=links)
    return [mark_safe(svg) for svg in chart.svgs]  # noqa: S308


class VersionEditorViews:
    """Admin views over one version: ``<id>/tree/`` and ``<id>/diff/``."""

    def get_urls(self):
        prefix = f"{self.model._meta.app_label}_{self.model._meta.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/tree/", wrap(self.tree_view), name=f"{prefix}_tree"),
            path("<path:object_id>/diff/", wrap(self.diff_view), name=f"{prefix}_diff"),
            path("<path:object_id>/publish/", wrap(self.publish_view),
                 name=f"{prefix}_publish"),
            path("<path:object_id>/node/<slug:node_key>/", wrap(self.node_view),
                 name=f"{prefix}_node"),
            path("<path:object_id>/node/<slug:node_key>/act/", wrap(self.node_act_view),
                 name=f"{prefix}_node_act"),
            path("<path:object_id>/node/<slug:node_key>/remove/", wrap(self.node_remove_view),
                 name=f"{prefix}_node_remove"),
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
        editable = self.has_change_permission(request, version)
        problems = []
        if version.status == VersionStatus.DRAFT:
            problems = self._problems(version, tree=printed.tree,
                                      link=lambda key: f"#node-{key}")
        # Each box of the chart opens its node's form, for those who may edit it.
        links = {key: reverse("admin:pathways_pathwayversion_node", args=[version.pk, key])
                 for key in printed.tree.nodes} if editable else {}
        return self._page(
            request, version, "tree.html",
            title=f"{version}: the tree",
            rows=indented_outline(printed.tree, printed.steps),
            problems=problems,
            svgs=_chart_svgs(printed.tree, printed.summaries, str(version), links=links),
            problem_keys={problem.node_key for problem, _ in problems},
            editable=editable,
        )

    def _problems(self, version, *, link, tree=None) -> list[tuple]:
        """Each problem of the draft with the address of its node (``link(key)``), if any."""
        tree = tree if tree is not None else load_tree(version)
        return [
            (problem, link(problem.node_key) if problem.node_key in tree.nodes else "")
            for problem in labelled(tree, validate_version(version))
        ]

    def _diff_context(self, version, against) -> dict:
        if against is None:
            return {"against": None}
        new_tree = load_tree(version)
        rota_names = dict(
            Rota.objects.filter(network_id=new_tree.network_id).values_list("id", "name")
        )
        diff = version_diff(load_tree(against), new_tree, rota_names)
        printed = printed_version(version)
        return {
            "against": against,
            "diff": diff,
            "added": diff.having(ADDED),
            "removed": diff.having(REMOVED),
            "changed": diff.having(CHANGED),
            "svgs": _chart_svgs(printed.tree, printed.summaries, str(version),
                                diff.marked_keys),
        }

    def publish_view(self, request, object_id):
        version = self._draft_in_scope(request, object_id)
        if request.method == "POST":
            try:
                editing.draft_publish(
                    version=version, revision=_revision(request),
                    change_summary=request.POST.get("change_summary", ""),
                    user=request.user, now=timezone.now(),
                )
            except PathwayError as error:
                self._refused(request, error)
                for problem in getattr(error, "problems", ()):
                    messages.error(request, str(problem))
                return redirect(request.path)
            messages.success(request, f"Published {version}; the previous version is retired.")
            return redirect("admin:pathways_pathwayversion_tree", version.pk)
        return self._page(
            request, version, "publish.html", title=f"Publish {version}?",
            problems=self._problems(version, link=lambda key: self._node_url(version, key)),
            **self._diff_context(version, default_comparison(version)),
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
        return self._page(request, version, "diff.html", others=others,
                          title=f"{version}: changes", **self._diff_context(version, against))


GROWN_KINDS = {"question": NodeKind.QUESTION, "outcome": NodeKind.OUTCOME}


# The largest id or position a form may name: beyond it no row exists, and PostgreSQL
# would refuse the lookup itself.
LARGEST = 2**31 - 1


def _number(request, name: str) -> int | None:
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() and int(value) <= LARGEST else None


def _index(request, words: str) -> int:
    index = _number(request, "index")
    if index is None:
        raise PathwayError(f"No such {words}.", code="no_index")
    return index


def _step_fields(request) -> dict:
    return {
        "kind": request.POST.get("kind", ""), "rota_id": _number(request, "rota"),
        "role": request.POST.get("role", ""), "label": request.POST.get("label", ""),
        "number": request.POST.get("number", ""),
        "instruction": request.POST.get("instruction", ""),
    }


def _branch_fields(request) -> dict:
    return {"condition": request.POST.get("condition", ""),
            "site_id": _number(request, "site"), "trust_id": _number(request, "trust")}


def _revision(request) -> int:
    """The draft's revision the posted page was drawn from. Every edit reads it first, so a
    form that cannot be the page's is refused here, before anything is looked up or saved."""
    value = request.POST.get("revision", "")
    if not value.isdigit() or len(value) > 9:
        raise BadRequest("This page's copy of the draft is missing or garbled: reload the "
                         "page and make the change again. Nothing was saved.")
    # PostgreSQL refuses text holding a NUL byte with an error; no one types one.
    if any("\x00" in name or "\x00" in value
           for name, values in request.POST.lists() for value in values):
        raise BadRequest("The form holds a NUL character, which no field accepts: remove it "
                         "and make the change again. Nothing was saved.")
    return int(value)


class NodeEditViews:
    """Editing a draft's nodes in place: ``<id>/node/<key>/`` and its actions."""

    def _draft_in_scope(self, request, object_id) -> PathwayVersion:
        version = self._object_in_scope(request, object_id)
        if not self.has_change_permission(request, version):
            raise PermissionDenied("Only a draft can be edited, by its network's leads.")
        return version

    def _refused(self, request, error: PathwayError) -> None:
        messages.error(request, error.message)
        for change in getattr(error, "changes", ()):
            messages.warning(request, change)

    def _node_url(self, version, key: str) -> str:
        return reverse("admin:pathways_pathwayversion_node", args=[version.pk, key])

    def node_view(self, request, object_id, node_key):
        version = self._draft_in_scope(request, object_id)
        node = Node.objects.filter(version=version, key=node_key).first()
        if node is None:
            raise Http404("No such node in this version.")
        form_class = modelform_factory(Node, fields=editing.KIND_FIELDS[node.kind])
        if request.method == "POST":
            form = form_class(request.POST, instance=Node(kind=node.kind, version=version))
            if form.is_valid():
                values = {name: form.cleaned_data[name] for name in form.fields}
                try:
                    editing.node_update(version=version, revision=_revision(request),
                                        node_key=node.key, values=values, user=request.user)
                except PathwayError as error:
                    self._refused(request, error)
                else:
                    messages.success(request, f"Saved “{values['text']}”.")
                    tree = reverse("admin:pathways_pathwayversion_tree", args=[version.pk])
                    return redirect(f"{tree}#node-{node.key}")
        else:
            form = form_class(instance=node)
        targets = Node.objects.filter(version=version).exclude(pk=node.pk).order_by(
            "position", "key")
        keys = {n.key for n in targets} | {node.key}
        network_id = version.pathway.network_id
        rotas = Rota.objects.filter(network_id=network_id).order_by("name")
        return self._page(
            request, version, "node.html",
            title=f"Edit {node.get_kind_display().lower()}: {node.text}",
            node=node, form=form, targets=targets, existing_keys=keys,
            options=list(node.options.all()),
            steps=list(node.steps.select_related("rota")),
            branches=list(node.branches.select_related("site", "trust")),
            step_kinds=StepKind.choices,
            conditions=[(value, label) for value, label in BranchCondition.choices
                        if value in BRANCH_CONDITIONS.get(node.kind, ())],
            sites=Site.objects.filter(trust__network_id=network_id).order_by("name"),
            trusts=Trust.objects.filter(network_id=network_id).order_by("name"),
            rotas=rotas,
            roles=sorted(set(rotas.exclude(role="").values_list("role", flat=True))),
            act_url=reverse("admin:pathways_pathwayversion_node_act",
                            args=[version.pk, node.key]),
            remove_url=reverse("admin:pathways_pathwayversion_node_remove",
                               args=[version.pk, node.key]),
            problems=self._problems(version, link=lambda key: self._node_url(version, key)),
        )

    def node_act_view(self, request, object_id, node_key):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        version = self._draft_in_scope(request, object_id)
        action = request.POST.get("action", "")
        common = {"version": version, "revision": _revision(request), "node_key": node_key,
                  "user": request.user}
        back = self._node_url(version, node_key)
        try:
            if action in ("grow-question", "grow-outcome"):
                added = editing.option_grow(
                    **common, option_key=request.POST.get("option", ""),
                    kind=NodeKind.QUESTION if action == "grow-question" else NodeKind.OUTCOME,
                    text=request.POST.get("text", ""),
                )
                messages.success(request, f"Added “{added.text}”: now fill it in.")
                back = self._node_url(version, added.key)
            elif action == "option-add":
                editing.option_add(**common, text=request.POST.get("text", ""))
                messages.success(request, "Option added: add a step under it or point it.")
            elif action == "option-reword":
                editing.option_reword(**common, option_key=request.POST.get("option", ""),
                                      text=request.POST.get("text", ""))
                messages.success(request, "Option reworded.")
            elif action == "option-remove":
                editing.option_remove(**common, option_key=request.POST.get("option", ""))
                messages.success(request, "Option removed.")
            elif action == "step-add":
                editing.step_add(**common, **_step_fields(request))
                messages.success(request, "Contact step added.")
            elif action == "step-edit":
                editing.step_update(**common, index=_index(request, "contact step"),
                                    **_step_fields(request))
                messages.success(request, "Contact step saved.")
            elif action == "step-remove":
                editing.step_remove(**common, index=_index(request, "contact step"))
                messages.success(request, "Contact step removed.")
            elif action in ("branch-point", "branch-question", "branch-outcome"):
                editing.branch_lead(
                    **common, index=_index(request, "branch"),
                    target_key=request.POST.get("target", "") if action == "branch-point"
                    else "",
                    kind=GROWN_KINDS.get(action.removeprefix("branch-"), ""),
                    text=request.POST.get("text", ""),
                )
                messages.success(request, "Saved where the branch leads.")
            elif action in ("branch-add", "branch-add-question", "branch-add-outcome"):
                grown = GROWN_KINDS.get(action.removeprefix("branch-add-"), "")
                editing.branch_add(
                    **common, **_branch_fields(request),
                    target_key="" if grown else request.POST.get("target", ""),
                    kind=grown, text=request.POST.get("text", "") if grown else "",
                )
                messages.success(request, "Branch added.")
            elif action == "branch-edit":
                editing.branch_update(**common, index=_index(request, "branch"),
                                      **_branch_fields(request),
                                      target_key=request.POST.get("target", ""))
                messages.success(request, "Branch saved.")
            elif action == "branch-remove":
                editing.branch_remove(**common, index=_index(request, "branch"))
                messages.success(request, "Branch removed.")
            elif action == "point":
                editing.option_point(**common, option_key=request.POST.get("option", ""),
                                     target_key=request.POST.get("target", ""))
                messages.success(request, "Saved where the option leads.")
            elif action in ("up", "down"):
                part = request.POST.get("part", "")
                index = request.POST.get("index", "")
                if part not in editing.PARTS or not index.isdigit():
                    raise PathwayError("Nothing to move.", code="cannot_move")
                editing.part_move(**common, part=part, index=int(index),
                                  offset=-1 if action == "up" else 1)
                messages.success(request, "Order saved.")
            else:
                raise PathwayError("Unknown action.", code="unknown_action")
        except PathwayError as error:
            self._refused(request, error)
        except Node.DoesNotExist:
            raise Http404("No such node in this version.") from None
        return redirect(back)

    def node_remove_view(self, request, object_id, node_key):
        version = self._draft_in_scope(request, object_id)
        node = Node.objects.filter(version=version, key=node_key).first()
        if node is None:
            raise Http404("No such node in this version.")
        if request.method == "POST":
            try:
                removed = editing.node_remove(
                    version=version, revision=_revision(request), node_key=node.key,
                    also=request.POST.getlist("also"), user=request.user,
                )
            except PathwayError as error:
                self._refused(request, error)
                return redirect(request.path)
            messages.success(request, f"Removed {len(removed)} step"
                             f"{'s' if len(removed) != 1 else ''}.")
            return redirect("admin:pathways_pathwayversion_tree", version.pk)
        return self._page(
            request, version, "remove.html", title=f"Remove “{node.text}”?", node=node,
            stranded=editing.removal_preview(version, node.key),
        )
