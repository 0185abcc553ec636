"""The referrer's web flow: start, referring site, pathway, questions, outcome, decision.

Thin adapters over :mod:`pathways.engine` and :mod:`pathways.decisions`: each
request reads the referral's state from its URL (:mod:`pathways.referral`),
takes ``timezone.now()`` once, loads the version and the schedule once
(:mod:`pathways.selectors`), evaluates as often as it needs without another
query, and shows the result redacted for the viewer
(:mod:`pathways.presentation`). On-call is never worked out here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import groupby
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.cache import cache
from django.db.models import Max, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from pathways.decisions import (
    VersionRetired,
    decision_by_reference,
    logging_rule,
    may_read_decision_here,
    referral_record,
    session_remember_decision,
)
from pathways.errors import EvaluationError
from pathways.flowchart import flowchart
from pathways.forms import NO_SUCH_REFERENCE, AnswerForm, ReferenceForm, SiteForm
from pathways.models import Channel, Pathway, PathwayVersion, VersionStatus, published_version
from pathways.presentation import decision_as_dict
from pathways.printing import printed_version
from pathways.referral import ReferralState, StateError, parse_state, refer_url
from pathways.referring_site import (
    remember_site,
    remembered_site,
    site_by_code,
    sites_for_referrers,
)
from pathways.selectors import EvaluationContext, load_evaluation_context
from rota.access import member_network_ids, viewer_for
from rota.models import Network
from rota.pack import EDITIONS, pack_editions_for

DECISION_FRESH_FOR = timedelta(minutes=30)
CHART_CACHE_SECONDS = 60 * 60 * 24


# --- Start and referring site ------------------------------------------------------------


def _member_network_ids(user) -> frozenset[int] | None:
    """The networks a signed-in member works in; None (every network) for anyone else."""
    return member_network_ids(user) or None


def published_pathways(network_ids=None):
    """Pathways with a published version, with its number, by network then title."""
    pathways = (
        Pathway.objects.select_related("network")
        .annotate(
            published_number=Max("versions__number",
                                 filter=Q(versions__status=VersionStatus.PUBLISHED))
        )
        .filter(published_number__isnull=False)
        .order_by("network__name", "title")
    )
    return pathways if network_ids is None else pathways.filter(network_id__in=network_ids)


def _entry_url(pathway, site) -> str:
    """Where a pathway's link leads: straight into the flow, or to choose a site first."""
    state = ReferralState(version_number=pathway.published_number)
    if site is not None and site.trust.network_id == pathway.network_id:
        return refer_url(pathway.slug, state.with_site(site.ods_code))
    return _choose_site_url(refer_url(pathway.slug, state))


def _choose_site_url(next_url: str) -> str:
    return f"{reverse('pathways:site')}?{urlencode({'next': next_url})}"


def start(request):
    site = remembered_site(request)
    pathways = list(published_pathways(_member_network_ids(request.user)))
    for pathway in pathways:
        pathway.entry_url = _entry_url(pathway, site)
    groups = [(network, list(items)) for network, items in groupby(pathways, lambda p: p.network)]
    return render(request, "pathways/start.html", {
        "site": site,
        "groups": groups,
        "change_site_url": _choose_site_url(reverse("pathways:start")),
        "packs": _printable_packs(request.user),
    })


def _printable_packs(user) -> list[tuple[object, list[tuple[str, str]]]]:
    """The rota packs ``user`` may print, by network: (network, [(edition, address)])."""
    packs = []
    for network in Network.objects.filter(id__in=member_network_ids(user)).order_by("name"):
        editions = pack_editions_for(user, network.id)
        links = [
            (edition, f"{reverse('rota_pack:pack_pdf')}?"
                      f"{urlencode({'network': network.slug, 'days': 7, 'edition': edition})}")
            for edition in EDITIONS if edition in editions
        ]
        if links:
            packs.append((network, links))
    return packs


def _safe_next(request, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("pathways:start")


def _with_site(url: str, site) -> str:
    """``url`` with its ``site`` parameter set to ``site``, for a referral link."""
    parts = urlsplit(url)
    if not parts.path.endswith("/refer/"):
        return url
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "site"]
    query.insert(0, ("site", site.ods_code))
    return urlunsplit(parts._replace(query=urlencode(query)))


@require_http_methods(["GET", "POST"])
def choose_site(request):
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    offered = sites_for_referrers(_member_network_ids(request.user))
    current = remembered_site(request)
    if request.method == "POST":
        form = SiteForm(offered, request.POST)
        if form.is_valid():
            site = form.cleaned_data["site"]
            remember_site(request, site)
            return redirect(_with_site(next_url, site))
    else:
        form = SiteForm(offered, initial={"site": current.ods_code if current else None})
    sites = list(offered)
    selected = form["site"].value()
    status = 400 if form.errors else 200
    return render(request, "pathways/site.html", {
        "form": form,
        "sites": sites,
        "selected": str(selected) if selected else "",
        "site_errors": [("site", message) for message in form.errors.get("site", [])],
        "next": next_url,
        "several_networks": len({s.trust.network_id for s in sites}) > 1,
    }, status=status)


