#!/usr/bin/env python3
"""The reliability harness of issue 12: tries per category, passes, failures, as a Markdown table.

Run from the repository root (the long run, whose table is docs/reliability.md)::

    python scripts/reliability.py --seed 12

and the bounded run that CI does (tests/test_reliability.py)::

    python scripts/reliability.py --quick

Categories (a failure is a traceback, an exit 0 on input that is invalid by
construction, a hang past a timeout, data lost or half-imported, or an
injected element, attribute or script that survives):

1. ``cli-fuzz``: every command of the app (read from the app, as
   tests/cli/test_bad_input.py does, from its baselines), called in process
   with argument lists drawn by hypothesis: valid values mixed with bad dates,
   unknown ids and states, very long strings, control characters, empty
   strings, HTML payloads, unknown options. Exit code in {0, 1, 2}, no
   traceback; invalid by construction: exit != 0 and one ``error:`` line.
2. ``kb-mutation``: tests/fixtures/kb_small mutated (malformed YAML, duplicate
   keys and ids, bad references and dates, YAML bombs, deep nesting, a huge
   file, ``of`` cycles, control characters, non-UTF-8 bytes, ``.yml`` files,
   dangling links), then ``allegiance --kb DIR --cache C check``: exit 1, the
   problems as ``file:line: field: message``, no traceback, within a timeout.
3. ``faults``: kill -9 and SIGINT at random points of a compile and of a data
   import (then the cache / data store opens and holds the old or the new
   complete data); damaged compiled files and data stores; missing and
   unwritable directories for ``--cache``, ``-o``, ``--plot``, ``--data``.
4. ``concurrency``: 16 processes opening two KB versions on one fresh cache
   (every process answers; each version compiled once), and queries of the
   data store while an import runs.
5. ``injection``: hostile strings in KB text fields (statement text, source
   titles, entity names) compiled into a small KB, rendered by
   ``assess --format html``; hostile state names drawn by
   ``report.charts.plot_ideal_points``. The HTML is parsed with
   ``html.parser``: no element, attribute or script from the payload.

The exit status is 0 when every category has 0 failures, else 1; the table
goes to stdout (``--json`` also writes the figures and failures to a file).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURE_KB = ROOT / "tests" / "fixtures" / "kb_small"
FIX = ROOT / "tests" / "fixtures" / "measure"
PY = sys.executable
# the console script a user runs (its entry point handles Ctrl-C before the CLI is imported)
CLI = [str(Path(PY).with_name("allegiance"))] if Path(PY).with_name("allegiance").exists() else [PY, "-m", "allegiance.cli"]
TIMEOUT_S = 60  # a subprocess past this is a hang


# ===================================================================== bookkeeping


@dataclass
class Category:
    name: str
    what: str
    tries: int = 0
    passes: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def record(self, ok: bool, label: str, detail: str = "") -> None:
        self.tries += 1
        if ok:
            self.passes += 1
        else:
            self.failures.append(f"{label}: {detail}"[:2000])


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    for k in ("ALLEGIANCE_KB", "ALLEGIANCE_CACHE", "ALLEGIANCE_DATA"):
        env.pop(k, None)
    env["XDG_CACHE_HOME"] = str(tmp / "xdg-cache")
    env["XDG_DATA_HOME"] = str(tmp / "xdg-data")
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def unprivileged(args: list[str]) -> tuple[list[str], str]:
    """``args`` made to meet file permissions, and a note of how. Root ignores them (the capabilities
    CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH), so as root the command runs without those two (util-linux's
    ``setpriv``): a read-only directory or an unreadable file then stops it as it stops any user, while it
    still runs the same interpreter and package (another user could not read a Python installed under /root)."""
    if os.geteuid() != 0:
        return args, ""
    if shutil.which("setpriv") is None:
        raise SystemExit("running as root, the fault tests need util-linux's setpriv to drop the capabilities that "
                         "let root ignore file permissions (apt-get install util-linux)")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *args], " (root without CAP_DAC_*)"


def _run(args: list[str], env: dict[str, str], timeout: float = TIMEOUT_S, cwd: Path | None = None):
    """(returncode or 'timeout', stdout, stderr)."""
    try:
        r = subprocess.run(args, capture_output=True, text=True, errors="replace", timeout=timeout, env=env,
                           cwd=cwd)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired as exc:
        return "timeout", str(exc.stdout or ""), str(exc.stderr or "")


def _error_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ln.lower().startswith("error:")]


def _copy_kb(dst: Path) -> Path:
    shutil.copytree(FIXTURE_KB, dst, symlinks=True)
    return dst


# ===================================================================== known failures

#: Failures found by this harness and not fixed yet: signature -> (pattern in the failure's text, reason).
#: They are counted as failures in the table; tests/test_reliability.py holds an xfail(strict=True)
#: reproducer of each, and lets the quick run's failures through only when they match one of these.
KNOWN: dict[str, tuple[str, str]] = {
    "sigint-before-handler": (r"traceback \(before the handler\)",
                              "a Ctrl-C while Python itself starts (its site import, the pip-generated script's "
                              "own imports), before allegiance._entry is imported and installs its handler: "
                              "Python's KeyboardInterrupt traceback, before any line of ours runs"),
}


def known(failure: str) -> str | None:
    """The KNOWN signature a failure's text matches, else None."""
    for sig, (pattern, _reason) in KNOWN.items():
        if re.search(pattern, failure, re.S):
            return sig
    return None


# ===================================================================== 1. CLI option fuzzing


