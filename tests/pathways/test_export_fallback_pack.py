"""export_fallback_pack: a whole pack or none, private where it must be, and /healthz."""

import fcntl
import io
import json
import os
import re
import stat
from datetime import UTC, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pypdf import PdfReader

from tests.factories import london

NOW = london(2026, 3, 18, 10, 0).astimezone(UTC)


@pytest.fixture
def clock(clock):
    # The command is the edge that reads the clock; the pack takes the instant as a parameter.
    clock["now"] = NOW
    return clock


def export(out, *extra) -> str:
    stdout = StringIO()
    call_command("export_fallback_pack", "--network", "lsc", "--out", str(out), *extra,
                 stdout=stdout)
    return stdout.getvalue()


def text_of(path) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_export_fallback_pack_writes_every_file_and_switches_current(tmp_path, published,
                                                                      clock):
    """Controls H-09."""
    output = export(tmp_path)
    current = tmp_path / "current"
    assert current.is_symlink() and os.readlink(current) == "20260318T100000Z"
    names = sorted(p.name for p in current.iterdir())
    assert names == ["index.html", "made.json", "rota-pack-staff.pdf",
                     "rota-pack-switchboard.pdf", "vascular-test-v1.pdf"]
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in current.iterdir()}
    assert modes["rota-pack-switchboard.pdf"] == 0o600
    assert modes["rota-pack-staff.pdf"] == modes["vascular-test-v1.pdf"] == 0o644
    assert output.splitlines() == [
        "1/4 vascular-test-v1.pdf",
        "2/4 rota-pack-staff.pdf",
        "3/4 rota-pack-switchboard.pdf",
        "4/4 index.html",
        f"Made {tmp_path / '20260318T100000Z'} (5 files); {current} points at it.",
    ]
    index = (current / "index.html").read_text()
    assert "Made 10:00 on Wed 18 Mar 2026 (GMT)" in index
    assert json.loads((current / "made.json").read_text())["made_at"] == \
        "2026-03-18T10:00:00+00:00"
    for name in ("vascular-test-v1.pdf", "rota-pack-staff.pdf"):
        assert "07700900123" not in re.sub(r"\D", "", text_of(current / name))
    assert "07700 900123" in text_of(current / "rota-pack-switchboard.pdf")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]


def test_export_fallback_pack_failure_keeps_the_previous_pack(tmp_path, published, clock,
                                                               monkeypatch):
    """Controls H-09."""
    export(tmp_path)
    clock["now"] = NOW + timedelta(days=1)

    def broken(pack):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pathways.fallback_pack.render_pack_pdf", broken)
    with pytest.raises(CommandError, match="disk full.*the previous one stays current"):
        export(tmp_path)
    assert os.readlink(tmp_path / "current") == "20260318T100000Z"
    assert sorted(p.name for p in tmp_path.iterdir()) == [".lock", "20260318T100000Z",
                                                          "current"]


def test_export_fallback_pack_second_run_at_once_does_nothing(tmp_path, published, clock):
    with open(tmp_path / ".lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        output = export(tmp_path)
    assert output == ("Another export of the Lancashire and South Cumbria pack is running; "
                      "this one did nothing.\n")
    assert not (tmp_path / "current").exists()


def test_export_fallback_pack_keeps_only_the_newest(tmp_path, published, clock):
    for day in range(3):
        clock["now"] = NOW + timedelta(days=day)
        export(tmp_path, "--keep", "2", "--days", "1")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name[0].isdigit()) == [
        "20260319T100000Z", "20260320T100000Z"]
    assert os.readlink(tmp_path / "current") == "20260320T100000Z"


@pytest.mark.parametrize(("args", "message"), [
    (["--network", "nowhere"], "No network 'nowhere'. Known networks: elsewhere, lsc."),
    (["--network", "lsc", "--days", "15"], "--days must be from 1 to 14."),
    (["--network", "lsc", "--keep", "0"], "--keep must be at least 1"),
])
def test_export_fallback_pack_bad_arguments_say_what_to_change(tmp_path, world, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_fallback_pack", "--out", str(tmp_path), *args, stdout=StringIO())


def test_healthz_reports_the_age_of_each_pack(tmp_path, published, clock, settings):
    """Controls H-09."""
    settings.FALLBACK_PACK_DIRS = [str(tmp_path), str(tmp_path / "never")]
    export(tmp_path)
    clock["now"] = NOW + timedelta(hours=25)
    body = Client().get("/healthz").json()
    assert body["status"] == "warn"
    assert body["fallback_packs"][0] == {
        "folder": str(tmp_path), "made_at": "2026-03-18T10:00:00+00:00", "age_hours": 25.0,
        "warning": "",
    }
    assert body["warnings"] == [
        "No fallback pack has been made here yet: run export_fallback_pack."]
    settings.FALLBACK_PACK_DIRS = [str(tmp_path)]
    assert Client().get("/healthz").json()["status"] == "ok"
    clock["now"] = NOW + timedelta(hours=27)
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["warnings"] == [
        "The fallback pack is 27 hours old (more than 26): check the nightly "
        "export_fallback_pack job."]


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_export_fallback_pack_in_a_terminal_draws_a_progress_bar(tmp_path, published, clock):
    terminal = Terminal()
    call_command("export_fallback_pack", "--network", "lsc", "--out", str(tmp_path),
                 stdout=terminal)
    output = terminal.getvalue()
    assert "\r[########......................] 1/4 vascular-test-v1.pdf" in output
    assert "\r[##############################] 4/4 index.html" in output
    assert output.endswith("points at it.\n")
    assert "1/4 vascular-test-v1.pdf\n" not in output