# --- Pathway page -----------------------------------------------------------------------


def _pathway_or_404(slug: str) -> Pathway:
    return get_object_or_404(Pathway.objects.select_related("network"), slug=slug)


def _published(pathway) -> PathwayVersion | None:
    return published_version(pathway)


def pathway_detail(request, slug):
    pathway = _pathway_or_404(slug)
    version = _published(pathway)
    if version is None:
        raise Http404("This pathway has no published version.")
    site = remembered_site(request)
    pathway.published_number = version.number
    printed = printed_version(version)
    # Laying out a big chart takes a while; it changes only with what it prints.
    key = f"pathway-chart:{version.pk}:{printed.fingerprint()}"
    svgs = cache.get(key)
    if svgs is None:
        svgs = flowchart(printed.tree, printed.summaries, title=printed.title).svgs
        cache.set(key, svgs, CHART_CACHE_SECONDS)
    return render(request, "pathways/pathway.html", {
        "pathway": pathway,
        "version": version,
        "start_url": _entry_url(pathway, site),
        "printed": printed,
        "chart_parts": [mark_safe(svg) for svg in svgs],  # noqa: S308 - escaped in flowchart
    })


# --- The flow ----------------------------------------------------------------------------


def _see_other(url: str) -> HttpResponseRedirect:
    """A redirect after a POST that the browser follows with a GET: refresh never re-posts."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _problem(request, *, title: str, message: str, link: str, link_text: str, status=400):
    return render(request, "problem.html", {
        "title": title, "message": message, "link": link, "link_text": link_text,
    }, status=status)


def _restart_problem(request, pathway, message: str):
    return _problem(
        request, title="This referral link cannot be used", message=message,
        link=reverse("pathways:pathway", args=[pathway.slug]),
        link_text=f"Start again: {pathway.title}",
    )


def _evaluate_keeping(*, context: EvaluationContext, state: ReferralState, site):
    """Evaluate ``state``; on a wrong answer, drop it and what follows, and say why.

    Returns (evaluation, state kept, error or None); a wrong answer costs the
    referrer only the answers from that question on, never the whole referral.
    Each try is pure over ``context``: dropping answers costs no query.
    """
    error = None
    for _ in range(len(state.answers) + 1):
        try:
            evaluation = context.evaluate(answers=state.answers_dict(), referring_site=site)
            return evaluation, state, error
        except EvaluationError as refused:
            kept = state.before(refused.node_key)
            if kept == state:
                raise
            error, state = error or refused, kept
    raise error


@require_http_methods(["GET", "POST"])
def refer(request, slug):
    pathway = _pathway_or_404(slug)
    try:
        state = parse_state(request.GET)
    except StateError as error:
        return _restart_problem(request, pathway, error.message)
    if state.version_number is None:
        published = _published(pathway)
        if published is None:
            raise Http404("This pathway has no published version.")
        return redirect(refer_url(slug, state.with_version(published.number)))
    if state.site_code is None:
        site = remembered_site(request)
        if site is None:
            return redirect(_choose_site_url(refer_url(slug, state)))
        return redirect(refer_url(slug, state.with_site(site.ods_code)))
    version = pathway.versions.filter(
        number=state.version_number,
        status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED],
    ).first()
    if version is None:
        return _restart_problem(
            request, pathway, f"Version {state.version_number} of this pathway is not in use."
        )
    site = site_by_code(state.site_code)
    if site is None or site.trust.network_id != pathway.network_id:
        return _problem(
            request, title="Choose the hospital you are referring from",
            message=f"'{state.site_code}' is not a hospital of the {pathway.network.name} "
            "network.",
            link=_choose_site_url(refer_url(slug, ReferralState(state.version_number))),
            link_text="Choose your hospital",
        )
    now = timezone.now()
    try:
        # The version is pinned from the first question; a referral may finish on it for
        # an hour after a newer one is published, then it must start again.
        logging_rule(version=version, at=now, now=now)
    except VersionRetired as error:
        return _problem(
            request, title="This pathway has changed: start again", message=error.message,
            link=refer_url(slug, ReferralState(site_code=site.ods_code)),
            link_text=f"Start again: {pathway.title}",
        )
    try:
        context = load_evaluation_context(version, now, site_id=site.id)
    except EvaluationError as error:
        return _restart_problem(request, pathway, error.message)
    flow = _Flow(request, pathway, version, site, state, now, context)
    return flow.post() if request.method == "POST" else flow.get()


class _Flow:
    """One request of a referral: the pinned version, the site, the state and the instant,
    with the version's tree and schedule loaded once for all of its evaluations."""

    def __init__(self, request, pathway, version, site, state, now, context):
        self.request, self.pathway, self.version, self.site = request, pathway, version, site
        self.state, self.now, self.context = state, now, context

    def _evaluate(self):
        try:
            return _evaluate_keeping(context=self.context, state=self.state, site=self.site)
        except EvaluationError as error:
            return None, self.state, error

    def get(self):
        evaluation, state, error = self._evaluate()
        if evaluation is None:
            return _restart_problem(self.request, self.pathway, error.message)
        if not evaluation.is_complete:
            form = AnswerForm(evaluation.question)
            return self._question(evaluation, state, form, error)
        return self._confirm(evaluation, state)  # its POST logs the decision

    def post(self):
        evaluation, state, error = self._evaluate()
        if evaluation is None:
            return _restart_problem(self.request, self.pathway, error.message)
        if error is not None:
            return self._question(evaluation, state, AnswerForm(evaluation.question), error)
        if not evaluation.is_complete:
            form = AnswerForm(evaluation.question, self.request.POST)
            if not form.is_valid():
                return self._question(evaluation, state, form, None)
            state = state.with_answer(evaluation.question.key, form.cleaned_data["answer"])
        evaluation, decision = referral_record(
            version=self.version, answers=state.answers_dict(), referring_site=self.site,
            user=self.request.user, at=None, now=self.now, channel=Channel.WEB,
            context=self.context,
        )
        if decision is not None:
            session_remember_decision(self.request.session, decision.reference)
            return _see_other(reverse("pathways:decision", args=[decision.reference]))
        return _see_other(refer_url(self.pathway.slug, state))

    def _common(self, state, evaluation) -> dict:
        back = (
            refer_url(self.pathway.slug, state.without_last()) if state.answers
            else reverse("pathways:start")
        )
        return {
            "pathway": self.pathway,
            "version": self.version,
            "site": self.site,
            "state": state,
            "action": refer_url(self.pathway.slug, state),
            "back_url": back,
            "change_site_url": _choose_site_url(refer_url(self.pathway.slug, state)),
            "facts": [step for step in evaluation.path if step.automatic],
            "answered": [step for step in evaluation.path if not step.automatic],
        }

    def _question(self, evaluation, state, form, error):
        context = self._common(state, evaluation)
        errors = [("answer", message) for message in form.errors.get("answer", [])]
        if error is not None:
            errors.insert(0, ("answer", f"An answer in this link could not be used: "
                                        f"{error.message} Answer the question again."))
        context.update(question=evaluation.question, errors=errors)
        status = 400 if errors else 200
        return render(self.request, "pathways/question.html", context, status=status)

    def _confirm(self, evaluation, state):
        context = self._common(state, evaluation)
        return render(self.request, "pathways/confirm.html", context)


