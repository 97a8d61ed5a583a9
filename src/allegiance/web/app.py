"""The web explorer: FastAPI routes over the same library calls as the CLI.

Every page ``/x`` has a JSON twin ``/x.json`` holding exactly what the
library returns for that question (the CLI's ``--json``); the HTML page is
rendered from the same dictionary by a Jinja2 template (autoescaped). The
store is opened read-only with external access disabled (see ``_store``);
nothing from a request ever reaches SQL as text.
"""

from __future__ import annotations

import logging
import re
import time
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, Callable, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from allegiance import (
    assess,
    can,
    changes,
    conflicts,
    diff,
    get_source,
    list_arrangements,
    list_sources,
    parse_date,
    parse_day,
    power,
    status,
    statements_by_id,
    timeline,
    verify,
    vetoes,
    who_commands,
)
from allegiance.errors import AllegianceError, DataError, DateError, UnknownIdError, UsageError, edge_of
from allegiance.rules import record as record_check
from allegiance.status.index import existence_start, index_of
from allegiance.web import diagram
from allegiance.web._ideal import READY, IdealEstimates
from allegiance.web._store import AnswerKey, ExtraKey, Held, VotingKey, open_locked
from allegiance.web.search import SearchIndex

__all__ = ["create_app", "CSP"]

log = logging.getLogger("allegiance.web")
HERE = Path(__file__).resolve().parent

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Library field names -> the query parameters that carry them (the web's counterpart of CLI flags).
PARAM_OF_FIELD = {"arrangement": "in", "start": "from", "end": "to", "prop": "property", "source_id": "id",
                  "states": "state"}

#: Where a page's query parameter is named as the library names the field (``/record?arrangement=``).
PARAM_OF_FIELD_AT = {"/record": {"arrangement": "arrangement"}}

MAX_PARAM = 200
#: What a day parameter must look like (empty: not given); parse_day then checks that it is a real day.
DAY_PATTERN = r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$"
Mode = Literal["peacetime", "threatened-period", "wartime", ""]  # "": not given (a form's blank choice)
_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,120}$"


class SafeJSONResponse(JSONResponse):
    """JSON with ``<``, ``>`` and ``&`` written as \\u escapes: the same data once parsed, yet inert if a
    browser ever sniffed it as HTML (nosniff says it must not)."""

    def render(self, content: Any) -> bytes:
        import json

        text = json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("utf-8")


