"""Database triggers that count every write an on-call answer reads.

Stored answers (:mod:`rota.answer_store`) are served only while their
network's generation is the one they were built at. These triggers add one to
that generation inside the writing transaction, for every statement that
inserts, changes or deletes a row an answer reads, whoever wrote it: a
service, the admin, a bulk write, a data migration or raw SQL. Nothing that
changes an answer can leave a stored answer in service.

PostgreSQL runs one trigger per statement over its transition tables (a bulk
insert of a million shifts adds one); SQLite one per row. Both are generated
from :data:`WATCHED` by :func:`install`, which a migration calls; a test
checks that every watched table still carries them.
"""

from __future__ import annotations

# The networks whose answers a changed row may alter, from a relation ``R``
# with the row's columns. Each kind names the columns it reads.
_THROUGH_ROTA = (
    ("rota_id",),
    "SELECT ro.network_id AS network_id FROM {R} JOIN rota_rota ro ON ro.id = R.rota_id",
)
_OWN_NETWORK = (("network_id",), "SELECT R.network_id AS network_id FROM {R}")
_THE_NETWORK = (("id",), "SELECT R.id AS network_id FROM {R}")
# A clinician is named by their home network, and by every rota they are on
# (a safety net: services keep them to their home network).
_WHERE_SEEN = (
    "SELECT ro.network_id FROM {R} JOIN rota_shift s ON s.clinician_id = R.{who} "
    "JOIN rota_rota ro ON ro.id = s.rota_id "
    "UNION SELECT ro.network_id FROM {R} JOIN rota_cover cv ON cv.covering_id = R.{who} "
    "JOIN rota_rota ro ON ro.id = cv.rota_id "
    "UNION SELECT ro.network_id FROM {R} JOIN rota_cover cv ON cv.replaces_id = R.{who} "
    "JOIN rota_rota ro ON ro.id = cv.rota_id"
)
_THROUGH_CLINICIAN = (
    ("clinician_id",),
    "SELECT t.network_id AS network_id FROM {R} JOIN rota_clinician c ON c.id = R.clinician_id "
    "JOIN rota_trust t ON t.id = c.home_trust_id "
    "UNION " + _WHERE_SEEN.replace("{who}", "clinician_id"),
)
_THE_CLINICIAN = (
    ("id", "home_trust_id"),
    "SELECT t.network_id AS network_id FROM {R} JOIN rota_trust t ON t.id = R.home_trust_id "
    "UNION " + _WHERE_SEEN.replace("{who}", "id"),
)
# Sites and trusts are named across networks (a contact's switchboard): all of them.
_EVERY_NETWORK = (
    ("id",),
    "SELECT n.id AS network_id FROM rota_network n WHERE EXISTS (SELECT 1 FROM {R})",
)

# A pathway's tree kept ready (pathways.models.ReadyTree) reads its version and
# nodes: watched unless the version is a draft, which is never kept ready (and
# changes as a lead types).
_VERSION_NOT_DRAFT = (
    "JOIN pathways_pathway p ON p.id = v.pathway_id WHERE v.status <> 'draft'"
)
_THE_VERSION = (
    ("pathway_id", "status"),
    "SELECT p.network_id AS network_id FROM {R} JOIN pathways_pathway p "
    "ON p.id = R.pathway_id WHERE R.status <> 'draft'",
)
_THROUGH_VERSION = (
    ("version_id",),
    "SELECT p.network_id AS network_id FROM {R} JOIN pathways_pathwayversion v "
    "ON v.id = R.version_id " + _VERSION_NOT_DRAFT,
)
_THROUGH_NODE = (
    ("node_id",),
    "SELECT p.network_id AS network_id FROM {R} JOIN pathways_node nd ON nd.id = R.node_id "
    "JOIN pathways_pathwayversion v ON v.id = nd.version_id " + _VERSION_NOT_DRAFT,
)

