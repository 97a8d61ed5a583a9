"""The web explorer: state profiles, arrangement diagrams per readiness mode, the ask forms with their
proofs, timelines, sources and conflicts, each page with a JSON twin (``/x.json``).

    from allegiance.web import create_app, serve
    serve(port=8000)                       # http://127.0.0.1:8000/ over the shipped knowledge base

See docs/web.md.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["create_app", "serve"]


def create_app(store_path: Path | str | None = None, *, kb: Path | str | None = None,
               cache: Path | str | None = None, diagram_engine: str | None = None,
               data: Path | str | None = None):
    """The FastAPI app over a compiled store file, or over ``kb`` (default: the shipped one) compiled into
    ``cache``; the store is opened read-only, external access disabled, configuration locked. ``data``: the
    measure layer's data store (imported UN votes), read-only, for the state pages' voting alignment."""
    from allegiance.web.app import create_app as _create

    return _create(store_path, kb=kb, cache=cache, diagram_engine=diagram_engine, data=data)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, kb: Path | str | None = None,
          cache: Path | str | None = None, data: Path | str | None = None) -> None:
    """Run the explorer under uvicorn, bound to loopback unless ``host`` says otherwise.

    The knowledge base is compiled once here (not once per worker); each worker opens the compiled file
    read-only.
    """
    import os

    import uvicorn

    from allegiance import open_store

    built = open_store(kb, cache_dir=cache)
    path = built.path
    built.close()
    if data is None:
        from allegiance.measure.data.store import default_data_path

        data = default_data_path() if default_data_path().exists() else None
    if workers <= 1:
        uvicorn.run(create_app(path, data=data), host=host, port=port, log_level="info")
        return
    os.environ["ALLEGIANCE_WEB_STORE"] = str(path)
    if data is not None:
        os.environ["ALLEGIANCE_WEB_DATA"] = str(data)
    uvicorn.run("allegiance.web._factory:app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level="info")
