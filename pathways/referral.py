"""A referral in progress, carried in its URL: the pinned version, the site, the answers so far.

``/pathways/<slug>/refer/?v=2&site=RXN01&a=unstable:no&a=cta:positive``

Keeping the whole state in the query string means Back, refresh and a shared
link work without JavaScript and without server-side session state: every
request reads the state and evaluates it afresh through the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.urls import reverse

from common import ods

MAX_ANSWERS = 50
# What can be a version number (ASCII digits only: "²".isdigit() is true) or an ODS site code.
VERSION_NUMBER = re.compile(r"[0-9]{1,9}")


class StateError(ValueError):
    """A referral URL that cannot be read; ``message`` says what to do instead."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReferralState:
    version_number: int | None = None
    site_code: str | None = None
    answers: tuple[tuple[str, str], ...] = ()  # (question key, option key), in the order asked

    def answers_dict(self) -> dict[str, str]:
        return dict(self.answers)

    def with_version(self, number: int) -> ReferralState:
        return replace(self, version_number=number)

    def with_site(self, code: str) -> ReferralState:
        return replace(self, site_code=code)

    def with_answer(self, key: str, option: str) -> ReferralState:
        return replace(self, answers=(*self.answers, (key, option)))

    def before(self, key: str | None) -> ReferralState:
        """The answers given before question ``key`` (all of them if ``key`` was not answered)."""
        keys = [k for k, _ in self.answers]
        if key not in keys:
            return self
        return replace(self, answers=self.answers[: keys.index(key)])

    def without_last(self) -> ReferralState:
        return replace(self, answers=self.answers[:-1])

    def query(self) -> str:
        params = []
        if self.version_number is not None:
            params.append(("v", str(self.version_number)))
        if self.site_code:
            params.append(("site", self.site_code))
        params += [("a", f"{key}:{option}") for key, option in self.answers]
        return urlencode(params)


def parse_state(query) -> ReferralState:
    """Read ``v``, ``site`` and every ``a`` from a ``QueryDict``; raise :class:`StateError`."""
    raw_version = query.get("v", "").strip()
    version_number = None
    if raw_version:
        if not VERSION_NUMBER.fullmatch(raw_version) or int(raw_version) < 1:
            raise StateError(
                f"'{raw_version}' is not a version number. Start the referral again from the "
                "pathway's page."
            )
        version_number = int(raw_version)
    raw_site = query.get("site", "").strip()
    site_code = ods.normalise(raw_site) if raw_site else None
    if raw_site and site_code is None:
        raise StateError(
            "The hospital in this link is not an ODS site code. Start the referral again "
            "and choose your hospital."
        )
    raw_answers = query.getlist("a")
    if len(raw_answers) > MAX_ANSWERS:
        raise StateError("This referral link has too many answers. Start the referral again.")
    answers: list[tuple[str, str]] = []
    for raw in raw_answers:
        key, _, option = raw.partition(":")
        if not key or not option:
            raise StateError(
                f"The answer '{raw}' in this link is incomplete. Start the referral again."
            )
        if key in dict(answers):
            raise StateError(
                f"Question '{key}' is answered twice in this link. Start the referral again."
            )
        answers.append((key, option))
    return ReferralState(version_number, site_code, tuple(answers))


def refer_url(slug: str, state: ReferralState) -> str:
    query = state.query()
    path = reverse("pathways:refer", args=[slug])
    return f"{path}?{query}" if query else path
