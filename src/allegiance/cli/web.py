"""The web explorer's command: ``serve``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from allegiance.cli._common import DATA, Commands, globals_
from allegiance.errors import UsageError

command = Commands()
register = command.register


@command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default: loopback only)."),
    port: int = typer.Option(8000, "--port", help="Port to listen on (1-65535)."),
    workers: int = typer.Option(1, "--workers", help="Worker processes, each reading the compiled store."),
    data: Optional[Path] = DATA,
) -> None:
    """Start the web explorer on the knowledge base: state profiles, arrangement diagrams per mode, ask forms.

    Every page has a JSON twin at the same path with .json, holding what the matching --json command prints.
    It reads the compiled store read-only, and binds to 127.0.0.1 unless --host says otherwise. Where UN
    votes are imported (see allegiance data import), state pages chart the state's voting alignment.

    Example: allegiance serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    if not 1 <= port <= 65535:
        raise UsageError(f"port {port} is outside 1-65535", value=port, field="port", allowed="1-65535")
    if workers < 1:
        raise UsageError(f"{workers} workers: at least one is needed", value=workers, field="workers",
                         allowed="a whole number from 1")
    from allegiance.web import serve as run

    g = globals_()
    typer.echo(f"allegiance explorer on http://{host}:{port}/ (Ctrl-C to stop)", err=True)
    run(host=host, port=port, workers=workers, kb=g.kb, cache=g.cache, data=data)
