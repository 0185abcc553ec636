"""The referrer's site: chosen once, remembered, shown and changeable on every referral.

The referring site decides who answers, so it is never guessed: until the
referrer has chosen one, the flow asks. A signed-in referrer's choice is kept
in the session and as the home site of their membership of that network (so
it survives signing out, with history); an anonymous referrer's only in the
session.
"""

from __future__ import annotations

from django.db.models import QuerySet

from common import ods
from common.history import with_history
from rota.models import Membership, Site

SESSION_KEY = "referring_site_id"


def sites_for_referrers(network_ids=None) -> QuerySet:
    """Sites a referrer may refer from, by network and trust; every network's if None."""
    sites = Site.objects.select_related("trust__network").order_by(
        "trust__network__name", "trust__name", "name"
    )
    return sites if network_ids is None else sites.filter(trust__network_id__in=network_ids)


def site_by_code(code: str | None) -> Site | None:
    """The site with ODS site code ``code`` (any case); None for text that cannot be one."""
    code = ods.normalise(code)
    if code is None:
        return None
    return sites_for_referrers().filter(ods_code=code).first()


def remembered_site(request) -> Site | None:
    """This session's choice, else the signed-in user's remembered home site, else None."""
    site_id = request.session.get(SESSION_KEY)
    if site_id is not None:
        site = sites_for_referrers().filter(pk=site_id).first()
        if site is not None:
            return site
    if not request.user.is_authenticated:
        return None
    membership = (
        request.user.memberships.select_related("home_site__trust__network")
        .filter(home_site__isnull=False)
        .order_by("pk")
        .first()
    )
    return membership.home_site if membership else None


def remember_site(request, site: Site) -> None:
    """Keep ``site`` for this session and, for a member of its network, across sessions."""
    request.session[SESSION_KEY] = site.pk
    if not request.user.is_authenticated:
        return
    membership = Membership.objects.filter(
        user=request.user, network_id=site.trust.network_id
    ).first()
    if membership is not None and membership.home_site_id != site.pk:
        membership.home_site = site
        with_history(membership, reason="Referring site chosen in the referral flow")
        membership.save()
