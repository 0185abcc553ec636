"""Sign-in events: how long a sign-in lasts, and refusals in the log.

A board left open in a switchboard room must not sign its operator out mid-shift
(and then show a stale page); everyone else keeps the default session length.
"""

import logging

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from rota.access import SWITCHBOARD, roles_by_network

logger = logging.getLogger(__name__)


def _address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


@receiver(user_login_failed, dispatch_uid="rota.sessions.sign_in_refused")
def sign_in_refused(sender, credentials, request=None, **kwargs):
    logger.warning("sign-in refused", extra={
        "username": credentials.get("username"), "address": _address(request),
    })


@receiver(user_locked_out, dispatch_uid="rota.sessions.sign_in_paused")
def sign_in_paused(sender, request=None, username=None, ip_address=None, **kwargs):
    logger.warning("sign-in paused", extra={"username": username, "address": ip_address})


@receiver(user_logged_in, dispatch_uid="rota.sessions.switchboard_shift")
def switchboard_shift(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if any(SWITCHBOARD in roles for roles in roles_by_network(user).values()):
        request.session.set_expiry(settings.SWITCHBOARD_SESSION_HOURS * 3600)
