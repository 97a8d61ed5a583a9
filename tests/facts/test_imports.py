"""Start-up cost: what importing the package, and building a BDD, pull in (issue 11).

Each check runs in a fresh interpreter, since this one has imported everything already.
"""

import json
import subprocess
import sys

import allegiance
from tests.conftest import FIXTURE_KB

HEAVY = ("duckdb", "typer", "dd", "numpy", "pydantic", "yaml", "pyarrow", "pandas", "networkx", "edtf",
         "allegiance.facts.load", "allegiance.rules.engine")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_importing_the_package_imports_nothing_heavy():
    loaded = _modules_after("import allegiance")
    assert [m for m in HEAVY if m in loaded] == []


def test_every_public_name_resolves_and_star_import_works():
    for name in allegiance.__all__:
        assert getattr(allegiance, name) is not None
    ns: dict = {}
    exec("from allegiance import *", ns)
    assert set(allegiance.__all__) <= set(ns)
    assert set(allegiance.__all__) <= set(dir(allegiance))


def test_unknown_name_is_an_attribute_error():
    try:
        allegiance.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_status_means_the_function_whatever_is_imported_first():
    code = ("import allegiance.status.engine, allegiance\n"
            "from allegiance.status.engine import status\n"
            "assert allegiance.status is status, allegiance.status\n"
            "import allegiance as a\n"
            "assert callable(a.status)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_warm_open_does_not_import_the_loader(tmp_path):
    # a warm open checks the YAML's checksum and opens the database: no pydantic models, no YAML parser
    code = (f"from allegiance.facts.store import open_store\n"
            f"s = open_store({str(FIXTURE_KB)!r}, cache_dir={str(tmp_path)!r})\ns.close()")
    assert "allegiance.facts.load" in _modules_after(code)  # the first open compiles
    loaded = _modules_after(code + "\nassert not s.rebuilt")
    assert "duckdb" in loaded
    assert [m for m in ("allegiance.facts.load", "allegiance.facts.model", "yaml", "pydantic") if m in loaded] == []


def test_a_game_does_not_import_networkx():
    loaded = _modules_after("from allegiance.rules.logic import Game\ng = Game(['a', 'b'])\n"
                            "assert g.bdd.true is not None")
    assert "dd" in loaded and "networkx" not in loaded


def test_networkx_stays_importable_after_dd():
    subprocess.run([sys.executable, "-c", "from allegiance.rules.logic import Game\nGame(['a'])\n"
                    "import importlib.util\nassert importlib.util.find_spec('networkx') is None or "
                    "__import__('networkx') is not None"], check=True)
