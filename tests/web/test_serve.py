"""serve(): the real server, started as a user would, bound to loopback by default."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time

import httpx

from allegiance.web import serve


def test_defaults_are_loopback_and_one_worker():
    sig = inspect.signature(serve)
    assert sig.parameters["host"].default == "127.0.0.1"
    assert sig.parameters["port"].default == 8000 and sig.parameters["workers"].default == 1


def test_serve_answers_over_http(tmp_path):
    from tests.conftest import FIXTURE_KB

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = f"from allegiance.web import serve; serve(port={port}, kb={str(FIXTURE_KB)!r}, cache={str(tmp_path)!r})"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env={**os.environ})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/conflicts.json", timeout=5)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "serve() did not come up within 60 s"
                time.sleep(0.2)
        assert r.status_code == 200 and r.json()["count"] >= 1
        assert r.headers["content-security-policy"].startswith("default-src 'self'")
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_worker_factory_opens_the_compiled_store(web_app, monkeypatch):
    """serve(workers=N): each uvicorn worker builds its app from the store path the parent compiled."""
    from fastapi.testclient import TestClient

    from allegiance.web._factory import app_from_env

    monkeypatch.setenv("ALLEGIANCE_WEB_STORE", str(web_app.state.held.store.path))
    app = app_from_env()
    try:
        assert TestClient(app).get("/arrangements.json").json()["count"] >= 1
    finally:
        app.state.close()
