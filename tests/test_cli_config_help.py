"""Every command's --config help says where the tool looks when it is left out (the packaged config
and the per-user one, not only config/danvan.toml in the current folder); `danvan config` shows the
search itself."""

from __future__ import annotations

import click
from click.testing import CliRunner

from danvan_sheets.cli import cli


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*path, name))
        else:
            yield (*path, name), cmd


def test_every_config_option_names_the_whole_search_order():
    checked = []
    for path, cmd in _commands(cli):
        for p in cmd.params:
            if isinstance(p, click.Option) and "--config" in p.opts and path[:1] != ("config",):
                checked.append(" ".join(path))
                assert "DANVAN_CONFIG" in (p.help or "") and "danvan config path" in (p.help or ""), path
    assert {"check", "aggregate", "doctor", "remind", "history", "review", "rollup", "campaign new"} <= set(checked)


def test_the_help_shows_it():
    out = CliRunner().invoke(cli, ["remind", "-h"]).output
    assert "DANVAN_CONFIG" in out and "mặc định config/danvan.toml)" not in out
