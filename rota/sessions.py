"""How long a sign-in lasts: a switchboard shift is twelve hours.

A board left open in a switchboard room must not sign its operator out mid-shift
(and then show a stale page); everyone else keeps the default session length.
"""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from rota.access import SWITCHBOARD, roles_by_network


@receiver(user_logged_in, dispatch_uid="rota.sessions.switchboard_shift")
def switchboard_shift(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if any(SWITCHBOARD in roles for roles in roles_by_network(user).values()):
        request.session.set_expiry(settings.SWITCHBOARD_SESSION_HOURS * 3600)