class _Edge:
    """Every response leaves through here: the security headers, the server's own time on the request
    (``Server-Timing: app;dur=…``, waiting for the store's lock included; the load test reads it), and the
    catch-all, so that an exception nothing else handled is a bare 500 page, never a traceback.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` runs each response through a second task and
    a memory stream, which cost more than sending a kept page does."""

    def __init__(self, app, on_error: Callable[[dict], Response]):
        self.app, self.on_error = app, on_error

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        started = False

        async def send_with_headers(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    headers[k] = v
                headers["Server-Timing"] = f"app;dur={(time.perf_counter() - t0) * 1000:.2f}"
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:  # the catch-all: never a traceback to the client
            log.exception("unexpected error on %s", scope.get("path"))
            if started:  # too late for an error page: the connection is closed mid-response
                raise
            await self.on_error(scope)(scope, receive, send_with_headers)


class ErrorBody(BaseModel):
    """The one error shape: ``exc.context()`` plus the HTTP status."""

    error: str
    message: str
    status: int
    field: str | None = None
    value: str | int | float | bool | None = None
    allowed: str | None = None


_ERROR_TEXT = {400: "the question was asked wrongly", 404: "no such state, id or page",
               422: "a larger computation than the engine does", 503: "the knowledge base itself is broken"}
#: Error responses of a JSON twin: the one error shape.
ERRORS = {code: {"model": ErrorBody, "description": text} for code, text in _ERROR_TEXT.items()}
#: Error responses of a page: the same error, as an HTML page.
ERRORS_HTML = {code: {"description": text, "content": {"text/html": {"schema": {"type": "string"}}}}
               for code, text in _ERROR_TEXT.items()}


# ---------------------------------------------------------------------------------------------- helpers

def _day(text: str | None, param: str) -> date | None:
    if text is None or text == "":
        return None
    try:
        return parse_day(text)
    except AllegianceError as exc:
        exc.field = param
        raise


def _bound(text: str | None, param: str, *, end: bool = False) -> date | None:
    """The first (with ``end``, the last) day an EDTF date can mean, as the CLI's ``--from``/``--to`` read it."""
    if text is None or text.strip() == "":
        return None
    try:
        d = parse_date(text.strip())
    except DateError as exc:
        raise DateError(exc.message, value=text, field=param, allowed=exc.allowed) from None
    return d.upper if end else d.lower


def _need(value: str | None, param: str, what: str) -> str:
    if value is None or value.strip() == "":
        raise UsageError(f"{param} is required: {what}", field=param, allowed=what)
    return value.strip()


def _list(text: str | None) -> list[str] | None:
    if text is None or text.strip() == "":
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


def _query_key(request: Request) -> tuple[tuple[str, str], ...]:
    """The query's name-value pairs ordered by name: the same question asked with its parameters in another
    order is the same page. A name given twice keeps its values' order (the last one counts)."""
    return tuple(sorted(request.query_params.multi_items(), key=lambda kv: kv[0]))


def error_body(exc: AllegianceError, path: str | None = None) -> tuple[int, dict]:
    """The one error shape of ``exc``, its field named as the query parameter of the page at ``path``."""
    _, http = edge_of(exc)
    body = exc.context()
    names = {**PARAM_OF_FIELD, **PARAM_OF_FIELD_AT.get((path or "").removesuffix(".json"), {})}
    if body.get("field") in names:
        body["field"] = names[body["field"]]
    body["status"] = http
    return http, body


class Notes:
    """Footnotes collected while a page renders: each distinct citation gets a number once."""

    def __init__(self):
        self.items: list[dict] = []
        self._index: dict[tuple, int] = {}

    def add(self, cit: dict, provision: str | None = None, where: str | None = None) -> int:
        key = (cit.get("source"), cit.get("quote"), cit.get("locator"), provision)
        if key not in self._index:
            self.items.append({**cit, "provision": provision, "where": where, "n": len(self.items) + 1})
            self._index[key] = len(self.items)
        return self._index[key]


_SNIP = re.compile("\x02(.*?)\x03", re.S)


def _marked(text: str | None) -> Markup:
    """A search snippet: escaped, with the matched words (FTS5's markers) wrapped in <mark>."""
    safe = str(escape(text or ""))
    return Markup(_SNIP.sub(lambda m: f"<mark>{m.group(1)}</mark>", safe).replace("\x02", "").replace("\x03", ""))


_BRIEF_BODY = re.compile(r"<body>(.*)</body>", re.S)


def _brief_html(doc: dict) -> Markup:
    """The assess renderer's HTML (every KB string escaped there), its sections only: no <style>, no <h1>."""
    from allegiance.report.assess import render_html

    body = _BRIEF_BODY.search(render_html(doc)).group(1)
    body = re.sub(r"<h1>.*?</h1>", "", body, count=1, flags=re.S)
    body = body.replace('id="fn-', 'id="brief-fn-').replace('href="#fn-', 'href="#brief-fn-')
    body = body.replace('id="ref-', 'id="brief-ref-').replace('href="#ref-', 'href="#brief-ref-')
    body = re.sub(r"<h2>", "<h3>", body).replace("</h2>", "</h3>")
    return Markup(body)


# ---------------------------------------------------------------------------------------------- the app

def _prepare(held: Held) -> Held:
    """What every page needs from one store, computed once: arrangements, search index, conflicted ids."""
    with held.lock:
        held.arrangements = list_arrangements(held.rules)
        held.search = SearchIndex(held.store, held.arrangements["arrangements"])
        held.conflicted = {s["id"] for c in conflicts(held.store)["conflicts"] for s in c["statements"]}
        held.states = [dict(id=r[0], name=r[1]) for r in held.store.con.execute(
            "SELECT id, name FROM entities WHERE type = 'state' ORDER BY name").fetchall()]
    return held


def create_app(store_path: Path | str | None = None, *, kb: Path | str | None = None,
               cache: Path | str | None = None, diagram_engine: str | None = None,
               data: Path | str | None = None) -> FastAPI:
    """The explorer over a compiled store (``store_path``), or over ``kb`` compiled into ``cache``.

    ``diagram_engine``: ``"dot"``, ``"python"`` or None (dot when the binary exists).
    """
    app = FastAPI(title="allegiance web explorer", version="0.1.0",
                  description="Alliances and neutrality, executable, sourced and time-aware. Every page has a "
                              "JSON twin at the same path + `.json` with the library's answer.",
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.held = _prepare(Held(open_locked(store_path=store_path, kb=kb, cache=cache)))
    app.state.data = Path(data) if data is not None else None  # imported UN votes, for the state pages
    app.state.ideal = IdealEstimates()  # their ideal points, estimated in the background
    current: ContextVar[Held | None] = ContextVar("held", default=None)

    def H() -> Held:  # noqa: N802 -- the snapshot this request started on
        return current.get() or app.state.held

    def swap(store_path: Path | str | None = None, *, kb: Path | str | None = None,
             cache: Path | str | None = None) -> None:
        """Serve another compiled store from now on (a rebuilt knowledge base), without failing a request:
        requests under way finish on the old store, which is closed once the last of them is done."""
        new = _prepare(Held(open_locked(store_path=store_path, kb=kb, cache=cache)))
        old, app.state.held = app.state.held, new
        old.retire()

    app.state.swap = swap

    def _enter() -> Held:
        """The store a request runs on: the current one, held open for it (a swap may retire it meanwhile)."""
        while True:
            held = app.state.held
            if held.acquire():
                return held
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["marked"] = _marked
    app.state.env = env
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    app.add_middleware(_Edge, on_error=lambda scope: _page_error(Request(scope), 500, {
        "error": "InternalError", "status": 500, "message": "something went wrong on our side"}))

    def _wants_json(request: Request) -> bool:
        return request.url.path.endswith(".json")

    def _page_error(request: Request, code: int, body: dict) -> Response:
        if _wants_json(request):
            return SafeJSONResponse(body, status_code=code)
        html = env.get_template("error.html").render(err=body, title=f"{code}: {body['error']}", notes=Notes(),
                                                     request_path=request.url.path)
        return HTMLResponse(html, status_code=code)

    @app.exception_handler(AllegianceError)
    async def _allegiance_error(request: Request, exc: AllegianceError):
        code, body = error_body(exc, request.url.path)
        return _page_error(request, code, body)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError):
        errs = exc.errors()
        first = errs[0] if errs else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "path")]
        field = loc[-1] if loc else None
        value = first.get("input")
        value = value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
        shown = (value if isinstance(value, str) and len(value) <= 80 else
                 (value[:79] + "\u2026" if isinstance(value, str) else value))
        if first.get("type") == "string_pattern_mismatch" and (first.get("ctx") or {}).get("pattern") == DAY_PATTERN:
            err = DateError(f"{field}: {shown!r} is not a day; give it as YYYY-MM-DD, e.g. 2020-07-01", field=field,
                            value=shown, allowed="a day, YYYY-MM-DD")
        else:
            err = UsageError(f"{field or 'parameter'}: {first.get('msg', 'invalid')}", field=field, value=shown,
                             allowed=first.get("msg"))
        code, body = error_body(err, request.url.path)
        return _page_error(request, code, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        kind = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        msg = "no page at this address" if exc.status_code == 404 else str(exc.detail)
        response = _page_error(request, exc.status_code, {"error": kind, "message": msg, "status": exc.status_code})
        for k, v in (exc.headers or {}).items():  # e.g. Allow on a 405
            response.headers[k] = v
        return response

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return _page_error(request, 500, {"error": "InternalError", "status": 500,
                                          "message": "something went wrong on our side"})

    def ask(fn: Callable, *args, **kw):
        with H().lock:
            return fn(*args, **kw)

    def page(request: Request, template: str, data: dict, **extra) -> HTMLResponse:
        notes = Notes()
        h = H()
        html = env.get_template(template).render(d=data, notes=notes, request_path=request.url.path,
                                                 query=dict(_query_key(request)), **extra,
                                                 arrangement_list=h.arrangements["arrangements"],
                                                 state_list=h.states, conflicted=h.conflicted)
        return HTMLResponse(html)

    def file_version() -> tuple | None:
        """The data store file's size and time (None: no data store)."""
        path = app.state.data
        try:
            st_ = path.stat() if path is not None else None
        except OSError:
            return None
        return (st_.st_size, st_.st_mtime_ns) if st_ is not None else None

    def data_version() -> tuple | None:
        """The data store's version (its size and time, and whether its ideal points are estimated yet), a part
        of every memo key: re-importing the UN votes while the app runs changes it, so nothing computed from
        the old votes is served after, and a page made while the estimate ran is made again once it is done."""
        fv = file_version()
        return None if fv is None else (*fv, app.state.ideal.get(app.state.data, fv)[0])

    data_version()  # starts estimating the ideal points, where UN votes are imported, as the app starts

    _MISSING = object()

    def memoized(held: Held, key, compute: Callable[[], Any]) -> Any:
        """``compute()``, kept in the store's memo under ``key`` (an exception is raised, never kept)."""
        with held.lock:
            value = held.memo.get(key, _MISSING)
            if value is _MISSING:
                value = held.memo.put(key, compute())
            return value

    async def respond(request: Request, make: Callable[[Held, Any, str], bytes], cls: type[Response]) -> Response:
        """The response to ``request``: from the store's kept pages, or ``make(held, data_version, engine)``'s
        body (run in a worker thread), kept when it is made (an exception propagates, and nothing is kept)."""
        from starlette.concurrency import run_in_threadpool

        held = _enter()
        token = current.set(held)
        try:
            dv = data_version()
            # the diagrams' layout engine: dot where the binary is (now), else grandalf
            engine = diagram_engine or ("dot" if diagram.engine_available() else "python")
            key = (cls.media_type, request.url.path, _query_key(request), dv, engine)
            body = held.pages.get(key)
            if body is None:
                body = await run_in_threadpool(make, held, dv, engine)
                held.pages.put(key, body)
            return Response(body, media_type=cls.media_type)
        finally:
            current.reset(token)
            held.release()

    def twin(path: str, template: str, *, summary: str, extra: Callable[[dict], dict] | None = None) -> Callable:
        """Register the decorated function at ``path + '.json'`` (its answer as JSON) and at ``path`` (the same
        answer rendered by ``template``, with ``extra(answer, engine)`` for what only the page needs, its
        diagrams laid out by ``engine``).

        The store never changes under a running app, so both are kept: the answer (per validated parameters
        and data-store version, shared by the page and its twin) and the finished page (per path and query).
        A page asked again is sent from memory without waiting for the store; errors are never kept."""

        def register(endpoint: Callable) -> Callable:
            import inspect

            sig = inspect.signature(endpoint)
            name = endpoint.__name__

            def answer(held: Held, kw: dict, dv) -> tuple[AnswerKey, dict]:
                key = AnswerKey(name, tuple(sorted(kw.items())), dv)
                return key, memoized(held, key, lambda: endpoint(**kw))

            def make_json(held: Held, kw: dict, dv) -> bytes:
                return SafeJSONResponse(answer(held, kw, dv)[1]).body

            def make_html(held: Held, request: Request, kw: dict, dv, engine: str) -> bytes:
                key, data = answer(held, kw, dv)
                more = {}
                if extra:  # diagrams and charts read only the answer: drawn without holding the store's lock
                    xkey = ExtraKey(key, engine)
                    with held.lock:
                        more = held.memo.get(xkey, _MISSING)
                    if more is _MISSING:
                        more = extra(data, engine)
                        with held.lock:
                            held.memo.put(xkey, more)
                return page(request, template, data, **more).body

            async def as_json(request: Request, **kw) -> SafeJSONResponse:
                return await respond(request, lambda held, dv, _e: make_json(held, kw, dv), SafeJSONResponse)

            async def as_html(request: Request, **kw) -> HTMLResponse:
                return await respond(request, lambda held, dv, engine: make_html(held, request, kw, dv, engine),
                                     HTMLResponse)

            params = list(sig.parameters.values())
            req = inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request)
            as_json.__signature__ = sig.replace(parameters=[req, *params])
            as_html.__signature__ = sig.replace(parameters=[req, *params])
            as_json.__name__, as_html.__name__ = f"{name}_json", f"{name}_html"
            app.add_api_route(path + ".json", as_json, methods=["GET"], response_class=SafeJSONResponse,
                              responses=ERRORS, summary=summary + " (JSON)", tags=["json"],
                              response_model=dict[str, Any])
            app.add_api_route(path, as_html, methods=["GET"], response_class=HTMLResponse, responses=ERRORS_HTML,
                              summary=summary, tags=["pages"])
            return endpoint

        return register

    Q = lambda desc, **k: Query(None, max_length=MAX_PARAM, description=desc, **k)  # noqa: E731
    DAY = lambda desc, **k: Query(k.pop("default", None), pattern=DAY_PATTERN,  # noqa: E731
                                  description=desc + " (YYYY-MM-DD; empty: not given)", **k)

    # ------------------------------------------------------------------------------------ home, search

    @twin("/search", "search.html", summary="Search states, organisations, bodies, forces, arrangements, "
                                                  "documents, sources and statements")
    def search(q: str | None = Q("words to look for")) -> dict:
        results = H().search.search(q or "")
        from allegiance.web.search import terms

        return {"q": q, "terms": terms(q or ""), "count": len(results), "results": results}

    @app.get("/", response_class=HTMLResponse, summary="Home", tags=["pages"], responses=ERRORS_HTML)
    async def home(request: Request) -> HTMLResponse:
        return await respond(request, lambda held, _d, _e: page(request, "home.html", {
            "arrangements": held.arrangements["arrangements"], "states": held.states}).body, HTMLResponse)

    # ------------------------------------------------------------------------------------ states

    def _state_extra(data: dict, engine: str) -> dict:
        from allegiance.web.chart import alignment_chart_svg, ideal_chart_svg, posture_chart_svg

        voting, ideal = data.get("voting"), data.get("ideal")
        return {"brief_html": _brief_html(data["brief"]), "posture_svg": Markup(posture_chart_svg(data["changes"])),
                "voting_svg": Markup(alignment_chart_svg(voting)) if voting else None,
                "ideal_svg": Markup(ideal_chart_svg(ideal)) if ideal else None}

    def _voting(ds, state: str, first: int, last: int) -> dict | None:
        """``alignment`` for the state page, kept per data-store version, state and years: the same page on
        another day of the same year does not recompute it. None where the votes do not cover them."""
        from allegiance.measure.series import alignment

        def compute() -> dict | None:
            try:
                return alignment(ds, H().store, state, ["RUS", "eu", "nam"], start=first, end=last,
                                 measure="agree", by="year")
            except (DataError, UsageError):  # the imported votes do not cover this state or these years
                return None

        return memoized(H(), VotingKey(state, first, last, data_version()), compute)

    def _ideal(code: str, day: date) -> tuple[dict | None, str]:
        """The state's ideal-point path (``allegiance ideal CODE --json``) over the sessions of whole years up
        to ``day`` (session 1 is 1946), from the estimate over every imported session; and a word on it:
        "ready", "estimating" (the estimate is still running), or why there is none."""
        from allegiance.errors import UnknownStateError, VoteInputError
        from allegiance.measure.ideal import ideal_command

        fv = file_version()
        state_, result, reason = app.state.ideal.get(app.state.data, fv)
        if state_ != READY:
            return None, reason or state_
        last = (day.year if (day.month, day.day) == (12, 31) else day.year - 1) - 1945
        if last < 1:
            return None, f"no General Assembly session ended before {day.isoformat()}"
        try:
            return ideal_command([code], last=last, result=result), READY
        except (UnknownStateError, VoteInputError, UsageError):
            return None, f"no votes by {code} in the imported sessions up to {last}"

    def _voting_data():
        """The measure layer's data store, read-only, when UN votes are imported there; else None."""
        path = app.state.data
        if path is None or not path.exists():
            return None
        from allegiance.measure.data.store import open_data

        ds = open_data(path)
        if ds.dataset("un_votes") is None and ds.dataset("unvotes_published") is None:
            ds.close()
            return None
        return ds

    @twin("/states/{code}", "state.html", summary="A state's posture at a date: labels, criteria, "
                                                        "evidence, assessments, memberships, timeline, brief, "
                                                        "changes since the start of coverage",
          extra=_state_extra)
    def state(code: str, as_of: str = DAY("the day", default=...)) -> dict:
        if len(code) > MAX_PARAM:
            raise UsageError("state: too long", field="code", value=code[:60], allowed="a state code or name")
        day = _day(_need(as_of, "as_of", "a day, YYYY-MM-DD"), "as_of")
        with H().lock:
            st = status(H().store, code, as_of=day)
            # changes since the knowledge base is complete (1990), or none for a day before it, and never from
            # before the state existed
            start = min(date.fromisoformat(st["coverage"]["from"]), day)
            began = existence_start(index_of(H().store), st["state"], day)
            since = max(start, began) if began is not None else start
            ds = _voting_data()
            try:
                voting = None
                if ds is not None:
                    # how closely the state voted with Russia and with the EU and NAM majorities, year by year,
                    # over whole years up to the day asked (a year's later votes are not yet cast on that day)
                    last = day.year if (day.month, day.day) == (12, 31) else day.year - 1
                    voting = _voting(ds, st["state"], start.year, last) if last >= start.year else None
                ideal, ideal_status = _ideal(st["state"], day)
                return {"status": st, "timeline": timeline(H().store, st["state"]),
                        "brief": assess(H().store, st["state"], as_of=day, data=ds),
                        "changes": changes(H().store, st["state"], start=since, end=day), "voting": voting,
                        "ideal": ideal, "ideal_status": ideal_status}
            finally:
                if ds is not None:
                    ds.close()

    @app.get("/states", response_class=HTMLResponse, summary="States", tags=["pages"], responses=ERRORS_HTML)
    async def states(request: Request) -> HTMLResponse:
        return await respond(request, lambda held, _d, _e: page(request, "states.html",
                                                                 {"states": held.states}).body, HTMLResponse)

    # ------------------------------------------------------------------------------------ arrangements

    def _arr_extra(data: dict, engine: str) -> dict:
        # the version the page used: the vetoes' records (every action's provisions) and each force's commands
        records, seen = [], set()
        for v in [data["vetoes"]["version"], *(w["version"] for w in data["command"].values())]:
            for r in v["in_force"]:
                if (r["record"], r["id"]) not in seen:
                    seen.add((r["record"], r["id"]))
                    records.append(r)
        out = {"svg": None, "version_records": records}
        if not data["mode"]:
            return out
        bodies = data["vetoes"].get("bodies", [])
        g = diagram.command_graph(data["command"], bodies)
        if not g.nodes:  # e.g. a treaty regime with neither bodies nor forces: nothing to draw
            return out
        label = f"Command diagram of {data['arrangement']['name']} in {data['mode']}"
        return {**out, "svg": Markup(diagram.render_svg(g, engine=engine, label=label))}

    @twin("/arrangements/{aid}", "arrangement.html",
          summary="An arrangement at a date and in a readiness mode: diagram, command chains, decision rules, "
                  "vetoes, voting power", extra=_arr_extra)
    def arrangement(aid: str, mode: Mode | None = Query(None, description="readiness mode"),
                    as_of: str | None = DAY("the day; default: the date it is described as of")) -> dict:
        day = _day(as_of, "as_of")
        mode = mode or None
        with H().lock:
            rules = H().rules
            entry = next((a for a in H().arrangements["arrangements"] if a["id"] == aid), None)
            if entry is None:
                rules.arrangement(aid[:MAX_PARAM])  # raises the library's UnknownIdError
            modes = entry["modes"]
            if mode is not None and mode not in modes:
                raise UsageError(f"mode {mode!r} is not a mode of {aid}", field="mode", value=mode,
                                 allowed=", ".join(modes) or "none (this arrangement has no modes)")
            mode = mode or (modes[0] if modes else None)
            command = {f: who_commands(rules, f, arrangement=aid, mode=mode, as_of=day)
                       for f in entry["forces"]} if mode else {}
            ve = vetoes(rules, aid, as_of=day, mode=mode)
            pw = {}
            for b in entry["bodies"]:
                try:
                    pw[b] = power(rules, b, arrangement=aid, as_of=day)
                except AllegianceError as exc:
                    pw[b] = {"error": error_body(exc)[1]}
            return {"arrangement": entry, "mode": mode, "as_of": ve["as_of"], "as_of_basis": ve["as_of_basis"],
                    "command": command, "vetoes": ve, "power": pw, "coalitions_counted": _counted(rules, aid, ve)}

    def _counted(rules, aid: str, ve: dict) -> list[dict]:
        """How many minimal winning coalitions each action has where ``vetoes`` has too many to list (it gives
        no count past 10,000: the EU Council's qualified majority has millions), counted exactly on the
        diagram of the minimal coalitions without listing them (Game.count_minimal_winning)."""
        from allegiance.rules.requirements import action_func
        from allegiance.rules.rulebook import Ctx, find_action

        arr = rules.arrangement(aid)
        day = date.fromisoformat(ve["as_of"])
        out = []
        for row in ve["actions"]:
            if row["possible"] and row["minimal_winning_coalitions_count"] is None:
                f = action_func(rules, Ctx(arr, day, row["mode"], True), find_action(arr, row["action"]))
                out.append({"action": row["action"], "mode": row["mode"],
                            "minimal_winning_coalitions_count": rules.game(arr).count_minimal_winning(f)})
        return out

    @twin("/arrangements", "arrangements.html", summary="The arrangements the rules engine knows")
    def arrangements_index() -> dict:
        return H().arrangements

    # ------------------------------------------------------------------------------------ ask

    @twin("/can", "can.html", summary="Can an action happen, on whose consent: the answer and its proof")
    def can_page(action: str | None = Q("an action id"), in_: str | None = Q("the arrangement", alias="in"),
                 mode: Mode | None = Query(None, description="readiness mode"), as_of: str | None = DAY("the day"),
                 consent: str | None = Q("comma-separated offices or states that consent"),
                 abstain: str | None = Q("comma-separated players who abstain")) -> dict:
        if action is None and in_ is None:
            return {"form": True}
        a = _need(action, "action", "an action id of the arrangement")
        arr = _need(in_, "in", "an arrangement id")
        day = _day(as_of, "as_of")
        return ask(can, H().rules, a, arrangement=arr, mode=mode or None, as_of=day, consent=_list(consent),
                   abstain=_list(abstain) or [])

    @twin("/who-commands", "who_commands.html", summary="Who commands a force in a readiness mode")
    def who_commands_page(force: str | None = Q("a force id"), in_: str | None = Q("the arrangement", alias="in"),
                          mode: Mode | None = Query(None, description="readiness mode"),
                          as_of: str | None = DAY("the day")) -> dict:
        if force is None and in_ is None and mode is None:
            return {"form": True}
        f = _need(force, "force", "a force id of the arrangement")
        arr = _need(in_, "in", "an arrangement id")
        m = _need(mode, "mode", "peacetime, threatened-period or wartime")
        return ask(who_commands, H().rules, f, arrangement=arr, mode=m, as_of=_day(as_of, "as_of"))

    @twin("/verify", "verify.html", summary="Check a property of an arrangement in every mode and at every "
                                                  "date a provision changes")
    def verify_page(in_: str | None = Q("the arrangement", alias="in"),
                    property: str | None = Q("a property id of the arrangement"),  # noqa: A002
                    check: Literal["veto", "cannot-act-alone", "can-act-alone", "impossible", "possible", ""] | None = Query(
                        None, description="a check to run instead of a named property"),
                    state: str | None = Q("the state the check is about")) -> dict:
        if in_ is None and property is None and check is None:
            return {"form": True}
        arr = _need(in_, "in", "an arrangement id")
        if property is None and check is None:
            raise UsageError("name a property of the arrangement, or describe one with check and state",
                             field="property", allowed="a property id")
        return ask(verify, H().rules, arr, property or None, check=check or None, state=state or None,
                   actions=[], effects=[], territory=None)

    @twin("/diff", "diff.html", summary="Two designs compared point by point")
    def diff_page(a: str | None = Q("the first arrangement"), b: str | None = Q("the arrangement to compare it with"),
                  state: str | None = Q("show the changes for this state only"),
                  as_of_a: str | None = DAY("date for a"), as_of_b: str | None = DAY("date for b")) -> dict:
        if a is None and b is None:
            return {"form": True}
        x = _need(a, "a", "an arrangement id")
        y = _need(b, "b", "an arrangement id")
        return ask(diff, H().rules, x, y, as_of_a=_day(as_of_a, "as_of_a"), as_of_b=_day(as_of_b, "as_of_b"),
                   state=state or None)

    @twin("/record", "record.html", summary="The recorded events of an arrangement checked against the provisions "
                                                "in force on their dates: conforms, unknown or departure, with proofs")
    def record_page(arrangement: str | None = Q("an arrangement id", examples=["union-state"]),
                    from_: str | None = Q("only events on or after this date (EDTF, e.g. 2022 or 2022-02-24)",
                                          alias="from", examples=["2022"]),
                    to: str | None = Q("only events on or before this date (EDTF)", examples=["2022-12-31"])) -> dict:
        if arrangement is None and from_ is None and to is None:
            return {"form": True}
        arr = _need(arrangement, "arrangement", "an arrangement id")
        lo, hi = _bound(from_, "from"), _bound(to, "to", end=True)
        return ask(record_check, H().rules, arr, start=lo, end=hi)

    # ------------------------------------------------------------------------------------ facts

    @twin("/timeline", "timeline.html", summary="Everything recorded about a state, in date order")
    def timeline_page(state: str | None = Q("a state code or name"), from_: str | None = DAY("earliest day", alias="from"),
                      to: str | None = DAY("latest day"),
                      kind: Literal["fact", "assessment", ""] | None = Query(None, description="show only facts or assessments (a filter of the page; the JSON twin is the whole timeline)"),
                      predicate: str | None = Q("show only this predicate (page filter)")) -> dict:
        if state is None:
            return {"form": True}
        s = _need(state, "state", "a state code or name")
        lo, hi = _day(from_, "from"), _day(to, "to")
        if lo and hi and hi < lo:
            raise UsageError(f"to {hi} is before from {lo}", field="to", value=to, allowed=f"a day on or after {lo}")
        if kind not in (None, "", "fact", "assessment"):
            raise UsageError(f"kind {kind!r} is not a statement kind", field="kind", value=kind,
                             allowed="fact or assessment")
        return ask(timeline, H().store, s, start=lo, end=hi)

    @twin("/sources/{source_id}", "source.html", summary="A source, its footnotes and what cites it")
    def source(source_id: str) -> dict:
        if len(source_id) > MAX_PARAM:
            raise UnknownIdError("unknown source (id too long)", field="id", value=source_id[:60])
        return ask(get_source, H().store, source_id)

    @twin("/sources", "sources.html", summary="Every source")
    def sources() -> dict:
        return ask(list_sources, H().store)

    @twin("/conflicts", "conflicts.html", summary="Where sources disagree (both kept)")
    def conflicts_page() -> dict:
        return ask(conflicts, H().store)

    @twin("/statements/{sid}", "statement.html", summary="One statement with its sources")
    def statement(sid: str) -> dict:
        if len(sid) > MAX_PARAM:
            raise UnknownIdError("unknown statement (id too long)", field="id", value=sid[:60])
        found = ask(statements_by_id, H().store, [sid])
        if not found:
            raise UnknownIdError(f"unknown statement {sid!r}", field="id", value=sid)
        return {"statement": found[0]}

    app.state.close = lambda: app.state.held.close()
    return app
