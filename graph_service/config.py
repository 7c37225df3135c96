"""Settings, read from the environment (and `.env`) by pydantic-settings.

Nothing here is built at import time: call :func:`Settings` where settings are needed,
so tests can construct their own.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph_service.domain.calendar import DEFAULT_ZONE, zone

PROJECT_ROOT = Path(__file__).resolve().parent.parent

_PLACEHOLDER_PASSWORDS = {"changeme", "change-me", "password", "neo4j", "secret"}


class Settings(BaseSettings):
    """Configuration of the API and of its Neo4j connection."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    neo4j_uri: str = Field(
        default="bolt://127.0.0.1:7687",
        description="bolt://, neo4j://, neo4j+s:// (Aura, cluster) …",
    )
    neo4j_user: str = "neo4j"
    neo4j_password: SecretStr = SecretStr("")
    neo4j_database: str = "neo4j"
    neo4j_connection_timeout: float = 5.0
    neo4j_max_transaction_retry_time: float = 15.0
    query_timeout_seconds: float = 30.0

    cypher_dir: Path = PROJECT_ROOT / "cypher"
    console_dir: Path = Field(
        default=PROJECT_ROOT / "console" / "dist",
        description="The built console (`npm run build` in console/) served at /; the "
                    "Docker image sets its own.",
    )  # fmt: skip
    time_zone: str = Field(
        default=DEFAULT_ZONE,
        description="The deployment's time zone (an IANA name): a question that names no "
                    "date holds on today's date there.",
    )  # fmt: skip
    rules_file: Path | None = Field(
        default=None,
        description="The gap rules' settings of this deployment (TOML: which rules are on, "
                    "their kinds, periods and thresholds; see rules.example.toml). Unset: "
                    "the declared defaults.",
    )  # fmt: skip
    data_dir: Path = Field(
        default=PROJECT_ROOT / ".data",
        description="Where the managed local Neo4j keeps its data, logs and password.",
    )
    cache_dir: Path = Field(
        default=Path.home() / ".cache" / "graph-service",
        description="Where the Neo4j jars from Maven Central are cached.",
    )
    retry_after_seconds: int = Field(
        default=5, ge=1,
        description="While Neo4j is away: how often it is probed, and the Retry-After of the "
                    "503s answered meanwhile (at once, see graph_service/db/availability.py).",
    )  # fmt: skip
    docs_public: bool = Field(
        default=True,
        description="Serve /docs and /openapi.json without credentials (they hold no data).",
    )
    max_body_bytes: int = Field(default=1 << 20, description="Largest JSON request body.")
    max_upload_bytes: int = Field(default=200 << 20, description="Largest upload to /imports.")
    import_job_bytes: int = Field(
        default=10 << 20, ge=0,
        description="An upload to POST /imports of at least this many bytes (its files "
                    "together) is imported as a job: 202 at once, then GET /imports/jobs/{id} "
                    "for its progress and report. Smaller ones are answered with the report, "
                    "unless the client sends `Prefer: respond-async`.",
    )  # fmt: skip
    import_jobs_dir: Path | None = Field(
        default=None,
        description="Where import jobs keep their uploaded files until they end (kept across "
                    "restarts, so an interrupted job can be resumed); default "
                    "DATA_DIR/import-jobs.",
    )  # fmt: skip
    import_job_keep_hours: float = Field(
        default=168.0, gt=0,
        description="How long a job that ended (succeeded, failed) or was interrupted is kept, "
                    "with an interrupted job's files, after its last change.",
    )  # fmt: skip
    cors_origins: str = Field(
        default="", max_length=2000,
        description="Origins (https://host[:port], separated by commas) whose pages may call "
                    "the API from a browser with an API key (a dashboard on another host); "
                    "none by default. Cookies never go cross-origin: the console is same-origin.",
    )  # fmt: skip
    result_cache_entries: int = Field(
        default=256, ge=0,
        description="Answers kept until the graph changes: gap pages, gap counts, coverage "
                    "summaries, networks and the map's places (0: compute every time).",
    )  # fmt: skip
    result_cache_seconds: float = Field(
        default=300.0, ge=0,
        description="Longest a kept answer is served: the bound for writes made around the "
                    "service, which do not change the data version.",
    )  # fmt: skip
    result_cache_file: Path | None = Field(
        default=None,
        description="A SQLite file the API processes of this machine share their kept answers "
                    "in (`serve --workers N` sets one); none: each process keeps its own.",
    )  # fmt: skip
    result_cache_url: SecretStr | None = Field(
        default=None,
        description="A Redis or Valkey server (redis://[:password@]host:port/db, rediss:// "
                    "for TLS, unix:///path) where API processes on several machines share "
                    "their kept answers, each also keeping them in its memory; wins over "
                    "RESULT_CACHE_FILE. Answers are sealed with a key derived from the audit "
                    "key, so every machine needs the same AUDIT_KEY.",
    )  # fmt: skip
    shared_read_slots: int = Field(
        default=2, ge=0,
        description="Most transactions one API process keeps open at once for its light reads "
                    "(entity reads, supporters, data-version checks); reads arriving meanwhile "
                    "share the next one (0: each read runs in a transaction of its own).",
    )  # fmt: skip
    plan_ahead: bool = Field(
        default=True,
        description="At start-up, have Neo4j plan the gap, count, summary, what-if and weak "
                    "points queries in the background, so the first of each after a restart "
                    "does not wait for it (see graph_service/db/warmup.py).",
    )  # fmt: skip
    station_radius_m: float = Field(
        default=1000.0, gt=0, le=50_000,
        description="How far a station (党群服务中心/站) serves, in straight-line metres, when "
                    "the station has no radius_m of its own: the circles of the station plan "
                    "(graph-service plan stations) and of the map (docs/places.md).",
    )  # fmt: skip
    officer_capacity: int = Field(
        default=5, ge=0, le=10_000,
        description="How many targets (branches, buildings, parks …) an instructor or liaison "
                    "officer may hold at once when the person has no capacity of their own: "
                    "the best assignment (graph-service plan assign) never goes beyond it.",
    )  # fmt: skip
    map_tile_url: str | None = Field(
        default=None, max_length=500,
        description="The console map's basemap: a tile URL template ({z}/{x}/{y}, {s} for "
                    "subdomains), e.g. 天地图 with the deployment's key. None: a plain "
                    "background, and the map fetches nothing from another host.",
    )  # fmt: skip
    map_tile_crs: Literal["wgs84", "gcj02", "bd09"] = Field(
        default="wgs84",
        description="The coordinate system of the basemap's tiles (天地图: wgs84; 高德/腾讯: "
                    "gcj02): the map asks for its points in it, so they land on the tiles.",
    )  # fmt: skip
    map_tile_attribution: str = Field(
        default="", max_length=200, description="The basemap's attribution, shown on the map."
    )
    audit_key: SecretStr | None = Field(
        default=None,
        description="Signs the audit trail (HMAC-SHA256), so that no one without it can edit, "
                    "rewrite or cut the trail unseen. Every process writing to one database "
                    "needs the same key; without one, AUDIT_KEY_FILE is used.",
    )  # fmt: skip
    audit_key_file: Path | None = Field(
        default=None,
        description="Where the audit key is kept when AUDIT_KEY is not set (default: "
                    "DATA_DIR/audit.key, made on first start, mode 0600). Keep it outside "
                    "Neo4j and its backups.",
    )  # fmt: skip
    auth_cache_seconds: float = Field(
        default=5.0, ge=0,
        description="How long an API key's account is remembered; a revoked key stops "
                    "within this time (0: look the key up on every request).",
    )  # fmt: skip

    session_idle_minutes: float = Field(
        default=30.0, gt=0,
        description="A console session (cookie gs_session) ends after this long without a "
                    "request.",
    )  # fmt: skip
    session_lifetime_hours: float = Field(
        default=12.0, gt=0,
        description="A console session ends this long after sign-in, however busy.",
    )  # fmt: skip
    session_cookie_secure: bool | None = Field(
        default=None,
        description="Mark the session cookies Secure (sent over https only). Unset: when the "
                    "sign-in request came over https (behind a proxy: uvicorn's "
                    "--proxy-headers).",
    )  # fmt: skip
    signin_free_failures: int = Field(
        default=5, ge=1,
        description="Wrong passwords for one account from one client before sign-in slows "
                    "down: each further failure makes the next attempt wait (429 + "
                    "Retry-After), twice as long each time.",
    )  # fmt: skip
    signin_delay_seconds: float = Field(
        default=2.0, gt=0,
        description="The first wait after SIGNIN_FREE_FAILURES wrong passwords; it doubles "
                    "with each further failure, up to SIGNIN_MAX_DELAY_SECONDS.",
    )  # fmt: skip
    signin_max_delay_seconds: float = Field(
        default=900.0, gt=0,
        description="The longest wait between sign-in attempts after failures.",
    )  # fmt: skip

    @field_validator("cors_origins")
    @classmethod
    def _origins(cls, value: str) -> str:
        for origin in cls.origins_of(value):
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?", origin):
                raise ValueError(f"CORS_ORIGINS: '{origin}' is not an origin like "
                                 "https://dash.example.org[:port]")  # fmt: skip
        return value

    @staticmethod
    def origins_of(value: str) -> list[str]:
        return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]

    @field_validator("result_cache_url")
    @classmethod
    def _store_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.match(
            r"(rediss?://[^\s/]+(/\d+)?|unix:///\S+)$", value.get_secret_value()
        ):
            raise ValueError("RESULT_CACHE_URL: 应为 redis://host:port/db、rediss://… 或 "
                             "unix:///path / a redis://host:port/db, rediss://… or "
                             "unix:///path URL")  # fmt: skip
        return value

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        zone(value)  # ValueError names the zone
        return value

    @field_validator("neo4j_password")
    @classmethod
    def _refuse_placeholders(cls, value: SecretStr) -> SecretStr:
        if value.get_secret_value().lower() in _PLACEHOLDER_PASSWORDS:
            raise ValueError("NEO4J_PASSWORD is a placeholder; set a real password")
        return value