def cli_fuzz(cat: Category, tries: int, seed: int, tmp: Path) -> None:
    import hypothesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from typer.testing import CliRunner

    from allegiance.cli import app, command_names
    from allegiance.measure.data.importer import import_dataset
    from allegiance.measure.data.store import open_data
    from tests.cli import test_bad_input as walk

    runner = CliRunner()
    data_path = tmp / "fuzz-data.duckdb"
    with open_data(data_path, read_only=False) as store:
        for kind in ("un_roll_calls", "un_votes", "un_roll_call_issues"):
            import_dataset(store, kind, FIX / f"fx_{kind}.csv")
    os.environ["ALLEGIANCE_CACHE"] = str(tmp / "fuzz-cache")
    os.environ["ALLEGIANCE_DATA"] = str(data_path)
    os.environ.pop("ALLEGIANCE_KB", None)
    out_dir = tmp / "fuzz-out"
    out_dir.mkdir()

    names = [n for n in command_names() if n != "serve"]  # serve would listen; tests/web covers it

    long = st.sampled_from(["Q" * 10_000, "\u00e9" * 5_000, "1" * 10_000])
    control = st.sampled_from(["\x00", "\x07", "\x1b[31m", "a\nb", "\r", "\t", "\u202e", "\ufeff"])
    html = st.sampled_from(["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)",
                            "{{7*7}}", "%s%n", "' OR 1=1 --", "../../etc/passwd"])
    # values invalid for the slot's kind whatever they are combined with
    bad_state = st.one_of(st.sampled_from(["XYZ", "Narnia", "", " ", "ZZ", "999"]), long, control, html,
                          st.text(min_size=1, max_size=12).map(lambda s: "zz-no-" + s))
    bad_date = st.one_of(st.sampled_from(["2020-13-45", "2020-13-01", "2020-02-30", "-2020-07-01", "not-a-date", "",
                                          "2020-00-10", "9" * 40, "2020-07-01T", "20200701x"]),
                         st.integers(min_value=13, max_value=99).map(lambda m: f"2020-{m}-01"),
                         st.integers(min_value=-10**12, max_value=-1).map(lambda y: f"{y}-01-01"),
                         long, control, html)
    bad_id = st.one_of(st.sampled_from(["no-such-id", "", " "]), long, control, html,
                       st.text(min_size=1, max_size=12).map(lambda s: "zz-no-" + s))
    bad = {"state": bad_state, "date": bad_date, "id": bad_id}
    # values that may or may not be valid: only no traceback and an exit code of the table
    maybe_date = st.sampled_from(["0000-01-01", "0001-01-01", "1989-12-31", "9999-12-31", "2020", "2020-07",
                                  "1990-01-01", "2100-01-01", "2020-07-01", "1945"])
    maybe_any = st.one_of(st.text(max_size=30), maybe_date, st.integers(-10**20, 10**20).map(str))

    def other_value(p, draw) -> str:
        if p.name in ("plot", "output"):
            return str(draw(st.sampled_from([out_dir / "x.html", out_dir / "x.png", out_dir / "x.svg",
                                             out_dir / "x.txt", out_dir / "missing" / "x.html", Path("/"),
                                             out_dir / "x.gif"])))
        if p.name == "data":
            return str(draw(st.sampled_from([data_path, out_dir / "none.duckdb", out_dir, FIX / "fx_un_votes.csv"])))
        if p.name == "path":
            return str(draw(st.sampled_from([FIX / "fx_un_votes.csv", FIX / "fx_cow_states.csv", out_dir,
                                             out_dir / "none.csv", FIX / "published.csv"])))
        return draw(maybe_any)

    cmd_of = {n: walk._command(n) for n in names}
    state = {"i": 0}
    t_per: list[float] = []

    @settings(max_examples=tries, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @hypothesis.seed(seed)
    @given(st.data())
    def one(data):
        name = data.draw(st.sampled_from(names), label="command")
        cmd = cmd_of[name]
        invalid = []
        if name in walk.BASELINES:
            glob, bases = walk.BASELINES[name]
            values = dict(data.draw(st.sampled_from(bases), label="baseline"))
            slots = [(p, k) for p, k in walk._slots(name) if p in values]
            for param, kind in slots:
                how = data.draw(st.sampled_from(["keep", "keep", "bad", "maybe"]), label=param)
                if how == "bad":
                    v = data.draw(bad[kind], label=param)
                    invalid.append(f"{param}={v[:40]!r}")
                elif how == "maybe" and kind == "date":
                    v = data.draw(maybe_date)
                else:
                    continue
                values[param] = [v] if isinstance(values[param], list) else v
            argv = walk._argv(name, values)
        else:
            argv = [*name.split()]
        # sometimes an option outside the walked slots, with an odd value (exit code and no traceback only)
        others = [p for p in cmd.params if p.param_type_name == "option" and not getattr(p, "is_flag", False)
                  and p.name not in {s for s, _ in walk._slots(name)}]
        if others and data.draw(st.booleans(), label="other"):
            p = data.draw(st.sampled_from(others))
            argv += [next(o for o in p.opts if o.startswith("--") or o.startswith("-")), other_value(p, data.draw)]
        flags = [p for p in cmd.params if getattr(p, "is_flag", False) and p.name not in ("gpu",)]
        if flags and data.draw(st.booleans(), label="flag"):
            argv.append(data.draw(st.sampled_from(flags)).opts[0])
        if data.draw(st.integers(0, 9), label="unknown") == 0:
            argv.append("--no-such-option")
            invalid.append("--no-such-option")
        state["i"] += 1
        t0 = time.monotonic()
        try:
            r = runner.invoke(app, argv, catch_exceptions=True)
        except BaseException as exc:  # noqa: BLE001 - the runner itself must not fail
            cat.record(False, f"cli-fuzz {name}", f"runner raised {exc!r}; argv={_show(argv)}")
            return
        dt = time.monotonic() - t0
        t_per.append(dt)
        out = (r.stdout or "") + (r.stderr or "")
        problems = []
        if r.exception is not None and not isinstance(r.exception, SystemExit):
            problems.append("exception " + "".join(traceback.format_exception(r.exception))[-800:])
        if "Traceback" in out:
            problems.append("traceback in output")
        if r.exit_code not in (0, 1, 2):
            problems.append(f"exit {r.exit_code}")
        if invalid:
            if r.exit_code == 0:
                problems.append("exit 0 on invalid input " + ", ".join(invalid))
            elif len(_error_lines(r.stderr or "")) != 1:
                problems.append(f"{len(_error_lines(r.stderr or ''))} error lines: {(r.stderr or '')[-300:]!r}")
        if dt > TIMEOUT_S:
            problems.append(f"took {dt:.0f} s")
        cat.record(not problems, f"cli-fuzz {name}", "; ".join(problems) + f"; argv={_show(argv)}")

    one()


def _show(argv: list[str]) -> str:
    return repr([a if len(a) <= 60 else f"{a[:20]}...({len(a)} chars)" for a in argv])


# ===================================================================== 2. KB mutation suite

_PROBLEM = re.compile(r"^\S.*:\d+: [^:]+: .+$")
BILLION_LAUGHS = "\n".join(
    ["a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]) + "\n"


def _lines_with(text: str, pattern: str) -> list[int]:
    rx = re.compile(pattern)
    return [i for i, ln in enumerate(text.splitlines()) if rx.search(ln)]


def _mutate(kb: Path, kind: str, rng: random.Random) -> str:
    """Mutate the KB in ``kb`` (a copy of kb_small) so that it is invalid; return a description."""
    core = kb / "core.yaml"
    text = core.read_text(encoding="utf-8")
    lines = text.splitlines()

    def put(new_lines: list[str]) -> None:
        core.write_text("\n".join(new_lines) + "\n", encoding="utf-8")

    if kind == "malformed-yaml":
        i = rng.randrange(1, len(lines))
        junk = rng.choice(["  - {unclosed: [1, 2", "key: \"unterminated", "\t- tab: indented", ": : :",
                           "  ]]]", "- [a, b", "x: {a: 1", "@reserved", "`backtick"])
        put(lines[:i] + [junk] + lines[i:])
        return f"line {i + 1}: {junk!r}"
    if kind == "duplicate-key":
        cand = _lines_with(text, r"^    (text|kind|subject|valid_from|predicate): ")
        i = rng.choice(cand)
        put(lines[:i + 1] + [lines[i]] + lines[i + 1:])
        return f"line {i + 1} repeated"
    if kind == "duplicate-id":
        cand = _lines_with(text, r"^  - id: ")
        i, j = rng.sample(cand, 2)
        lines[j] = lines[i]
        put(lines)
        return f"id of line {i + 1} on line {j + 1}"
    if kind == "bad-reference":
        cand = _lines_with(text, r"^\s+(subject|object|- source|source|cited_in|supersedes): ")
        i = rng.choice(cand)
        key = lines[i].split(":", 1)[0]
        ref = rng.choice(["no-such", "XYZ", "blr", "BLR ", "paper-2021", "[]"])
        if "supersedes" in key:
            ref = f"[{ref.strip('[]') or 'nope'}]"
        lines[i] = f"{key}: {ref}"
        put(lines)
        return f"line {i + 1}: {lines[i].strip()!r}"
    if kind == "bad-date":
        cand = _lines_with(text, r"^\s+(valid_from|valid_until|date): ")
        i = rng.choice(cand)
        key = lines[i].split(":", 1)[0]
        bad = rng.choice(["2020-13-01", "\"2020-02-30\"", "\"-2020\"", "\"0000-00-00\"", "not-a-date",
                          "\"99999999999\"", "2020-07-32", "\"2020/07/01\"", "\"\""])
        lines[i] = f"{key}: {bad}"
        put(lines)
        return f"line {i + 1}: {lines[i].strip()!r}"
    if kind == "billion-laughs":
        (kb / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
        return "bomb.yaml: nine levels of aliases"
    if kind == "alias-in-kb":
        i = _lines_with(text, r"^  - id: blr-member-bloc")[0]
        put(lines[:i] + ["  - &s {id: x-anchor}"] + lines[i:] + ["  - *s"])
        return "an anchor and an alias in core.yaml"
    if kind == "deep-nesting":
        n = rng.choice([1_000, 10_000, 100_000])
        (kb / "deep.yaml").write_text("x: " + "[" * n + "]" * n + "\n", encoding="utf-8")
        return f"deep.yaml: {n} nested lists"
    if kind == "huge-file":
        n = rng.choice([50_000, 200_000])
        with (kb / "huge.yaml").open("w", encoding="utf-8") as f:
            f.write("statements:\n")
            for k in range(n):
                f.write(f"  - {{id: huge-{k}, kind: fact, subject: NOPE, predicate: member-of, text: t}}\n")
        return f"huge.yaml: {n} bad statements"
    if kind == "of-cycle":
        k = rng.randint(2, 4)
        ents = [f"  - {{id: cyc{j}, type: body, name: Cycle {j}, of: cyc{(j + 1) % k}}}" for j in range(k)]
        i = _lines_with(text, r"^entities:")[0]
        put(lines[:i + 1] + ents + lines[i + 1:])
        return f"an 'of' cycle of {k}"
    if kind == "control-chars":
        cand = _lines_with(text, r"^\s+(text|title|name): ")
        i = rng.choice(cand)
        ch = rng.choice(["\x00", "\x07", "\x1b", "\x08", "\x7f", "\x0c"])
        lines[i] = lines[i] + ch + "x"
        core.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
        return f"line {i + 1}: {ch!r} in a text field"
    if kind == "non-utf8":
        raw = bytearray(core.read_bytes())
        pos = rng.randrange(0, len(raw))
        raw[pos:pos] = rng.choice([b"\xff", b"\xc3\x28", b"\x80", b"\xfe\xfe"])
        core.write_bytes(bytes(raw))
        return f"invalid UTF-8 at byte {pos}"
    if kind == "yml-file":
        name = rng.choice(["extra.yml", "core.yml", "x.y.yml"])  # x.YML, like x.YAML, is not read: not here
        (kb / name).write_text("entities:\n  - {id: yml-only, type: state, name: Yml}\n", encoding="utf-8")
        return f"a file named {name}"
    if kind == "dangling-symlink":
        name = rng.choice(["gone.yaml", "a-gone.yaml", "zz.yaml"])  # subdirectories are not read: top level only
        os.symlink(kb / "nowhere" / rng.choice(["x.yaml", "core.yaml"]), kb / name)
        return f"{name} -> nowhere"
    if kind == "wrong-type":
        cand = _lines_with(text, r"^    (text|subject|predicate|kind|sources): ")
        i = rng.choice(cand)
        key = lines[i].split(":", 1)[0]
        lines[i] = f"{key}: " + rng.choice(["{a: 1}", "[1, 2]", "12", "true", "null"])
        put(lines)
        return f"line {i + 1}: {lines[i].strip()!r}"
    if kind == "missing-field":
        cand = _lines_with(text, r"^    (text|subject|predicate|kind): ")
        i = rng.choice(cand)
        removed = lines.pop(i)
        put(lines)
        return f"line {i + 1} removed: {removed.strip()!r}"
    if kind == "bom-and-crlf-garbage":
        core.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode() + b"\x00\x00junk")
        return "BOM, CRLF and NUL bytes at the end"
    raise ValueError(kind)


KB_MUTATIONS = ["malformed-yaml", "duplicate-key", "duplicate-id", "bad-reference", "bad-date", "billion-laughs",
                "alias-in-kb", "deep-nesting", "huge-file", "of-cycle", "control-chars", "non-utf8", "yml-file",
                "dangling-symlink", "wrong-type", "missing-field", "bom-and-crlf-garbage"]


def kb_mutation(cat: Category, tries: int, seed: int, tmp: Path, jobs: int) -> None:
    rng = random.Random(seed)
    plan = [(i, KB_MUTATIONS[i % len(KB_MUTATIONS)], rng.randrange(2**32)) for i in range(tries)]
    env = _env(tmp)

    def one(item):
        i, kind, s = item
        d = tmp / f"mut{i}"
        kb = _copy_kb(d / "kb")
        try:
            desc = _mutate(kb, kind, random.Random(s))
        except Exception as exc:  # noqa: BLE001 - a harness bug is reported, not hidden
            return False, f"kb {kind}", f"mutation failed: {exc!r}"
        t0 = time.monotonic()
        rc, out, err = _run([*CLI, "--kb", str(kb), "--cache", str(d / "cache"), "check"], env)
        dt = time.monotonic() - t0
        problems = []
        if rc == "timeout":
            problems.append(f"no answer within {TIMEOUT_S} s")
        elif rc != 1:
            problems.append(f"exit {rc}")
        if "Traceback" in out + err:
            problems.append("traceback: " + (out + err)[-600:])
        if rc == 1:
            located = [ln for ln in out.splitlines() if _PROBLEM.match(ln)]
            if not located:
                problems.append(f"no file:line: field: message line; stdout={out[-300:]!r}")
            if len(_error_lines(err)) != 1:
                problems.append(f"stderr not one error line: {err[-300:]!r}")
        shutil.rmtree(d, ignore_errors=True)
        return not problems, f"kb {kind} ({desc})", "; ".join(problems) + f" [{dt:.1f} s]"

    with cf.ThreadPoolExecutor(jobs) as ex:
        for ok, label, detail in ex.map(one, plan):
            cat.record(ok, label, detail)


# ===================================================================== 3. fault tests


def _statement_count(kb: Path, cache: Path, env) -> tuple[object, str]:
    code = ("import sys\nfrom allegiance.facts.store import open_store\n"
            "with open_store(sys.argv[1], cache_dir=sys.argv[2]) as s:\n"
            "    print(s.con.execute('SELECT count(*) FROM statements').fetchone()[0])\n")
    rc, out, err = _run([PY, "-c", code, str(kb), str(cache)], env)
    return (int(out.strip()) if rc == 0 and out.strip().isdigit() else None), err[-500:]


def _big_votes(path: Path, n_calls: int) -> int:
    """A un_votes file with n_calls roll calls of the fixture's states; returns its number of rows."""
    rows = [ln for ln in (FIX / "fx_un_votes.csv").read_text(encoding="utf-8").splitlines()[1:] if ln]
    pairs = sorted({ln.split(",", 1)[1].rsplit(",", 1)[0] for ln in rows})
    n = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("rcid,country,country_code,vote\n")
        for rc in range(1, n_calls + 1):
            for k, country_code in enumerate(pairs):
                f.write(f"{rc},{country_code},{('yes', 'no', 'abstain')[(rc + k) % 3]}\n")
                n += 1
    return n


def _big_roll_calls(path: Path, n_calls: int) -> Path:
    """The un_roll_calls file that goes with _big_votes (200 roll calls a session)."""
    with path.open("w", encoding="utf-8") as f:
        f.write("rcid,session,importantvote,date,unres,amend,para,short,descr\n")
        for rc in range(1, n_calls + 1):
            session = 1 + (rc - 1) // 200
            f.write(f"{rc},{session},0,{1945 + session}-10-{1 + (rc - 1) % 200 // 10:02d},R/{session}/{rc},0,0,"
                    f"RC{rc},Roll call {rc}\n")
    return path


def _data_rows(data: Path, kind: str, env) -> tuple[object, object, str]:
    """(rows the dataset table holds, rows the datasets catalogue says), opened the way the CLI opens it."""
    code = ("import sys, json\nfrom allegiance.measure.data.store import open_data\n"
            "with open_data(sys.argv[1]) as d:\n"
            "    cat = d.dataset(sys.argv[2])\n"
            "    tables = [r[0] for r in d.con.execute('SHOW TABLES').fetchall()]\n"
            "    n = {t: d.con.execute(f'SELECT count(*) FROM \"{t}\"').fetchone()[0] for t in tables}\n"
            "    print(json.dumps({'catalogue': cat['rows'] if cat else None, 'tables': n}))\n")
    rc, out, err = _run([PY, "-c", code, str(data), kind], env)
    if rc != 0:
        return None, None, err[-500:]
    d = json.loads(out)
    return d["tables"], d["catalogue"], ""


def faults(cat: Category, tries: int, seed: int, tmp: Path, jobs: int) -> None:
    rng = random.Random(seed)
    env = _env(tmp)
    # measure how long a compile and an import take, to kill inside them
    base = _copy_kb(tmp / "fault-base")
    t0 = time.monotonic()
    _run([*CLI, "--kb", str(base), "--cache", str(tmp / "fault-warm"), "check"], env)
    t_compile = max(time.monotonic() - t0, 0.3)
    n_old, _ = _statement_count(base, tmp / "fault-warm", env)
    big = tmp / "big_un_votes.csv"
    n_big = _big_votes(big, 20000)
    calls = _big_roll_calls(tmp / "big_un_roll_calls.csv", 20000)
    small = FIX / "fx_un_votes.csv"
    d0 = tmp / "fault-import-probe.duckdb"
    _run([*CLI, "data", "import", "un_roll_calls", str(calls), "--data", str(d0)], env, timeout=300)
    t0 = time.monotonic()
    _run([*CLI, "data", "import", "un_votes", str(big), "--data", str(d0)], env, timeout=300)
    t_import = max(time.monotonic() - t0, 0.3)
    n_small = sum(1 for ln in small.read_text(encoding="utf-8").splitlines()[1:] if ln.strip())

    n_kill = max(2, tries * 2 // 5)
    n_damage = max(2, tries // 5)
    plan: list[tuple[str, int, int]] = []
    for i in range(n_kill):
        plan.append(("kill-compile" if i % 2 == 0 else "kill-import", i, rng.randrange(2**32)))
    for i in range(n_damage):
        plan.append(("damage-compiled" if i % 2 == 0 else "damage-data", i, rng.randrange(2**32)))
    dirs = ["cache-missing", "cache-under-file", "cache-readonly", "o-missing", "o-under-file", "o-readonly",
            "plot-missing", "plot-under-file", "plot-readonly", "data-missing", "data-under-file", "data-readonly",
            "data-is-dir", "import-data-under-file", "import-data-readonly", "kb-file-unreadable",
            "seeds-unreadable"]
    for i in range(max(len(dirs), tries - n_kill - n_damage)):
        plan.append(("dirs:" + dirs[i % len(dirs)], i, rng.randrange(2**32)))

    def one(item):
        kind, i, s = item
        r = random.Random(s)
        d = tmp / f"fault-{kind.replace(':', '-')}-{i}"
        d.mkdir()
        try:
            if kind == "kill-compile":
                return _kill_compile(d, r, env, t_compile, n_old)
            if kind == "kill-import":
                return _kill_import(d, r, env, t_import, big, n_big, small, n_small, calls)
            if kind == "damage-compiled":
                return _damage_compiled(d, r, env, n_old)
            if kind == "damage-data":
                return _damage_data(d, r, env)
            return _dirs(d, kind.split(":", 1)[1], env)
        except Exception:  # noqa: BLE001
            return False, kind, "harness error: " + traceback.format_exc()[-800:]
        finally:
            shutil.rmtree(d, ignore_errors=True)

    with cf.ThreadPoolExecutor(jobs) as ex:
        for ok, label, detail in ex.map(one, plan):
            cat.record(ok, label, detail)


def _kill(args, env, delay: float, sig: int):
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", env=env)
    time.sleep(delay)
    p.send_signal(sig)
    try:
        out, err = p.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
        return "timeout", out, err
    return p.returncode, out, err


_WRAPPER_IMPORT = re.compile(r'File "[^"]*[/\\]allegiance", line \d+, in <module>\n\s+(import |from )')


def before_handler(err: str) -> bool:
    """Whether a KeyboardInterrupt traceback was raised before ``allegiance._entry`` installed its handler:
    while Python imported ``site`` (a fatal error at start-up), or while the pip-generated ``allegiance``
    script was still at its import lines (the handler is installed by the last of them)."""
    if "KeyboardInterrupt" not in err:
        return False
    if "init_import_site" in err:
        return True
    tb = err[err.find("Traceback"):]
    return bool(_WRAPPER_IMPORT.search(tb)) and "sys.exit(main())" not in tb


def _signal_answer_ok(rc, err: str, sig: int) -> list[str]:
    problems = []
    if rc == "timeout":
        problems.append("did not stop after the signal")
    if "Traceback" in err:
        when = " (before the handler)" if before_handler(err) else ""
        problems.append(f"traceback{when}: " + err[-500:])
    if sig == signal.SIGINT and rc not in (0, 130, -signal.SIGINT):
        problems.append(f"SIGINT gave exit {rc}: {err[-300:]!r}")
    if sig == signal.SIGINT and rc == -signal.SIGINT and err.strip():
        problems.append(f"SIGINT killed it with a message: {err[-300:]!r}")
    if sig == signal.SIGINT and rc == 130 and len(_error_lines(err)) != 1:
        problems.append(f"SIGINT: not one error line: {err[-300:]!r}")
    return problems


def _kill_compile(d: Path, r: random.Random, env, t_compile: float, n_old) -> tuple[bool, str, str]:
    kb, cache = _copy_kb(d / "kb"), d / "cache"
    _run([*CLI, "--kb", str(kb), "--cache", str(cache), "check"], env)  # the old version, compiled
    # the new version: one statement more
    core = kb / "core.yaml"
    core.write_text(core.read_text(encoding="utf-8") + (
        "  - id: fault-extra\n    kind: fact\n    subject: BLR\n    predicate: member-of\n    object: bloc\n"
        "    text: An extra statement.\n    valid_from: \"2001\"\n    sources:\n      - source: paper-2020\n"
        "        quote: extra\n"), encoding="utf-8")
    sig = r.choice([signal.SIGKILL, signal.SIGINT])
    delay = r.uniform(0, t_compile * 1.2)
    rc, out, err = _kill([*CLI, "--kb", str(kb), "--cache", str(cache), "check"], env, delay, sig)
    label = f"kill-compile {signal.Signals(sig).name} after {delay:.2f} s"
    problems = [] if sig == signal.SIGKILL else _signal_answer_ok(rc, err, sig)
    n, e = _statement_count(kb, cache, env)
    if n != n_old + 1:
        problems.append(f"afterwards the store holds {n} statements, not {n_old + 1}: {e}")
    rc2, out2, err2 = _run([*CLI, "--kb", str(kb), "--cache", str(cache), "check"], env)
    if rc2 != 0 or "Traceback" in err2:
        problems.append(f"a later check: exit {rc2}: {err2[-300:]!r}")
    left = sorted(f.name for f in cache.glob(".kb-build-*"))
    if left:  # the next build of that version removes a killed build's file
        problems.append(f"left behind: {left}")
    return not problems, label, "; ".join(problems)


def _kill_import(d: Path, r: random.Random, env, t_import: float, big: Path, n_big: int, small: Path,
                 n_small: int, calls: Path) -> tuple[bool, str, str]:
    data = d / "data.duckdb"
    _run([*CLI, "data", "import", "un_roll_calls", str(calls), "--data", str(data)], env, timeout=300)
    rc0, _, err0 = _run([*CLI, "data", "import", "un_votes", str(small), "--data", str(data)], env)
    if rc0 != 0:
        return False, "kill-import setup", err0[-300:]
    sig = r.choice([signal.SIGKILL, signal.SIGINT])
    delay = r.uniform(0, t_import * 1.2)
    rc, out, err = _kill([*CLI, "data", "import", "un_votes", str(big), "--data", str(data)], env, delay, sig)
    label = f"kill-import {signal.Signals(sig).name} after {delay:.2f} s"
    problems = [] if sig == signal.SIGKILL else _signal_answer_ok(rc, err, sig)
    tables, catalogue, e = _data_rows(data, "un_votes", env)
    if tables is None:
        problems.append(f"the data store does not open afterwards: {e}")
    else:
        votes = {t: n for t, n in tables.items() if t == "un_votes" or t.startswith("votes_")}
        if catalogue not in (n_small, n_big):
            problems.append(f"catalogue says {catalogue} rows, neither old {n_small} nor new {n_big}")
        if catalogue is not None and catalogue not in votes.values():
            problems.append(f"catalogue says {catalogue} rows but the tables hold {votes}")
        if any(v not in (n_small, n_big) for v in votes.values()):
            problems.append(f"half-imported: tables hold {votes}")
    rc2, _, err2 = _run([*CLI, "data", "versions", "--data", str(data)], env)
    if rc2 != 0:
        problems.append(f"data versions afterwards: exit {rc2}: {err2[-300:]!r}")
    _run([*CLI, "data", "import", "un_roll_calls", str(calls), "--data", str(data)], env, timeout=300)
    left = sorted(f.name for f in d.glob(".data.duckdb.import-*"))
    if left:  # the next writer removes a killed writer's copy
        problems.append(f"left behind after the next import: {left}")
    return not problems, label, "; ".join(problems)


def _damage(path: Path, r: random.Random) -> str:
    raw = bytearray(path.read_bytes())
    how = r.choice(["truncate", "zero-block", "random-bytes", "empty", "garbage"])
    if how == "truncate":
        n = r.randrange(0, len(raw))
        path.write_bytes(bytes(raw[:n]))
        return f"truncated to {n} of {len(raw)} bytes"
    if how == "zero-block":
        pos = r.randrange(0, len(raw))
        raw[pos:pos + 4096] = bytes(len(raw[pos:pos + 4096]))
        path.write_bytes(bytes(raw))
        return f"4 KiB zeroed at {pos}"
    if how == "random-bytes":
        for _ in range(16):
            raw[r.randrange(0, len(raw))] = r.randrange(256)
        path.write_bytes(bytes(raw))
        return "16 random bytes changed"
    if how == "empty":
        path.write_bytes(b"")
        return "emptied"
    path.write_bytes(bytes(r.randrange(256) for _ in range(r.choice([10, 5000, 300_000]))))
    return "replaced by garbage"


def _damage_compiled(d: Path, r: random.Random, env, n_old) -> tuple[bool, str, str]:
    kb, cache = _copy_kb(d / "kb"), d / "cache"
    _run([*CLI, "--kb", str(kb), "--cache", str(cache), "check"], env)
    dbs = sorted(cache.glob("kb-*.duckdb"))
    if not dbs:
        return False, "damage-compiled setup", "no compiled file"
    how = _damage(dbs[0], r)
    rc, out, err = _run([*CLI, "--kb", str(kb), "--cache", str(cache), "facts", "BLR", "--as-of", "2020-07-01"], env)
    problems = []
    if rc != 0 or "Traceback" in err:
        problems.append(f"facts after the damage: exit {rc}: {err[-300:]!r}")
    n, e = _statement_count(kb, cache, env)
    if n != n_old:
        problems.append(f"the store holds {n} statements, not {n_old}: {e}")
    return not problems, f"damage-compiled ({how})", "; ".join(problems)


def _damage_data(d: Path, r: random.Random, env) -> tuple[bool, str, str]:
    data = d / "data.duckdb"
    for kind in ("un_roll_calls", "un_votes"):
        _run([*CLI, "data", "import", kind, str(FIX / f"fx_{kind}.csv"), "--data", str(data)], env)
    how = _damage(data, r)
    problems = []
    for args in (["data", "versions"], ["--kb", str(FIX / "kb"), "align", "BLR", "--with", "RUS"],
                 ["data", "import", "un_roll_call_issues", str(FIX / "fx_un_roll_call_issues.csv")]):
        rc, out, err = _run([*CLI, *args, "--data", str(data)], env)
        if rc == "timeout" or "Traceback" in out + err or rc not in (0, 1, 2):
            problems.append(f"{args[0] if args[0] != '--kb' else 'align'}: exit {rc}: {(out + err)[-400:]!r}")
        elif rc != 0 and len(_error_lines(err)) != 1:
            problems.append(f"{args[0]}: not one error line: {err[-300:]!r}")
    return not problems, f"damage-data ({how})", "; ".join(problems)


def _dirs(d: Path, case: str, env) -> tuple[bool, str, str]:
    """Missing, under-a-file and read-only directories for --cache, -o, --plot, --data; an unreadable KB file
    and seeds directory. As root the command runs without the capabilities that ignore permissions."""
    kb = _copy_kb(d / "kb")
    blocker = d / "a-file"
    blocker.write_text("not a directory")
    ro = d / "readonly"
    ro.mkdir()
    data = d / "data.duckdb"
    if case.startswith(("plot-", "data-")):  # a store to read (align, data versions)
        for kind in ("un_roll_calls", "un_votes"):
            _run([*CLI, "data", "import", kind, str(FIX / f"fx_{kind}.csv"), "--data", str(data)], env)
    if case.startswith(("kb-", "seeds-")):
        where = kb
    else:
        where = {"missing": d / "no" / "such", "under-file": blocker / "x", "readonly": ro / "sub",
                 "is-dir": d}[case.split("-", 1)[1] if not case.startswith("import-") else case.split("-", 2)[2]]
    assess = [*CLI, "--kb", str(kb), "--cache", str(d / "c"), "assess", "BLR", "--as-of", "2023-01-01"]
    align = [*CLI, "--kb", str(FIX / "kb"), "--cache", str(d / "c2"), "align", "BLR", "--with", "RUS", "--data",
             str(data)]
    want_ok = False
    if case.startswith("cache-"):
        args = [*CLI, "--kb", str(kb), "--cache", str(where), "check"]
        want_ok = True  # a cache it cannot write: answered from memory, with a warning
    elif case.startswith("o-"):
        args = [*assess, "-o", str(where / "out.md")]
    elif case.startswith("plot-"):
        args = [*align, "--plot", str(where / "x.html")]
    elif case.startswith("data-"):
        args = [*CLI, "data", "versions", "--data", str(where if case != "data-is-dir" else d)]
    elif case == "kb-file-unreadable":
        args = [*CLI, "--kb", str(kb), "--cache", str(d / "c"), "check"]
    elif case == "seeds-unreadable":
        seeds = d / "seeds"
        seeds.mkdir()
        (seeds / "seed.txt").write_text("a seed")
        args = [*CLI, "--kb", str(kb), "--cache", str(d / "c"), "check", "--seeds", str(seeds)]
    else:  # import-data-*
        args = [*CLI, "data", "import", "un_votes", str(FIX / f"fx_un_votes.csv"), "--data", str(where / "d.duckdb")]
    ro.chmod(0o555)
    if case == "kb-file-unreadable":
        sorted(kb.glob("*.yaml"))[0].chmod(0o000)
    elif case == "seeds-unreadable":
        (d / "seeds" / "seed.txt").chmod(0o000)
        (d / "seeds").chmod(0o000)
    args, note = unprivileged(args)
    rc, out, err = _run(args, env)
    problems = []
    if rc == "timeout" or "Traceback" in out + err:
        problems.append(f"exit {rc}: {(out + err)[-500:]!r}")
    elif case == "cache-missing":
        if rc != 0:
            problems.append(f"a missing cache directory: exit {rc}: {err[-300:]!r}")
    elif want_ok:
        if rc != 0 or "warning:" not in err:
            problems.append(f"exit {rc}, stderr {err[-300:]!r}")
    else:
        if rc == 0:
            problems.append("exit 0 though the path cannot be used")
        elif len(_error_lines(err)) != 1:
            problems.append(f"not one error line: {err[-300:]!r}")
    for p in (ro, d / "seeds"):
        if p.exists():
            p.chmod(0o755)
    for p in kb.glob("*.yaml"):
        p.chmod(0o644)
    return not problems, f"dirs {case}{note}", "; ".join(problems)


# ===================================================================== 4. concurrency

_OPEN = """
import sys
from allegiance.facts.store import open_store
with open_store(sys.argv[1], cache_dir=sys.argv[2]) as s:
    n = s.con.execute("SELECT count(*) FROM statements").fetchone()[0]
    print(("built" if s.rebuilt else "reused"), n)
"""


def concurrency(cat: Category, rounds: int, seed: int, tmp: Path, procs: int = 16) -> None:
    env = _env(tmp)
    for rd in range(rounds):
        d = tmp / f"conc{rd}"
        a, b, cache = _copy_kb(d / "a"), _copy_kb(d / "b"), d / "cache"
        core = b / "core.yaml"
        core.write_text(core.read_text(encoding="utf-8") + f"\n# version b {seed} {rd}\n", encoding="utf-8")
        kbs = [a if k % 2 == 0 else b for k in range(procs)]
        ps = [subprocess.Popen([PY, "-c", _OPEN, str(kb), str(cache)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env) for kb in kbs]
        said = []
        for k, p in enumerate(ps):
            try:
                out, err = p.communicate(timeout=240)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                cat.record(False, f"concurrency round {rd} process {k}", "no answer in 240 s")
                said.append("")
                continue
            ok = p.returncode == 0 and "Traceback" not in err and out.split()[:1] in (["built"], ["reused"])
            cat.record(ok, f"concurrency round {rd} process {k}", f"exit {p.returncode}: {err[-400:]!r}")
            said.append(out.strip())
        for kb, label in ((a, "a"), (b, "b")):
            built = sum(1 for s, k in zip(said, kbs) if k == kb and s.startswith("built"))
            cat.record(built == 1, f"concurrency round {rd}: version {label} compiled once",
                       f"compiled {built} times")
        files = sorted(cache.glob("kb-*.duckdb"))
        cat.record(len(files) == 2, f"concurrency round {rd}: two compiled files", f"{[f.name for f in files]}")
        shutil.rmtree(d, ignore_errors=True)

    # queries during an import: readers of the data store while a writer imports into it
    for rd in range(rounds):
        d = tmp / f"concq{rd}"
        d.mkdir()
        data = d / "data.duckdb"
        _run([*CLI, "data", "import", "un_roll_calls", str(_big_roll_calls(d / "calls.csv", 20000)), "--data",
              str(data)], env, timeout=300)
        _run([*CLI, "data", "import", "un_votes", str(FIX / "fx_un_votes.csv"), "--data", str(data)], env)
        big = d / "big.csv"
        _big_votes(big, 20000)
        writer = subprocess.Popen([*CLI, "data", "import", "un_votes", str(big), "--data", str(data)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        readers = []
        for k in range(procs - 1):
            args = ([*CLI, "data", "versions", "--data", str(data)] if k % 2 == 0 else
                    [*CLI, "--kb", str(FIX / "kb"), "--cache", str(d / "c"), "align", "BLR", "--with", "RUS",
                     "--data", str(data)])
            readers.append(subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                            env=env))
            time.sleep(0.05)
        for k, p in enumerate([writer, *readers]):
            try:
                out, err = p.communicate(timeout=240)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
                cat.record(False, f"import+queries round {rd} process {k}", "no answer in 240 s")
                continue
            who = "the import" if k == 0 else f"query {k}"
            cat.record(p.returncode == 0 and "Traceback" not in err, f"import+queries round {rd}: {who}",
                       f"exit {p.returncode}: {err.strip()[-400:]!r}")
        shutil.rmtree(d, ignore_errors=True)


# ===================================================================== 5. injection

MARK = "PWN"
PAYLOADS = [
    "<script>alert('{m}')</script>",
    "\"><script>alert('{m}')</script>",
    "'><img src=x onerror=alert('{m}')>",
    "<img src=x onerror=alert('{m}')>",
    "<svg onload=alert('{m}')>",
    "</title><script>alert('{m}')</script>",
    "</textarea></style></script><script>alert('{m}')</script>",
    "<iframe src=javascript:alert('{m}')></iframe>",
    "<a href=\"javascript:alert('{m}')\">x</a>",
    "\" onmouseover=\"alert('{m}')\" x=\"",
    "' onfocus='alert(`{m}`)' autofocus='",
    "<details open ontoggle=alert('{m}')>",
    "<!--{m}--><script>alert('{m}')</script>",
    "<![CDATA[<script>alert('{m}')</script>]]>",
    "<math><mi xlink:href=\"javascript:alert('{m}')\">x</mi></math>",
    "<body onload=alert('{m}')>",
    "<object data=\"javascript:alert('{m}')\"></object>",
    "\u003cscript\u003ealert('{m}')\u003c/script\u003e",
    "<scr<script>ipt>alert('{m}')</scr</script>ipt>",
    "<style>@import 'http://x/{m}.css';</style>",
    "<meta http-equiv=refresh content=\"0;url=javascript:alert('{m}')\">",
    "<base href=\"http://evil/{m}/\">",
    "<form action=javascript:alert('{m}')><input type=submit>",
    "</script><script>alert('{m}')</script>",
    "\\u003c/script\\u003e<script>alert('{m}')</script>",
]


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        self._in_script = tag == "script"
        if tag == "script":
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _injected(html: str, baseline: str, marker: str) -> list[str]:
    """What the payload carrying ``marker`` added to the page's structure (nothing, if it was escaped)."""
    h, b = _Tags(), _Tags()
    h.feed(html)
    h.close()
    b.feed(baseline)
    b.close()
    found = []
    base_tags = {t for t, _ in b.tags}
    base_attrs = {(t, a) for t, attrs in b.tags for a, _ in attrs}
    for tag, attrs in h.tags:
        if tag not in base_tags:
            found.append(f"element <{tag}>")
        for a, v in attrs:
            if (tag, a) not in base_attrs:
                found.append(f"attribute {a} on <{tag}>")
            if a.startswith("on") or (v and marker in v and ("javascript:" in v.lower() or a in ("href", "src"))):
                if v and marker in v:
                    found.append(f"attribute {a}={v[:60]!r} on <{tag}>")
    if len(h.scripts) != len(b.scripts):
        found.append(f"{len(h.scripts)} scripts, not {len(b.scripts)}")
    for s in h.scripts:
        if f"alert('{marker}')" in s and "\"" not in s[max(0, s.find(marker) - 200):s.find(marker)]:
            found.append("payload as script code")
    return found


def _hostile_kb(kb: Path, payload: str, where: str) -> None:
    core = kb / "core.yaml"
    text = core.read_text(encoding="utf-8")
    q = json.dumps(payload)  # a JSON string is a YAML double-quoted scalar
    if where == "statement-text":
        text = text.replace("text: Belarus joined the Bloc in 1998.", f"text: {q}")
        text = text.replace("text: No Russian troops are stationed in Belarus.", f"text: {q}")
    elif where == "source-title":
        text = text.replace("title: A Paper on Alliances", f"title: {q}").replace("title: Troops Arrive",
                                                                                    f"title: {q}")
    elif where == "entity-name":
        text = text.replace("name: The Bloc}", f"name: {q}}}").replace("name: Russia,", f"name: {q},")
    elif where == "quote":
        text = text.replace("quote: Belarus joined the Bloc in 1998", f"quote: {q}")
    elif where == "author":
        text = text.replace("author: A. Author", f"author: {q}")
    core.write_text(text, encoding="utf-8")


INJECT_FIELDS = ["statement-text", "source-title", "entity-name", "quote", "author"]


def injection(cat: Category, tries: int, seed: int, tmp: Path, jobs: int) -> None:
    rng = random.Random(seed)
    env = _env(tmp)
    base_kb = _copy_kb(tmp / "inj-base")
    as_of = "2023-01-01"
    rc, baseline, err = _run([*CLI, "--kb", str(base_kb), "--cache", str(tmp / "inj-c0"), "assess", "BLR", "--as-of",
                              as_of, "--since", "2020-01-01", "--format", "html"], env)
    if rc != 0:
        cat.record(False, "injection baseline", f"assess failed: {err[-400:]!r}")
        return
    n_chart = max(1, tries // 4)
    plan = [(i, rng.randrange(2**32)) for i in range(tries - n_chart)]

    def one(item):
        i, s = item
        r = random.Random(s)
        marker = f"{MARK}{i}"
        payload = r.choice(PAYLOADS).format(m=marker)
        where = INJECT_FIELDS[i % len(INJECT_FIELDS)]
        d = tmp / f"inj{i}"
        kb = _copy_kb(d / "kb")
        _hostile_kb(kb, payload, where)
        out_file = d / "out.html"
        rc, out, err = _run([*CLI, "--kb", str(kb), "--cache", str(d / "c"), "assess", "BLR", "--as-of", as_of,
                             "--since", "2020-01-01", "--format", "html", "-o", str(out_file)], env)
        label = f"assess html, {where}: {payload[:50]!r}"
        try:
            if rc == 1 and "problem(s) in the knowledge base" in err:  # refused by check: nothing rendered
                return True, label + " (refused by the KB check)", ""
            if rc != 0:
                return False, label, f"exit {rc}: {(out + err)[-400:]!r}"
            html = out_file.read_text(encoding="utf-8")
            found = _injected(html, baseline, marker)
            return not found, label, "; ".join(found)
        finally:
            shutil.rmtree(d, ignore_errors=True)

    with cf.ThreadPoolExecutor(jobs) as ex:
        for ok, label, detail in ex.map(one, plan):
            cat.record(ok, label, detail)

    # charts: hostile state names through report.charts.plot_ideal_points (in process)
    from allegiance.report.charts import plot_ideal_points

    def rows(names):
        return [{"state": n, "session": s, "ideal_point": 0.1 * s * (k + 1), "lo": -1.0, "hi": 1.0, "n_votes": 10}
                for k, n in enumerate(names) for s in (70, 71, 72)]

    base_html = tmp / "chart-base.html"
    plot_ideal_points(rows(["BLR", "RUS"]), base_html, title="Ideal points")
    baseline = base_html.read_text(encoding="utf-8")
    for i in range(n_chart):
        marker = f"{MARK}c{i}"
        payload = PAYLOADS[i % len(PAYLOADS)].format(m=marker)
        path = tmp / f"chart{i}.html"
        label = f"plot_ideal_points state name {payload[:50]!r}"
        try:
            plot_ideal_points(rows([payload, "RUS"]), path, title="Ideal points")
            found = _injected(path.read_text(encoding="utf-8"), baseline, marker)
            cat.record(not found, label, "; ".join(found))
        except Exception:  # noqa: BLE001
            cat.record(False, label, traceback.format_exc()[-600:])
        path.unlink(missing_ok=True)


# ===================================================================== main

FULL = {"cli-fuzz": 520, "kb-mutation": 221, "faults": 120, "concurrency": 3, "injection": 125}
QUICK = {"cli-fuzz": 40, "kb-mutation": 17, "faults": 15, "concurrency": 1, "injection": 10}
WHAT = {
    "cli-fuzz": "every command, hypothesis-drawn arguments (in process)",
    "kb-mutation": "kb_small mutated, then `check`",
    "faults": "kill -9 / SIGINT in compile and import; damaged stores; bad directories",
    "concurrency": "16 processes, two KB versions, one cache; queries during an import",
    "injection": "hostile KB text in `assess --format html`; hostile state names in charts",
}


def table(cats: list[Category]) -> str:
    lines = ["| category | what | tries | passes | failures |", "|---|---|---:|---:|---:|"]
    for c in cats:
        lines.append(f"| {c.name} | {c.what} | {c.tries} | {c.passes} | {len(c.failures)} |")
    lines.append(f"| **total** | | **{sum(c.tries for c in cats)}** | **{sum(c.passes for c in cats)}** | "
                 f"**{sum(len(c.failures) for c in cats)}** |")
    return "\n".join(lines)


def run(names: list[str], quick: bool, seed: int, jobs: int) -> list[Category]:
    sizes = QUICK if quick else FULL
    cats = []
    with tempfile.TemporaryDirectory(prefix="allegiance-reliability-") as t:
        tmp = Path(t)
        saved = {k: os.environ.get(k) for k in ("ALLEGIANCE_CACHE", "ALLEGIANCE_DATA", "ALLEGIANCE_KB")}
        try:
            for name in names:
                c = Category(name, WHAT[name])
                t0 = time.monotonic()
                sub = tmp / name
                sub.mkdir()
                fn = {"cli-fuzz": lambda: cli_fuzz(c, sizes[name], seed, sub),
                      "kb-mutation": lambda: kb_mutation(c, sizes[name], seed, sub, jobs),
                      "faults": lambda: faults(c, sizes[name], seed, sub, jobs),
                      "concurrency": lambda: concurrency(c, sizes[name], seed, sub),
                      "injection": lambda: injection(c, sizes[name], seed, sub, jobs)}[name]
                try:
                    fn()
                except Exception:  # noqa: BLE001 - a category that crashes is a failure, counted
                    c.record(False, f"{name} harness", traceback.format_exc()[-1500:])
                c.seconds = time.monotonic() - t0
                print(f"# {name}: {c.tries} tries, {len(c.failures)} failures, {c.seconds:.0f} s", file=sys.stderr)
                cats.append(c)
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return cats


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a bounded run (CI: a few tries of each category)")
    ap.add_argument("--seed", type=int, default=12, help="the seed of every random choice (default 12)")
    ap.add_argument("--jobs", type=int, default=2, help="subprocesses run at once (default 2)")
    ap.add_argument("--only", action="append", choices=list(FULL), help="run only this category (repeatable)")
    ap.add_argument("--json", type=Path, help="also write the figures and every failure to this file")
    ap.add_argument("--failures", type=int, default=5, help="failures printed per category (default 5)")
    a = ap.parse_args(argv)
    t0 = time.monotonic()
    cats = run(a.only or list(FULL), a.quick, a.seed, a.jobs)
    print(table(cats))
    print()
    print(f"{'quick' if a.quick else 'full'} run, seed {a.seed}, {time.monotonic() - t0:.0f} s, "
          f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.platform()}, Python {platform.python_version()}"
          f", {os.cpu_count()} CPUs")
    for c in cats:
        sigs = [known(f) for f in c.failures]
        for sig in sorted({x for x in sigs if x}):
            print(f"\nKNOWN [{c.name}] {sigs.count(sig)} x {sig}: {KNOWN[sig][1]}")
        for f in c.failures[:a.failures]:
            print(f"\nFAIL [{c.name}] {f}")
        if len(c.failures) > a.failures:
            print(f"\n... and {len(c.failures) - a.failures} more failures in {c.name}")
    if a.json:
        figures = [{"category": c.name, "tries": c.tries, "passes": c.passes, "failures": c.failures,
                    "known": [known(f) for f in c.failures], "seconds": round(c.seconds, 1)} for c in cats]
        a.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0 if all(not c.failures for c in cats) else 1


if __name__ == "__main__":
    sys.exit(main())