# --- Decisions ---------------------------------------------------------------------------


def _decision_is_stale(described: dict, created_at: datetime, now: datetime) -> bool:
    """Older than half an hour, or past the end of a contact's on-call: on-call may differ."""
    if now - created_at > DECISION_FRESH_FOR:
        return True
    for contact in described["outcome"]["contacts"]:
        until = (contact.get("answer") or {}).get("until")
        if until and datetime.fromisoformat(until) <= now:
            return True
    return False


def _decision_not_found(request, reference: str):
    # One answer for "no such reference" and "not yours": a reference is not a key.
    form = ReferenceForm({"reference": reference})
    if form.is_valid():
        form.add_error("reference", NO_SUCH_REFERENCE)
    return render(request, "pathways/decision_lookup.html", {"form": form}, status=404)


def decision_detail(request, reference):
    decision = decision_by_reference(reference)
    if decision is None:
        return _decision_not_found(request, reference)
    if not may_read_decision_here(request, decision):
        return _decision_not_found(request, reference)
    if decision.reference != reference:
        return redirect("pathways:decision", reference=decision.reference)
    now = timezone.now()
    pathway = decision.version.pathway
    viewer = viewer_for(request.user, pathway.network_id)
    described = decision_as_dict(decision, viewer)
    return render(request, "pathways/decision.html", {
        "decision": decision,
        "described": described,
        "outcome": described["outcome"],
        "viewer": viewer,
        "stale": _decision_is_stale(described, decision.created_at, now),
        "superseded": decision.version.status != VersionStatus.PUBLISHED,
        "newer": _published(pathway) if decision.superseded_during_referral else None,
        "restart_url": refer_url(
            pathway.slug, ReferralState(site_code=decision.referring_site.ods_code)
        ),
    })


def decision_lookup(request):
    if "reference" not in request.GET:
        return render(request, "pathways/decision_lookup.html", {"form": ReferenceForm()})
    form = ReferenceForm(request.GET)
    if form.is_valid():
        return redirect("pathways:decision", reference=form.cleaned_data["reference"])
    return render(request, "pathways/decision_lookup.html", {"form": form})
