"""serve(): the real server, started as a user would, bound to loopback by default."""

from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

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


def test_the_serve_command_starts_the_explorer_on_loopback(tmp_path):
    """`allegiance serve` as a user runs it: a real process, a real socket on 127.0.0.1, then stopped."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "ALLEGIANCE_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "allegiance.cli", "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/states/BLR.json?as_of=2020-07-01",
                                            timeout=10) as r:
                    body, headers = r.read(), r.headers
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()
                assert time.monotonic() < deadline, "the explorer did not answer within 90 s"
                time.sleep(0.5)
        assert b'"status"' in body and "default-src 'self'" in headers["Content-Security-Policy"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize("args, flag", [(["--port", "0"], "--port"), (["--port", "70000"], "--port"),
                                        (["--workers", "0"], "--workers")])
def test_serve_refuses_a_port_or_worker_count_that_cannot_work(args, flag):
    from typer.testing import CliRunner

    from allegiance.cli import app

    r = CliRunner().invoke(app, ["serve", *args])
    assert r.exit_code == 2 and r.stderr.startswith(f"error: {flag}:") and "Traceback" not in r.output
