"""The ``citydip`` command line, run in-process against a real database."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from citydip.accounts.models import ApiToken, User
from citydip.core import cli as core_cli
from citydip.workspaces.models import Workspace
from support.databases import backend


def test_init_is_idempotent(cli):
    code, out = cli("init")
    assert code == 0, out
    assert "Nothing changed" in out
    assert re.search(r"ref_cities\s+│\s+0\s+│\s+0\s+│\s+170,391", out)


def test_user_workspace_network_and_token_lifecycle(cli, sys_session):
    assert cli("user", "add", "ana@lacity.example", "--name", "Ana", "--password", "long-enough-pass")[0] == 0
    code, out = cli(
        "workspace", "add", "los-angeles", "--city", "Los Angeles, US", "--owner", "ana@lacity.example"
    )
    assert code == 0 and "Los Angeles, US" in out
    assert cli("workspace", "add", "houston", "--city", "Houston")[0] == 0
    code, out = cli("workspace", "list")
    assert "los-angeles" in out and "Houston, US" in out
    assert cli("network", "add", "summit", "--name", "Summit on City Diplomacy")[0] == 0
    assert cli("network", "join", "summit", "los-angeles")[0] == 0
    assert cli("network", "join", "summit", "houston")[0] == 0
    code, out = cli("network", "list")
    assert "houston, los-angeles" in out
    code, out = cli(
        "token",
        "create",
        "--user",
        "ana@lacity.example",
        "--workspace",
        "los-angeles",
        "--role",
        "viewer",
        "--name",
        "sync",
    )
    assert code == 0
    token = out.strip().splitlines()[-1]
    assert token.startswith("cdp_")
    code, out = cli("token", "list")
    assert "sync" in out and "active" in out and token not in out
    with sys_session() as s:
        token_id = s.scalars(select(ApiToken.id)).one()
    assert cli("token", "revoke", str(token_id))[0] == 0
    assert "revoked" in cli("token", "list")[1]
    assert cli("user", "set-password", "ana@lacity.example", "--password", "another-long-pass")[0] == 0
    assert cli("user", "disable", "ana@lacity.example")[0] == 0
    with sys_session() as s:
        assert s.scalars(select(User.is_active)).one() is False
    assert "ana@lacity.example" in cli("user", "list")[1]


def test_errors_are_messages_not_traces(cli, sys_session):
    code, out = cli("workspace", "add", "Bad Slug!")
    assert code == 1 and "Invalid slug" in out and "Traceback" not in out
    code, out = cli("workspace", "add", "nowhere", "--city", "Qwxzzy Vvvqq")
    assert code == 1 and "Unknown city" in out
    code, out = cli("user", "add", "not-an-email", "--password", "short")
    assert code == 1 and "email" in out and "10 characters" in out
    code, out = cli("network", "join", "missing", "also-missing")
    assert code == 1 and "No network" in out
    with sys_session() as s:
        assert s.scalar(select(func.count()).select_from(Workspace)) == 0


def test_every_command_has_help_with_an_example(cli):
    import typer.main

    from citydip.cli import build

    build()
    click_app = typer.main.get_command(core_cli.app)
    missing = []

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        else:
            code, out = cli(*path, "--help")
            if code != 0 or "Example" not in out:
                missing.append(" ".join(path))

    walk(click_app, [])
    assert not missing, f"commands without an example in --help: {missing}"


def test_doctor_reports_a_healthy_installation(cli):
    code, out = cli("doctor")
    assert code == 0, out
    assert "Schema" in out and "ok" in out and "ref_cities 170,391" in out


@pytest.mark.skipif(
    backend() == "postgresql"
    and not __import__("shutil").which("pg_dump")
    and not __import__("glob").glob("/usr/lib/postgresql/*/bin/pg_dump"),
    reason="pg_dump is not installed",
)
def test_backup_and_restore_roundtrip(cli, tmp_path, sys_session):
    assert cli("user", "add", "ana@lacity.example", "--password", "long-enough-pass")[0] == 0
    assert cli("workspace", "add", "los-angeles", "--city", "Los Angeles, US")[0] == 0
    target = tmp_path / "backup.tar"
    code, out = cli("backup", str(target))
    assert code == 0, out
    assert target.exists()
    code, out = cli("backup", str(target))
    assert code == 1 and "already exists" in out
    assert cli("workspace", "add", "houston", "--city", "Houston, US")[0] == 0
    code, out = cli("restore", str(target))
    assert code == 1 and "--force" in out
    code, out = cli("restore", str(target), "--force")
    assert code == 0 and "verified" in out, out
    with sys_session() as s:
        assert s.scalars(select(Workspace.slug)).all() == ["los-angeles"]
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 100)
    code, out = cli("restore", str(garbage), "--force")
    assert code == 1 and "Traceback" not in out


def test_toml_configuration_file(tmp_path, monkeypatch):
    from citydip.core.config import Settings

    cfg = tmp_path / "citydip.toml"
    cfg.write_text('[citydip]\ndatabase_url = "sqlite:////tmp/from-toml.sqlite3"\nport = 8123\n')
    monkeypatch.setenv("CITYDIP_CONFIG", str(cfg))
    monkeypatch.delenv("CITYDIP_DATABASE_URL", raising=False)
    settings = Settings()
    assert settings.resolved_database_url() == "sqlite:////tmp/from-toml.sqlite3"
    assert settings.port == 8123
    monkeypatch.setenv("CITYDIP_PORT", "9000")
    assert Settings().port == 9000  # environment variables win over the file


def test_backup_is_consistent_while_writes_continue(cli, tmp_path, settings, factory):
    import threading

    from support.databases import backend
    from support.factories import make_user, system_session

    if backend() != "sqlite":
        pytest.skip("the SQLite online-backup path; PostgreSQL uses an exported snapshot")
    stop = threading.Event()
    written = []

    def writer() -> None:
        n = 0
        while not stop.is_set():
            with system_session(factory) as s:
                make_user(s, f"writer{n}@example.org", password="long-enough-pass")
            written.append(n)
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            stop.wait(0.01)
        code, out = cli("backup", str(tmp_path / "live.tar"))
    finally:
        stop.set()
        thread.join()
    assert code == 0, out
    import sqlite3
    import tarfile

    with tarfile.open(tmp_path / "live.tar") as tar:
        tar.extract("database.sqlite3", tmp_path, filter="data")
    con = sqlite3.connect(tmp_path / "database.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    users = con.execute("SELECT count(*) FROM users").fetchone()[0]
    con.close()
    assert 3 <= users <= len(written)


def test_the_readme_commands_exist_with_the_options_they_show():
    import shlex
    from pathlib import Path

    import typer.main

    from citydip.cli import build

    build()
    root = typer.main.get_command(core_cli.app)
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    lines = [ln.split("  #")[0].strip() for ln in readme.splitlines() if ln.startswith("citydip ")]
    assert len(lines) > 20
    wrong = []
    for line in lines:
        words = shlex.split(line)[1:]
        cmd = root
        while hasattr(cmd, "commands") and words and words[0] in cmd.commands:
            cmd = cmd.commands[words.pop(0)]
        if hasattr(cmd, "commands"):
            wrong.append(f"{line}: no such command")
            continue
        known = {opt for p in cmd.params for opt in (*p.opts, *p.secondary_opts)}
        wrong += [f"{line}: {w}" for w in words if w.startswith("-") and w.split("=")[0] not in known]
    assert not wrong, wrong
