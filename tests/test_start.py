"""Ctrl-C while `danvan` is still loading its commands ends like any Ctrl-C: "Đã dừng.", exit 130."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# In the child: the key press lands while a command module is being imported.
INTERRUPT_DURING_IMPORT = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "danvan_sheets.cli.check":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
from danvan_sheets.start import main
main()
"""


def test_ctrl_c_while_loading_the_commands_prints_no_traceback():
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.run([sys.executable, "-c", INTERRUPT_DURING_IMPORT, "check", "-h"], cwd=REPO, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 130
    assert proc.stderr == "Đã dừng.\n" and proc.stdout == ""


def test_the_installed_command_and_python_m_use_the_same_entry_point():
    import tomllib

    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"danvan": "danvan_sheets.start:main"}
    assert "from danvan_sheets.start import main" in (REPO / "danvan_sheets" / "__main__.py").read_text()
