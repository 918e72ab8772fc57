"""Fixtures shared by the whole suite: a fresh database per test, the app, clients and sessions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from citydip.core.config import Settings
from citydip.core.database import make_engine, make_sessionmaker
from citydip.web.app import create_app
from support.databases import TemplateDatabase, backend
from support.factories import system_session
from support.web import Browser


def pytest_report_header(config: pytest.Config) -> str:
    return f"citydip database backend: {backend()}"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TemplateDatabase]:
    template = TemplateDatabase(tmp_path_factory.mktemp("db"))
    yield template
    template.drop()


@pytest.fixture
def db_url(template_db: TemplateDatabase) -> Iterator[str]:
    url = template_db.clone()
    yield url
    template_db.drop_clone(url)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db_url, data_dir=tmp_path / "data", secret_key="test-secret-key-not-for-production"
    )


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.resolved_database_url())
    yield engine
    engine.dispose()


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    from citydip.domains import install_session_hooks

    install_session_hooks()
    return make_sessionmaker(engine)


@pytest.fixture
def app(settings: Settings, engine: Engine) -> FastAPI:
    return create_app(settings, engine)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def make_client(app: FastAPI) -> Iterator[object]:
    """Build extra independent clients (each with its own cookies)."""
    clients: list[TestClient] = []

    def build() -> Browser:
        c = TestClient(app, raise_server_exceptions=False)
        clients.append(c)
        return Browser(c)

    yield build
    for c in clients:
        c.close()


@pytest.fixture
def sys_session(factory: sessionmaker[Session]) -> object:
    """``with sys_session() as s:`` opens a committed system-scope transaction."""
    return lambda: system_session(factory)


@pytest.fixture
def cli(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Run ``citydip ...`` in-process against this test's database; returns (exit code, output)."""
    from typer.testing import CliRunner

    from citydip.cli import build
    from citydip.core import cli as core_cli
    from citydip.core.config import get_settings

    monkeypatch.setenv("CITYDIP_DATABASE_URL", settings.resolved_database_url())
    monkeypatch.setenv("CITYDIP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CITYDIP_SECRET_KEY", settings.secret_key)
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    build()
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None) -> tuple[int, str]:
        result = runner.invoke(core_cli.app, list(args), input=input, catch_exceptions=False)
        return result.exit_code, result.output

    yield invoke
    for engine in core_cli._engine_cache.values():
        engine.dispose()
    core_cli._engine_cache.clear()
    get_settings.cache_clear()
