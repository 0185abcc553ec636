"""The hazard log: read from docs/clinical-safety/hazard-log.yaml, rendered as Markdown.

    python -m config.hazard_log          # rewrites docs/clinical-safety/hazard-log.md

The scales and the risk matrix follow the DCB0129 implementation guidance:
five levels of severity and of likelihood; the clinical risk (1 lowest to 5
highest) is read from the matrix, never typed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
LOG = ROOT / "docs" / "clinical-safety" / "hazard-log.yaml"
PAGE = ROOT / "docs" / "clinical-safety" / "hazard-log.md"

SEVERITY = ("Minor", "Significant", "Considerable", "Major", "Catastrophic")
LIKELIHOOD = ("Very low", "Low", "Medium", "High", "Very high")
# RISK[likelihood][severity], likelihood and severity as indexes into the scales above.
RISK = (
    (1, 1, 2, 2, 3),
    (1, 2, 2, 3, 4),
    (2, 2, 3, 3, 4),
    (2, 3, 3, 4, 5),
    (3, 4, 4, 5, 5),
)
RISK_WORDS = {
    1: "acceptable",
    2: "acceptable where further reduction is impractical",
    3: "undesirable: accepted only with the Clinical Safety Officer's agreement",
    4: "unacceptable",
    5: "unacceptable",
}
STATUSES = ("controlled", "control planned")


def load(path: Path = LOG) -> list[dict]:
    return yaml.safe_load(path.read_text())["hazards"]


def risk(rating: dict) -> int:
    return RISK[LIKELIHOOD.index(rating["likelihood"])][SEVERITY.index(rating["severity"])]


def _rating(rating: dict) -> str:
    return f"{rating['severity']} x {rating['likelihood']}: risk {risk(rating)}"


def render(hazards: list[dict]) -> str:
    lines = [
        "# Hazard log",
        "",
        "Generated from `hazard-log.yaml` by `python -m config.hazard_log`; edit the YAML.",
        "A draft for the Clinical Safety Officer's review and sign-off (DCB0129).",
        "",
        "## Scales",
        "",
        "Severity: " + ", ".join(SEVERITY) + " (lowest to highest).",
        "Likelihood: " + ", ".join(LIKELIHOOD) + " (lowest to highest).",
        "",
        "| likelihood \\ severity | " + " | ".join(SEVERITY) + " |",
        "| --- |" + " --- |" * len(SEVERITY),
    ]
    for index in reversed(range(len(LIKELIHOOD))):
        lines.append(f"| {LIKELIHOOD[index]} | " + " | ".join(str(r) for r in RISK[index]) + " |")
    lines += ["", "Risk: " + "; ".join(f"{n} {w}" for n, w in RISK_WORDS.items()) + ".", ""]
    lines += ["## Summary", "", "| id | hazard | initial | residual | status |",
              "| --- | --- | --- | --- | --- |"]
    for h in hazards:
        lines.append(f"| {h['id']} | {h['hazard']} | {risk(h['initial'])} | "
                     f"{risk(h['residual'])} | {h['status']} |")
    for h in hazards:
        lines += ["", f"## {h['id']}: {h['hazard']}", ""]
        lines.append("- **Causes**: " + "; ".join(h["causes"]) + ".")
        lines.append(f"- **Effect on the patient**: {h['effect']}")
        lines.append(f"- **Initial risk**: {_rating(h['initial'])}")
        lines.append(f"- **Residual risk**: {_rating(h['residual'])}")
        status = h["status"] + (f" ({h['planned_by']})" if h.get("planned_by") else "")
        lines.append(f"- **Status**: {status}")
        if h.get("note"):
            lines.append(f"- **Note**: {h['note']}")
        lines += ["", "Controls, and the tests that verify them:", ""]
        for number, control in enumerate(h["controls"], start=1):
            lines.append(f"{number}. {control['control']}")
            for test in control["tests"]:
                lines.append(f"   - `{test}`")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PAGE.write_text(render(load()))
    sys.stdout.write(f"Wrote {PAGE.relative_to(ROOT)}\n")
