"""When the database cannot be reached: still tell a referrer whom to call.

Each server process keeps its own copy of every network's hub switchboard
(:func:`refresh_hub_switchboards`), loaded at start-up and refreshed while
the database is up (:func:`keep_refreshing`, started by ``config.wsgi``). The
outage page reads only that copy, so it needs no database, and no server
shares state with another. A failed refresh keeps the copy it had.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

REFRESH_EVERY_SECONDS = 300
# The errors that mean "the database cannot be reached", not a bug in a query.
UNREACHABLE = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class HubSwitchboard:
    network: str
    site: str
    number: str
    tel: str | None


@dataclass(frozen=True)
class _Copy:
    hubs: tuple[HubSwitchboard, ...] = ()
    loaded_at: datetime | None = None


_copy = _Copy()


def hub_switchboards() -> tuple[HubSwitchboard, ...]:
    """This process's copy: every network's hub switchboard, by network name."""
    return _copy.hubs


def copy_loaded_at() -> datetime | None:
    return _copy.loaded_at


def load_hub_switchboards() -> tuple[HubSwitchboard, ...]:
    """Read every network's hub switchboard from the database (one query)."""
    from common.phones import dialling_uri
    from rota.models import Rota
    from rota.oncall import SiteInfo, hub_of

    bases: dict[str, list[SiteInfo]] = {}
    for rota in Rota.objects.select_related("network", "based_at").order_by("network__name"):
        site = rota.based_at
        bases.setdefault(rota.network.name, []).append(
            SiteInfo(site.id, site.name, site.short_name, site.switchboard, site.trust_id)
        )
    hubs = []
    for network, sites in bases.items():
        hub = hub_of(sites)
        hubs.append(HubSwitchboard(network, hub.short_name, hub.switchboard,
                                   _tel(dialling_uri, hub.switchboard)))
    return tuple(hubs)


def _tel(dialling_uri, number: str) -> str | None:
    try:
        return dialling_uri(number)
    except Exception:  # a malformed stored number must not take the outage page down
        return None


def refresh_hub_switchboards(now: datetime | None = None) -> bool:
    """Reload the copy; on a database error keep the old one. True if it was reloaded."""
    global _copy
    try:
        hubs = load_hub_switchboards()
    except DatabaseError:
        logger.warning("Hub switchboards not refreshed: the database cannot be reached.")
        return False
    _copy = _Copy(hubs, now or datetime.now(UTC))
    return True


_refreshing_in: int | None = None  # the process id whose refresher thread runs


def keep_refreshing(every: int = REFRESH_EVERY_SECONDS) -> None:
    """Load the copy now, then refresh it every ``every`` seconds, in a daemon thread.

    Once per process. Threads do not survive a fork: a server that loads the
    application before forking its workers (gunicorn ``--preload``) would leave
    the workers with a copy that is never refreshed, so load it in each worker
    (gunicorn's default).
    """
    global _refreshing_in
    if _refreshing_in == os.getpid():
        return
    _refreshing_in = os.getpid()

    def run() -> None:
        while True:
            refresh_hub_switchboards()
            connections.close_all()  # this thread's own connection: none held between refreshes
            time.sleep(every)

    threading.Thread(target=run, name="hub-switchboards", daemon=True).start()


def is_unreachable(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) means the database cannot be reached."""
    while error is not None:
        if isinstance(error, UNREACHABLE):
            return True
        error = error.__cause__ or error.__context__
    return False
