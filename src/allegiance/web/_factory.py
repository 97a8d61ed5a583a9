"""The app factory uvicorn workers import (``serve(workers=N)``): the compiled store's path comes from the
environment the parent process set."""

from __future__ import annotations

import os


def app_from_env():
    from allegiance.web.app import create_app

    return create_app(os.environ["ALLEGIANCE_WEB_STORE"], data=os.environ.get("ALLEGIANCE_WEB_DATA"))
