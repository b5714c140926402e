"""The router's HTTP process: inbox API on RELAIS_ROUTER_PORT (8080)."""

from __future__ import annotations

from fastapi import FastAPI
from relais_shared.http import db_check, install_problem_handlers, kafka_check, ops_router
from relais_shared.process import http_server, run, run_until_signalled

from ..bootstrap import RouterRuntime, build_hub, build_runtime
from ..settings import RouterSettings
from . import auth_routes, conversations, directory, inbox, patients, stream, ui
from .deps import install_inbox_errors


def create_app(runtime: RouterRuntime) -> FastAPI:
    app = FastAPI(title="Relais router API", version="1")
    app.state.settings = runtime.settings
    app.state.pool = runtime.pool
    app.state.inbox = runtime.inbox
    app.state.hub = build_hub(runtime)
    install_problem_handlers(app)
    install_inbox_errors(app)
    app.include_router(
        ops_router({"db": db_check(runtime.pool), "kafka": kafka_check(runtime.producer)})
    )
    app.include_router(auth_routes.router)
    app.include_router(conversations.router)
    app.include_router(inbox.router)
    app.include_router(stream.router)
    app.include_router(patients.router)
    app.include_router(directory.router)
    app.include_router(ui.router)
    return app


async def main() -> None:
    settings = RouterSettings()
    runtime = await build_runtime(settings, "router-api")
    app = create_app(runtime)
    server = http_server(app, settings.host, settings.router_port)

    async def stop() -> None:
        runtime.relay.stop()
        await stream.close_hub(app.state.hub)  # open streams end: the server can stop
        server.should_exit = True

    try:
        await run_until_signalled([server.serve(), runtime.relay.run()], stop)
    finally:
        await runtime.close()


if __name__ == "__main__":
    run(main())
