"""Settings from environment variables (``CITYDIP_*``) and an optional TOML file."""

from __future__ import annotations

import os
import secrets
import tomllib
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

APP_NAME = "citydip"


def default_data_dir() -> Path:
    """The per-user data directory used when CITYDIP_DATA_DIR is not set."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file_path() -> Path | None:
    """The TOML file to read: CITYDIP_CONFIG, else citydip.toml in the config directory if it exists."""
    explicit = os.environ.get("CITYDIP_CONFIG")
    if explicit:
        return Path(explicit)
    candidate = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "citydip.toml"
    return candidate if candidate.exists() else None


class _TomlSource(PydanticBaseSettingsSource):
    """Reads the ``[citydip]`` table (or the top level) of the TOML configuration file."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        path = config_file_path()
        if path is not None:
            if not path.exists():
                raise FileNotFoundError(f"configuration file {path} (from CITYDIP_CONFIG) does not exist")
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
            table = raw.get("citydip", raw)
            self._data = {str(k).lower(): v for k, v in table.items()}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {k: v for k, v in self._data.items() if k in self.settings_cls.model_fields}


class Settings(BaseSettings):
    """Everything an operator can configure."""

    model_config = SettingsConfigDict(env_prefix="CITYDIP_", extra="ignore")

    database_url: str = Field(default="", description="SQLAlchemy URL; default: SQLite file in the data dir")
    data_dir: Path = Field(default_factory=default_data_dir, description="Uploads, backups, search files")
    secret_key: str = Field(default="", description="Signs CSRF tokens; generated and kept in the data dir")
    https: bool = Field(default=False, description="Mark cookies Secure (set behind an HTTPS proxy)")
    session_days: int = Field(default=14, ge=1, le=365, description="Absolute session lifetime")
    session_idle_hours: int = Field(default=72, ge=1, description="A session unused this long expires")
    max_body_mb: int = Field(default=10, ge=1, description="Largest request body accepted")
    max_upload_mb: int = Field(default=20, ge=1, description="Largest document upload accepted")
    login_max_failures: int = Field(default=5, ge=1, description="Failures allowed per account and address")
    login_max_failures_per_address: int = Field(
        default=20, ge=1, description="Failures allowed per address across all accounts (password spraying)"
    )
    login_window_minutes: int = Field(default=15, ge=1, description="Window for counting login failures")
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For "
        "header is believed; empty: the header is ignored",
    )
    default_locale: str = Field(default="en")
    host: str = Field(default="127.0.0.1")
    port: int = Field(default=8000)
    sql_echo: bool = Field(default=False)

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, value: str) -> str:
        for part in value.split(","):
            if part.strip():
                try:
                    ip_network(part.strip(), strict=False)
                except ValueError:
                    raise ValueError(f"{part.strip()!r} is not an IP address or network") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _TomlSource(settings_cls))

    def proxy_networks(self) -> list[IPv4Network | IPv6Network]:
        """The trusted proxies as networks (a single address is a /32 or /128)."""
        return [
            ip_network(part.strip(), strict=False) for part in self.trusted_proxies.split(",") if part.strip()
        ]

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``citydip.sqlite3`` inside the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'citydip.sqlite3'}"

    def resolved_secret_key(self) -> str:
        """The secret key; created once in the data directory when not configured."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        path.write_text(key)
        path.chmod(0o600)
        return key


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Process-wide settings (tests build their own ``Settings`` instead)."""
    return Settings()
