"""The declarative status cases (cases.yaml): labels at the dates the issue names, as the record supports them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from allegiance.status import status

CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text())


@pytest.mark.parametrize("case", CASES, ids=[f"{c['state']}-{c['as_of']}" for c in CASES])
def test_case(shipped_store, case):
    d = status(shipped_store, case["state"], as_of=date.fromisoformat(str(case["as_of"])))
    got = {lb["label"]: lb for lb in d["labels"]}
    wrong = {k: (got[k]["holds"], got[k]["reason"]) for k, v in case["expect"].items() if got[k]["holds"] is not v}
    assert not wrong, f"{case['state']} {case['as_of']}: {wrong}"
