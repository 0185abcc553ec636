"""The nightly fallback pack: every pathway PDF and both rota pack editions, in one folder.

:func:`fallback_pack_export` writes a network's pack into a new dated folder
under ``out_dir`` and only then points ``out_dir/current`` at it, by renaming
a symbolic link (atomic on POSIX), so a failed run never leaves half a pack
and readers never see one. Files that hold personal numbers are created
readable by the service's account only (mode 0600): switchboard staff print
them from the web page, or the host prints the folder.

:func:`fallback_pack_status` reads ``made.json`` in each ``current`` folder,
for ``/healthz``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.template.loader import render_to_string

from common.london import spoken, utc_stamp
from pathways.models import Pathway, VersionStatus, published_version
from pathways.pdf import pathway_pdf
from pathways.printing import printed_version
from rota.pack import load_pack, render_pack_pdf

CURRENT = "current"
MADE_FILE = "made.json"
PRIVATE, SHARED = 0o600, 0o644


class ExportError(Exception):
    """The pack could not be written; ``current`` still points at the previous one."""


@dataclass(frozen=True)
class ExportedPack:
    folder: Path
    files: tuple[str, ...]
    made_at: datetime


def _write(path: Path, content: bytes, mode: int) -> None:
    # Created with its final mode: a personal number is never readable, even for an instant.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def fallback_pack_export(
    network, *, out_dir: Path, now: datetime, days: int = 7, keep: int = 7,
    progress: Callable[[int, int, str], None] | None = None,
) -> ExportedPack:
    """Write ``network``'s fallback pack under ``out_dir`` and make it ``current``.

    Keeps the ``keep`` newest dated folders. Raises :class:`ExportError` if
    anything fails, having removed what it had written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    versions = [
        published_version(pathway)
        for pathway in Pathway.objects.filter(
            network=network, versions__status=VersionStatus.PUBLISHED
        ).order_by("title")
    ]
    steps = len(versions) + 3
    name = utc_stamp(now)
    partial = out_dir / f".{name}.partial"
    final = out_dir / name
    if final.exists():
        raise ExportError(f"{final} already exists: a pack was made at this very second.")

    def tell(done: int, what: str) -> None:
        if progress is not None:
            progress(done, steps, what)

    files: list[tuple[str, str]] = []  # (file name, what it is)
    try:
        partial.mkdir(mode=0o755)
        for done, version in enumerate(versions, start=1):
            printed = printed_version(version)
            rendered = pathway_pdf(printed)
            _write(partial / rendered.filename, rendered.content, SHARED)
            files.append((rendered.filename, f"{printed.title}, version {printed.number}"))
            tell(done, rendered.filename)
        for offset, (edition, mode) in enumerate(
            (("staff", SHARED), ("switchboard", PRIVATE)), start=1
        ):
            pack = load_pack(network, edition=edition, made_at=now, days=days)
            filename = f"rota-pack-{edition}.pdf"
            _write(partial / filename, render_pack_pdf(pack), mode)
            what = f"Rota pack, {edition} edition, {days} days"
            if mode == PRIVATE:
                what += " (holds personal numbers: readable by the service's account only)"
            files.append((filename, what))
            tell(len(versions) + offset, filename)
        index = render_to_string("pdf/fallback_index.html", {
            "network": network.name,
            "made": spoken(now),
            "files": files,
        })
        _write(partial / "index.html", index.encode(), SHARED)
        _write(partial / MADE_FILE, json.dumps({
            "network": network.slug, "made_at": now.astimezone(UTC).isoformat(),
            "files": [f for f, _ in files],
        }, indent=1).encode(), SHARED)
        tell(steps, "index.html")
        os.rename(partial, final)
        link = out_dir / f".{CURRENT}.{name}"
        os.symlink(name, link)
        os.replace(link, out_dir / CURRENT)
    except Exception as error:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(error, ExportError):
            raise
        raise ExportError(f"The pack was not made ({error}); the previous one stays current.") \
            from error
    _prune(out_dir, keep)
    return ExportedPack(final, tuple(f for f, _ in files) + ("index.html", MADE_FILE), now)


def _prune(out_dir: Path, keep: int) -> None:
    current = os.readlink(out_dir / CURRENT) if (out_dir / CURRENT).is_symlink() else None
    dated = sorted(
        (p for p in out_dir.iterdir()
         if p.is_dir() and not p.is_symlink() and p.name[:1].isdigit()),
        key=lambda p: p.name,
    )
    for old in dated[:-keep] if keep > 0 else []:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)


@dataclass(frozen=True)
class PackStatus:
    folder: str
    made_at: datetime | None
    age_hours: float | None
    warning: str

    def as_dict(self) -> dict:
        return {
            "folder": self.folder,
            "made_at": self.made_at.isoformat() if self.made_at else None,
            "age_hours": round(self.age_hours, 1) if self.age_hours is not None else None,
            "warning": self.warning,
        }


def fallback_pack_status(folder: str, *, now: datetime, max_age_hours: int) -> PackStatus:
    """How old the ``current`` pack in ``folder`` is, and a warning if too old or missing."""
    made_file = Path(folder) / CURRENT / MADE_FILE
    try:
        made_at = datetime.fromisoformat(json.loads(made_file.read_text())["made_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return PackStatus(folder, None, None,
                          "No fallback pack has been made here yet: run export_fallback_pack.")
    age = (now.astimezone(UTC) - made_at.astimezone(UTC)) / timedelta(hours=1)
    warning = (
        f"The fallback pack is {age:.0f} hours old (more than {max_age_hours}): "
        "check the nightly export_fallback_pack job."
        if age > max_age_hours else ""
    )
    return PackStatus(folder, made_at, age, warning)
