"""The executor's per-task setting of glibc's heap (measure/ideal/executor.py, ``_heap_kept``): under Dask's
``MALLOC_TRIM_THRESHOLD_`` every large array is mapped afresh and its pages faulted in; inside a task they
are not, and the setting is put back after."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from allegiance.measure.ideal.executor import _libc

CHILD = r"""
import json, resource
import numpy as np
from allegiance.measure.ideal import executor

def churn():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(200):
        a = np.ones(1 << 17)  # 1 MiB, freed at once: the refits' pattern
        a.sum()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

churn()
outside = churn()
with executor._heap_kept():
    churn()
    inside = churn()
after = churn()  # the worker's own setting is back: faults again
print(json.dumps({"outside": outside, "inside": inside, "after": after, "users": executor._heap_users}))
"""


def _run(env_extra: dict[str, str]) -> dict:
    env = {**os.environ, **env_extra}
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux") or _libc() is None, reason="glibc's mallopt (Linux)")
def test_a_task_keeps_its_heap_under_dasks_trim_threshold():
    got = _run({"MALLOC_TRIM_THRESHOLD_": "65536"})  # what Dask's nanny gives every worker
    assert got["outside"] > 20_000, got  # 200 arrays of 256 pages, each faulted in afresh
    assert got["inside"] < got["outside"] / 20, got
    assert got["after"] > 20_000 and got["users"] == 0, got


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc (Linux)")
def test_without_the_variable_nothing_changes():
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run([sys.executable, "-c", "from allegiance.measure.ideal import executor\n"
                          "with executor._heap_kept():\n    print(executor._heap_users)"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "0", out.stderr  # not counted: mallopt never called