WATCHED: dict[str, tuple[tuple[str, ...], str]] = {
    "rota_shift": _THROUGH_ROTA,
    "rota_cover": _THROUGH_ROTA,
    "rota_divert": _THROUGH_ROTA,
    "rota_note": _THROUGH_ROTA,
    "rota_rota_serves": _THROUGH_ROTA,
    "rota_rota": _OWN_NETWORK,
    "rota_closuredate": _OWN_NETWORK,
    "rota_network": _THE_NETWORK,
    "rota_leave": _THROUGH_CLINICIAN,
    "rota_contactmethod": _THROUGH_CLINICIAN,
    "rota_clinician": _THE_CLINICIAN,
    "rota_site": _EVERY_NETWORK,
    "rota_trust": _EVERY_NETWORK,
    "pathways_pathway": _OWN_NETWORK,
    "pathways_pathwayversion": _THE_VERSION,
    "pathways_node": _THROUGH_VERSION,
    "pathways_option": _THROUGH_NODE,
    "pathways_branch": _THROUGH_NODE,
    "pathways_contactstep": _THROUGH_NODE,
}
# Installed with the rota tables' migration; the pathway tables' come with theirs.
ROTA_TABLES = tuple(table for table in WATCHED if table.startswith("rota_"))
PATHWAY_TABLES = tuple(table for table in WATCHED if table.startswith("pathways_"))
EVENTS = {"ins": "INSERT", "upd": "UPDATE", "del": "DELETE"}

_BUMP = (
    "INSERT INTO rota_answergeneration (network_id, generation) "
    "SELECT DISTINCT changed.network_id, 1 FROM ({ids}) AS changed "
    "WHERE changed.network_id IS NOT NULL "
    "ON CONFLICT (network_id) DO UPDATE SET generation = rota_answergeneration.generation + 1"
)


def trigger_name(table: str, event: str) -> str:
    return f"{table}_answers_{event}"


def _ids(table: str, relations: list[str]) -> str:
    _, template = WATCHED[table]
    return " UNION ".join(template.replace("{R}", relation) for relation in relations)


def _postgresql(table: str, event: str) -> list[str]:
    name = trigger_name(table, event)
    relations = {"ins": ["new_rows AS R"], "del": ["old_rows AS R"],
                 "upd": ["old_rows AS R", "new_rows AS R"]}[event]
    referencing = {"ins": "NEW TABLE AS new_rows", "del": "OLD TABLE AS old_rows",
                   "upd": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[event]
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_BUMP.format(ids=_ids(table, relations))}; RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER {EVENTS[event]} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def _sqlite(table: str, event: str) -> list[str]:
    name = trigger_name(table, event)
    columns, _ = WATCHED[table]

    def row(which: str) -> str:
        return "(SELECT " + ", ".join(f"{which}.{c} AS {c}" for c in columns) + ") AS R"

    relations = {"ins": [row("NEW")], "del": [row("OLD")],
                 "upd": [row("OLD"), row("NEW")]}[event]
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"CREATE TRIGGER {name} AFTER {EVENTS[event]} ON {table} FOR EACH ROW BEGIN "
        f"{_BUMP.format(ids=_ids(table, relations))}; END",
    ]


def statements(vendor: str, tables=ROTA_TABLES) -> list[str]:
    build = {"postgresql": _postgresql, "sqlite": _sqlite}[vendor]
    return [sql for table in tables for event in EVENTS for sql in build(table, event)]


def removal(vendor: str, tables=ROTA_TABLES) -> list[str]:
    result = []
    for table in tables:
        for event in EVENTS:
            name = trigger_name(table, event)
            if vendor == "postgresql":
                result += [f"DROP TRIGGER IF EXISTS {name} ON {table}",
                           f"DROP FUNCTION IF EXISTS {name}()"]
            else:
                result.append(f"DROP TRIGGER IF EXISTS {name}")
    return result


def install(apps, schema_editor, tables=ROTA_TABLES) -> None:
    for sql in statements(schema_editor.connection.vendor, tables):
        schema_editor.execute(sql, params=None)


def remove(apps, schema_editor, tables=ROTA_TABLES) -> None:
    for sql in removal(schema_editor.connection.vendor, tables):
        schema_editor.execute(sql, params=None)


def install_pathways(apps, schema_editor) -> None:
    install(apps, schema_editor, PATHWAY_TABLES)


def remove_pathways(apps, schema_editor) -> None:
    remove(apps, schema_editor, PATHWAY_TABLES)


def installed(connection) -> set[str]:
    """The names of the answer triggers the database holds now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE %s",
                           ["%\\_answers\\_%"])
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def expected() -> set[str]:
    return {trigger_name(table, event) for table in WATCHED for event in EVENTS}
