"""The installed package: a wheel that carries its default configuration and runs from any folder;
the Windows scripts and the Task Scheduler lines that stand in for the bash scripts and cron."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "demo" / "dang-ky-2023.xlsx"
UNITS = REPO / "demo" / "don-vi.csv"


def _clean_env(home: Path) -> dict[str, str]:
    """A user's environment: no project paths, no danvan variables, a fresh home."""
    drop = ("PYTHONPATH", "DANVAN_DATA_DIR", "DANVAN_CONFIG", "DANVAN_DEBUG", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("XDG_")}
    env.update(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData" / "Local"))
    return env


def _run(args: list, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kw)


def test_the_wheel_installs_into_a_fresh_venv_and_checks_the_demo_from_an_unrelated_folder(tmp_path):
    # Build from a copy, so the worktree gets no build/ or egg-info, and only what the sdist would hold.
    src = tmp_path / "src"
    shutil.copytree(REPO / "danvan_sheets", src / "danvan_sheets", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    # Offline: the build backend is the one installed for the tests (constraints.txt), not fetched.
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", tmp_path / "dist", src])
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("danvan_sheets-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "danvan_sheets/data/danvan.toml" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)

    # A fresh venv; its dependencies come from the test environment through a plain path line (a .pth
    # line adds the folder without running the .pth files in it, so the editable install stays out).
    venv = tmp_path / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", venv]).returncode == 0
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    py = bindir / ("python.exe" if os.name == "nt" else "python")
    purelib = _run([py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(purelib, "_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
    installed = _run([sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "--no-index", wheel])
    assert installed.returncode == 0, installed.stdout + installed.stderr

    home, elsewhere = tmp_path / "home", tmp_path / "noi-khac"
    home.mkdir()
    elsewhere.mkdir()
    env = _clean_env(home)
    where = _run([py, "-c", "import danvan_sheets; print(danvan_sheets.__file__)"], cwd=elsewhere, env=env)
    assert Path(where.stdout.strip()).is_relative_to(Path(purelib)), where.stdout + where.stderr

    danvan = bindir / ("danvan.exe" if os.name == "nt" else "danvan")
    res = _run([danvan, "check", "--source", f"xlsx:{DEMO}", "--units", UNITS, "--format", "json"], cwd=elsewhere,
               env=env)
    assert res.returncode == 1, res.stderr  # the demo has units short of their quota
    assert '"units"' in res.stdout and "Traceback" not in res.stderr
    assert list(elsewhere.iterdir()) == []  # no data/ or anything else in the folder it ran from

    res = _run([danvan, "config", "path"], cwd=elsewhere, env=env)
    assert res.returncode == 0, res.stderr
    lines = dict(line.split(": ", 1) for line in res.stdout.splitlines())
    assert Path(lines["Tệp cấu hình"]) == Path(purelib) / "danvan_sheets" / "data" / "danvan.toml"
    assert Path(lines["Lịch sử"]).is_file() and Path(lines["Lịch sử"]).is_relative_to(home)

    res = _run([danvan, "config", "init"], cwd=elsewhere, env=env)
    assert res.returncode == 0, res.stderr
    res = _run([danvan, "config", "path"], cwd=elsewhere, env=env)
    own = Path(dict(line.split(": ", 1) for line in res.stdout.splitlines())["Tệp cấu hình"])
    assert own.is_relative_to(home) and own.name == "danvan.toml"  # the editable copy is found from now on


# --- Windows scripts and Task Scheduler, checked as text (no PowerShell on the test machine) ---------

def test_the_powershell_scripts_do_what_the_bash_scripts_do():
    venv = (REPO / "scripts" / "_venv.ps1").read_text(encoding="utf-8")
    assert "-c constraints.txt" in venv and '-e ".[test]"' in venv
    assert "pyproject.toml" in venv and "constraints.txt" in venv and ".installed-" in venv
    assert "sys.version_info >= (3, 11)" in venv and r".venv\Scripts\python.exe" in venv
    demo_sh = (REPO / "scripts" / "demo.sh").read_text(encoding="utf-8")
    demo_ps = (REPO / "scripts" / "demo.ps1").read_text(encoding="utf-8")
    command = re.search(r"danvan (aggregate .*?) \"\$@\"", demo_sh)[1]
    assert command in demo_ps and "_venv.ps1" in demo_ps
    test_ps = (REPO / "scripts" / "test.ps1").read_text(encoding="utf-8")
    assert "_venv.ps1" in test_ps and "-m pytest @args" in test_ps
    cron_ps = (REPO / "scripts" / "cron-aggregate.ps1").read_text(encoding="utf-8")
    assert "aggregate --quiet --config $Config @LogArgs @args" in cron_ps and "DANVAN_LOG" in cron_ps


def test_the_test_scripts_lint_before_the_tests_and_pass_their_arguments_on():
    test_sh = (REPO / "scripts" / "test.sh").read_text(encoding="utf-8")
    test_ps = (REPO / "scripts" / "test.ps1").read_text(encoding="utf-8")
    for text, pytest_call in ((test_sh, 'pytest "$@"'), (test_ps, "-m pytest @args")):
        ruff, mypy, pytest_at = text.index("ruff check"), text.index("mypy danvan_sheets"), text.index(pytest_call)
        assert ruff < pytest_at and mypy < pytest_at and "danvan_sheets tests" in text
    assert "exit 1" in test_sh and "exit 1" in test_ps
    assert "bash scripts/test.sh -q" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_the_task_scheduler_lines_are_valid_schtasks_commands():
    text = (REPO / "config" / "task-scheduler.example.cmd").read_text(encoding="utf-8")
    commands = [shlex.split(ln, posix=False) for ln in text.splitlines() if ln.startswith("schtasks ")]
    assert len(commands) == 2
    allowed = {"/create", "/tn", "/tr", "/sc", "/d", "/st", "/ri", "/du", "/sd", "/f", "/mo", "/et"}
    for words in commands:
        opts = {w.lower(): (words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("/") else None)
                for i, w in enumerate(words) if w.startswith("/")}
        assert set(opts) <= allowed and {"/create", "/tn", "/tr", "/sc", "/st"} <= set(opts)
        assert opts["/tr"].strip('"').endswith(r"\scripts\cron-aggregate.ps1")
        assert "-ExecutionPolicy Bypass -File" in opts["/tr"]
        assert re.fullmatch(r"\d\d:\d\d", opts["/st"])
    weekly, once = ({w.lower(): None for w in c} for c in commands)
    first = commands[0]
    assert first[first.index("/sc") + 1] == "weekly" and first[first.index("/d") + 1] == "MON,TUE,WED,THU,FRI"
    assert first[first.index("/ri") + 1] == "30" and re.fullmatch(r"\d{4}:\d\d", first[first.index("/du") + 1])
    # 07:00 + 10 h 30 min of repeats every 30 min: the last run at 17:30, as the cron example.
    assert (first[first.index("/st") + 1], first[first.index("/du") + 1]) == ("07:00", "0010:30")
    assert commands[1][commands[1].index("/sc") + 1] == "once" and "/sd" in once and "/ri" not in once
    assert "/ri" in weekly
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert commands[0] == shlex.split(next(ln for ln in readme.splitlines() if ln.startswith("schtasks ")), posix=False)


def test_every_package_the_project_needs_is_pinned_in_constraints():
    """The quick start installs exactly constraints.txt: every package danvan-sheets[test] needs, the
    dependencies of dependencies too, has its line there at the version installed."""
    from importlib.metadata import PackageNotFoundError, distribution

    from packaging.requirements import Requirement

    def norm(name: str) -> str:
        return re.sub(r"[-_.]+", "-", name).lower()

    lines = (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines()
    pins = {norm(k): v.strip() for k, v in (ln.split("==", 1) for ln in lines if ln and not ln.startswith("#"))}
    # Walk the requirements from the project itself (not whatever else an old .venv still holds).
    todo, needed = [("danvan-sheets", ("test",))], {}
    while todo:
        name, extras = todo.pop()
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            continue  # a requirement for another platform or Python (its marker is false here)
        needed[norm(name)] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            envs = [{"extra": e} for e in extras] or [{"extra": ""}]
            if (req.marker is None or any(req.marker.evaluate(e) for e in envs)) and norm(req.name) not in needed:
                todo.append((req.name, tuple(req.extras)))
    assert {"gspread", "python-calamine", "filelock", "platformdirs", "pytest", "requests"} <= set(needed)
    unpinned = {n: v for n, v in needed.items() if n != "danvan-sheets" and pins.get(n) != v}
    assert unpinned == {}
