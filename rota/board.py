"""The switchboard board: who answers each role for each site, as plain rows.

Pure: a loaded :class:`~rota.oncall.Schedule`, the network, the instant and the
viewer in; rows out. Who answers, until when and who answers next come from
:func:`rota.oncall.who_answers_role` (the outcome page's "then" asks the same
question); descriptions and redaction from :mod:`rota.presentation`. No rule
of the on-call answer is written here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from rota.access import Viewer
from rota.oncall import RoleSpell, Schedule, who_answers_role
from rota.presentation import describe_answer, redact

DIGITS = re.compile(r"\D")
ALL_SITES = "All sites"
# Typing at least this many digits searches phone numbers rather than names.
PHONE_SEARCH_DIGITS = 4


@dataclass(frozen=True)
class SpellView:
    """One spell of a row, described and redacted for the viewer."""

    start: datetime
    until: datetime | None
    rota_name: str | None
    answer: dict | None  # redacted describe_answer of the rota's answer, or None


@dataclass(frozen=True)
class BoardRow:
    """Who answers a role now for some sites; ``thens`` says who next, per set of sites.

    Sites whose calls reach the same people now share a row (at night one network
    rota often answers every hospital), each with its own "then": in the morning
    each trust's in-hours rota takes over.
    """

    role: str
    role_label: str
    site_names: tuple[str, ...]
    now: SpellView
    thens: tuple[tuple[tuple[str, ...], SpellView | None], ...]
    search_text: str  # lower-case words the viewer may see
    search_digits: tuple[str, ...]  # the numbers the viewer may see, digits only

    @property
    def then(self) -> SpellView | None:
        """The one "then", when every site of the row shares it."""
        return self.thens[0][1] if len(self.thens) == 1 else None

    @property
    def state(self) -> str:
        answer = self.now.answer
        return answer["status"] if answer else "no_rota"


@dataclass(frozen=True)
class BoardGroup:
    role: str
    role_label: str
    rows: list[BoardRow] = field(default_factory=list)


def _label(ask_for: str, role: str) -> str:
    words = ask_for.strip() or role.replace("-", " ")
    return words[4:] if words.lower().startswith("the ") else words


def _spell_view(spell: RoleSpell | None, schedule: Schedule, viewer: Viewer) -> SpellView | None:
    if spell is None:
        return None
    described = (
        redact(describe_answer(spell.answer, schedule), viewer) if spell.answer else None
    )
    return SpellView(spell.start, spell.until, spell.rota.name if spell.rota else None, described)


def _people_in(answer: dict | None):
    """Everyone named in a described answer, through its divert and fallback."""
    while answer:
        yield from answer.get("clinicians", ())
        divert = answer.get("divert") or {}
        answer = divert.get("to_rota") or answer.get("fallback")


def _searchable(row_words: list[str], spells: list[SpellView]) -> tuple[str, tuple[str, ...]]:
    words, digits = list(row_words), []
    for spell in spells:
        if spell is None:
            continue
        words.append(spell.rota_name or "")
        if spell.answer:
            words.append(spell.answer["rota"]["based_at"]["name"])
        for person in _people_in(spell.answer):
            words.append(person.get("name") or "")
            if person.get("site"):
                words.append(person["site"]["name"])
            for contact in person.get("contacts", ()):
                digits.append(DIGITS.sub("", contact["value"]))
    return " ".join(w.lower() for w in words if w), tuple(d for d in digits if d)


def board_groups(
    schedule: Schedule, *, network_id: int, at: datetime, viewer: Viewer,
    site_names: dict[int, str],
) -> list[BoardGroup]:
    """The network's roles, each with a row per set of sites its rotas serve.

    ``site_names``: the network's sites by id (short names), for the rows' labels.
    """
    rotas = [r for r in schedule.rotas.values() if r.network_id == network_id]
    groups: dict[str, BoardGroup] = {}
    seen: set[tuple[str, frozenset[int]]] = set()
    for rota in sorted(rotas, key=lambda r: (r.role, r.slug)):
        key = (rota.role, rota.serves)
        if key in seen:
            continue
        seen.add(key)
        site_id = min(rota.serves) if rota.serves else rota.based_at.id
        answer = who_answers_role(
            schedule, network_id=network_id, role=rota.role, site_id=site_id, at=at
        )
        now = _spell_view(answer.now, schedule, viewer)
        then = _spell_view(answer.then, schedule, viewer)
        sites = tuple(sorted(site_names[s] for s in rota.serves if s in site_names)) or (
            ALL_SITES,
        )
        label = _label(rota.ask_for, rota.role)
        text, digits = _searchable([label, rota.role, *sites], [now, then])
        group = groups.setdefault(rota.role, BoardGroup(rota.role, label[:1].upper() + label[1:]))
        group.rows.append(BoardRow(rota.role, label, sites, now, ((sites, then),), text, digits))
    for group in groups.values():
        group.rows[:] = _shared_rows(group.rows)
    return sorted(groups.values(), key=lambda g: g.role_label.lower())


def _reaches(spell: SpellView) -> tuple:
    """What a caller reaches during a spell: the same value, the same people and route."""
    answer = spell.answer
    if answer is None:
        return ("no rota",)
    people = tuple(p.get("id") or p.get("role") for p in _people_in(answer))
    return (answer["rota"]["slug"], answer["status"], people, spell.until)


def _shared_rows(rows: list[BoardRow]) -> list[BoardRow]:
    merged: dict[tuple, BoardRow] = {}
    for row in rows:
        key = _reaches(row.now)
        if key not in merged:
            merged[key] = row
            continue
        first = merged[key]
        sites = {*first.site_names, *row.site_names}
        merged[key] = BoardRow(
            first.role, first.role_label,
            (ALL_SITES,) if ALL_SITES in sites else tuple(sorted(sites)),
            first.now, first.thens + row.thens,
            f"{first.search_text} {row.search_text}", first.search_digits + row.search_digits,
        )
    return [_with_shared_thens(row) for row in merged.values()]


def _with_shared_thens(row: BoardRow) -> BoardRow:
    """Sites that hand over to the same people are said once."""
    joined: dict[tuple, tuple[tuple[str, ...], SpellView | None]] = {}
    for sites, then in row.thens:
        key = _reaches(then) if then else ("no change",)
        before = joined.get(key)
        union = {*before[0], *sites} if before else set(sites)
        joined[key] = ((ALL_SITES,) if ALL_SITES in union else tuple(sorted(union)), then)
    return BoardRow(row.role, row.role_label, row.site_names, row.now, tuple(joined.values()),
                    row.search_text, row.search_digits)


def matches(row: BoardRow, query: str) -> bool:
    """Whether a row answers a search: words in what the viewer sees, or a number they see."""
    query = query.strip().lower()
    if not query:
        return True
    digits = DIGITS.sub("", query)
    if len(digits) >= PHONE_SEARCH_DIGITS and len(digits) >= len(query.replace(" ", "")) - 1:
        return any(digits in number for number in row.search_digits)
    return all(word in row.search_text for word in query.split())


def next_change(groups: list[BoardGroup]) -> datetime | None:
    """The soonest instant at which any row's answer changes: the board refreshes then."""
    instants = [row.now.until for g in groups for row in g.rows if row.now.until]
    return min(instants, default=None)
