"""The application factory: one FastAPI app with every domain's pages and API routers."""

from __future__ import annotations

import logging
from importlib import resources
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, text

from citydip import __version__
from citydip.accounts.lastuse import LastUse
from citydip.core.config import Settings, get_settings
from citydip.core.database import make_engine, make_sessionmaker
from citydip.core.writegate import WriteGate
from citydip.domains import install_session_hooks, rooms
from citydip.web.errors import ERROR_RESPONSES, install_error_handlers
from citydip.web.identity import AccountsGate
from citydip.web.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware

log = logging.getLogger("citydip")

API_PREFIX = "/api/v1"
SWAGGER_DIR = "vendor/swagger-ui-dist-5.35.0"


def create_app(settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app for a configuration (tests pass their own settings and engine)."""
    settings = settings or get_settings()
    install_session_hooks()
    engine = engine or make_engine(settings.resolved_database_url(), echo=settings.sql_echo)
    app = FastAPI(
        title="CityDip API",
        version=__version__,
        description="City diplomacy: partners, agreements, engagements, SDG data and practices.",
        docs_url=None,
        redoc_url=None,
        openapi_url=f"{API_PREFIX}/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.write_gate = WriteGate(enabled=engine.dialect.name == "sqlite")
    app.state.last_use = LastUse()  # sessions and tokens the gate resolves, written after the response
    app.state.secret_key = settings.resolved_secret_key()
    app.state.gate = AccountsGate(app.state.last_use)

    static_root = resources.files("citydip").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static_root)), name="static")

    api = APIRouter(prefix=API_PREFIX)
    for _package, views in rooms("views"):
        page_router = getattr(views, "router", None)
        api_router = getattr(views, "api", None)
        if page_router is not None:
            app.include_router(page_router)
        if api_router is not None:
            api.include_router(api_router)
    for _package, module in rooms("api"):
        api_router = getattr(module, "api", None)
        if api_router is not None:
            api.include_router(api_router)
    app.include_router(api, responses=ERROR_RESPONSES)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("health check failed: %s", exc.__class__.__name__)
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok", "version": __version__})

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "",
            title="CityDip API",
            swagger_js_url=f"/static/{SWAGGER_DIR}/swagger-ui-bundle.js",
            swagger_css_url=f"/static/{SWAGGER_DIR}/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    install_error_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(
        BodyLimitMiddleware, max_body_mb=settings.max_body_mb, max_upload_mb=settings.max_upload_mb
    )
    return app


def app_factory() -> Any:
    """Entry point for ``uvicorn --factory citydip.web.app:app_factory``."""
    return create_app()
