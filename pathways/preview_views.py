""""Try this draft": the referrer's flow on a draft, for its network's leads and admins.

``/pathways/<slug>/v<number>/preview/?site=RXN01&at=2026-12-28T03:00&as=anonymous&a=...``

The same engine, question and confirmation pages as :mod:`pathways.views`, on
a draft, for a chosen referring site and instant (``at``, read by
:func:`api.timeparse.parse_instant` as the API reads it: Europe/London wall
time unless an offset is given; empty means now). ``as`` shows the outcome as
an anonymous or a signed-in referrer would see it. Every page carries a DRAFT
banner, and nothing is logged: the outcome comes from
:func:`pathways.decisions.referral_record` asked for a preview.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from api.timeparse import InstantError, parse_instant
from pathways.decisions import referral_record
from pathways.errors import EvaluationError
from pathways.forms import AnswerForm
from pathways.models import Channel, Pathway, VersionStatus
from pathways.presentation import redact_evaluation
from pathways.referral import ReferralState, StateError, parse_state
from pathways.selectors import load_evaluation_context
from pathways.views import _evaluate_keeping, _see_other
from rota.access import ANONYMOUS, REFERRER, STAFF_VISIBLE, Kind, Viewer, may_read
from rota.models import Site

# What a signed-in referrer of the network sees of contacts (rota.access.viewer_for).
SIGNED_IN_REFERRER = Viewer(True, STAFF_VISIBLE, frozenset({REFERRER}))
AUDIENCES = {"anonymous": ANONYMOUS, "signed-in": SIGNED_IN_REFERRER}


def _draft_or_404(request, slug: str, number: int):
    pathway = get_object_or_404(Pathway, slug=slug)
    version = pathway.versions.filter(number=number, status=VersionStatus.DRAFT).first()
    if version is None or not may_read(request.user, Kind.DRAFT, pathway.network_id):
        raise Http404(f"{pathway.title} has no draft {number} that you can try.")
    return pathway, version


def preview_url(slug: str, number: int, state: ReferralState, *, at: str, audience: str) -> str:
    params = [("site", state.site_code or ""), ("at", at), ("as", audience)]
    params += [("a", f"{key}:{option}") for key, option in state.answers]
    path = reverse("pathways:preview", args=[slug, number])
    return f"{path}?{urlencode(params)}"


@require_http_methods(["GET", "POST"])
def preview(request, slug, number):
    pathway, version = _draft_or_404(request, slug, number)
    sites = Site.objects.filter(trust__network_id=pathway.network_id).order_by("name")
    at_text = request.GET.get("at", "").strip()
    audience = request.GET.get("as", "anonymous")
    now = timezone.now()
    errors = []
    try:
        state = parse_state(request.GET)
    except StateError as error:
        state, errors = ReferralState(), [("site", error.message)]
    try:
        at = parse_instant(at_text, now=now)
    except InstantError as error:
        at, errors = now, [*errors, ("at", error.message)]
    if audience not in AUDIENCES:
        errors.append(("as", "Choose an anonymous or a signed-in referrer."))
    site = sites.filter(ods_code=state.site_code).first() if state.site_code else None
    if state.site_code and site is None:
        errors.append(("site", f"Choose a hospital of the {pathway.network.name} network."))
    banner = {
        "version": version, "pathway": pathway, "at": at, "audience": audience,
        "switch_url": preview_url(slug, number, state, at=at_text,
                                  audience="signed-in" if audience == "anonymous"
                                  else "anonymous"),
        "restart_url": reverse("pathways:preview", args=[slug, number]),
    }
    if site is None or errors:
        return render(request, "pathways/preview_start.html", {
            "preview": banner, "pathway": pathway, "sites": sites, "errors": errors,
            "chosen_site": state.site_code or "", "at_text": at_text, "audience": audience,
        }, status=400 if errors else 200)

    def url(kept: ReferralState) -> str:
        return preview_url(slug, number, kept, at=at_text, audience=audience)

    try:
        loaded = load_evaluation_context(version, at, site_id=site.id)  # once, for all below
        evaluation, state, error = _evaluate_keeping(context=loaded, state=state, site=site)
    except EvaluationError as refused:
        return render(request, "pathways/preview_start.html", {
            "preview": banner, "pathway": pathway, "sites": sites,
            "errors": [("site", refused.message)], "chosen_site": site.ods_code,
            "at_text": at_text, "audience": audience,
        }, status=400)
    context = {
        "preview": banner, "pathway": pathway, "version": version, "site": site,
        "state": state, "action": url(state),
        "back_url": url(state.without_last()) if state.answers else banner["restart_url"],
        "change_site_url": banner["restart_url"],
        "facts": [step for step in evaluation.path if step.automatic],
        "answered": [step for step in evaluation.path if not step.automatic],
    }
    if not evaluation.is_complete:
        form = AnswerForm(evaluation.question, request.POST if request.method == "POST" else None)
        if request.method == "POST" and error is None and form.is_valid():
            answer = form.cleaned_data["answer"]
            return _see_other(url(state.with_answer(evaluation.question.key, answer)))
        errors = [("answer", message) for message in form.errors.get("answer", [])]
        return render(request, "pathways/question.html",
                      {**context, "question": evaluation.question, "errors": errors},
                      status=400 if errors else 200)
    if request.method != "POST":
        return render(request, "pathways/confirm.html", context)
    # A preview is never logged: referral_record is asked for one, and says so.
    evaluation, decision = referral_record(
        version=version, answers=state.answers_dict(), referring_site=site,
        user=request.user, at=at, now=now, channel=Channel.WEB, preview=True,
        context=loaded,
    )
    described = redact_evaluation(evaluation.as_dict(), AUDIENCES[audience])
    return render(request, "pathways/preview_outcome.html",
                  {**context, "outcome": described["outcome"], "described": described,
                   "viewer": AUDIENCES[audience], "logged": decision is not None})
