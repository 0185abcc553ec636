"""The pathway rules are pure when they run, not only on paper.

``tests/test_layers.py`` walks the import graph; this imports the rules in a
fresh interpreter and checks that no database code was loaded on the way.
Loading is :mod:`pathways.selectors`' job.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from pathways.engine import URGENCY_LABELS
from pathways.models import Urgency

pytestmark = pytest.mark.pure

ROOT = Path(__file__).resolve().parents[2]
PURE = ("pathways.engine", "pathways.validation", "pathways.tree")


def test_importing_the_rules_loads_no_database_code_transitively():
    probe = (
        "import sys\n"
        f"import {', '.join(PURE)}\n"
        "project = ('pathways', 'rota')\n"
        "print('\\n'.join(sorted(name for name in sys.modules if name.startswith('django.db')"
        " or (name.startswith(project) and name.split('.')[-1] in ('models', 'selectors')))))\n"
    )
    result = subprocess.run(  # noqa: S603 - a fixed probe, run with this interpreter
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True,
        env={"PATH": "", "PYTHONPATH": str(ROOT)},
    )
    assert result.stdout.split() == []


def test_the_engines_urgency_labels_are_the_models():
    assert dict(Urgency.choices) == URGENCY_LABELS
