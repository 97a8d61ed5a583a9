from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def rules(shipped_store):
    from allegiance import open_rules

    return open_rules(shipped_store)
