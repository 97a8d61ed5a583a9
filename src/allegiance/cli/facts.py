"""The knowledge base's commands: ``check``, ``timeline``, ``facts``, ``conflicts``, and the ``sources`` group
(``sources`` lists, ``sources ID`` shows one, ``sources import`` and ``sources anchor`` bring documents in)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from allegiance.cli._common import JSON, Commands, DefaultGroup, bound, day, emit, globals_, open_kb, open_rules
from allegiance.errors import KnowledgeBaseError, UnknownIdError, UsageError

command = Commands()
sources_command = Commands()


class _SourcesGroup(DefaultGroup):
    default = "show"


sources_app = typer.Typer(
    name="sources", cls=_SourcesGroup, invoke_without_command=True, no_args_is_help=False, rich_markup_mode=None,
    subcommand_metavar="[ID | COMMAND [ARGS]...]",
    help="List the sources; with an ID, show one (the same as `sources show ID`); or import a document, or "
         "anchor the knowledge base's quotes.\n\nExample: allegiance sources sivitsky-2020 --json")


def register(app: typer.Typer) -> None:
    """Add the knowledge base's commands and the ``sources`` group to the main app."""
    command.register(app)
    sources_command.register(sources_app)
    app.add_typer(sources_app, name="sources")


@command()
def check(
    seeds: Optional[Path] = typer.Option(
        None, "--seeds", envvar="ALLEGIANCE_SEEDS", file_okay=False,
        help="Also check that every passage quoted from a seed document occurs in it, once in its cleaned text."),
) -> None:
    """Validate the knowledge base and its arrangements: exit 0 when clean, 1 with every problem listed.

    Each problem is printed as FILE:LINE: FIELD: MESSAGE.

    Example: allegiance check --seeds ../shared/seeds
    """
    from allegiance.facts.load import check_seed_quotes, load_kb

    if seeds is not None and not seeds.is_dir():
        raise UsageError(f"{seeds} is not a directory", value=str(seeds), field="seeds", allowed="a directory")
    kb = load_kb(globals_().kb)
    if seeds is not None:
        problems = check_seed_quotes(kb, seeds) or _seed_anchor_problems(kb, seeds)
        if problems:
            raise KnowledgeBaseError(problems)
    with open_kb() as store:
        book = open_rules(store).book
    if seeds is not None:
        from allegiance.rules.load import check_arrangement_seed_quotes

        problems = check_arrangement_seed_quotes(book, kb, seeds)
        if problems:
            raise KnowledgeBaseError(problems)
    checked = " and seed passages (each anchored once in its cleaned seed)" if seeds is not None else ""
    typer.echo(f"ok: {len(kb.sources)} sources, {len(kb.entities)} entities, "
               f"{len(kb.statements)} statements in {len(kb.topics)} files{checked}; "
               f"{len(book.arrangements)} arrangements")


def _seed_anchor_problems(kb, seeds: Path) -> list:
    """Seed quotes that do not anchor exactly once in the cleaned seed (a repeat, a footnote, a page break)."""
    from allegiance.errors import Problem
    from allegiance.sources.pipeline import anchor_quotes, process
    from allegiance.sources.text import read_document

    texts = {src.id: process(read_document(seeds / src.seed), source_id=src.id).cleaned.text
             for src in kb.sources.values() if src.seed is not None and (seeds / src.seed).is_file()}
    where = {}
    quotes = []
    for sid, st in kb.statements.items():
        for i, c in enumerate(st.sources):
            if c.source in texts:
                where[(sid, c.source)] = (*kb.where[sid], i)
                quotes.append({"statement": sid, "source": c.source, "quote": c.quote})
    result = anchor_quotes(texts, quotes, rivals=False)
    problems = []
    for kind, rows in (("not found", result["orphans"]), ("found more than once", result["ambiguous"])):
        for r in rows:
            file, line, i = where[(r["statement"], r["source"])]
            problems.append(Problem(file, line, f"sources[{i}].quote",
                                    f"passage {kind} in the cleaned text of {r['source']}: {r['exact'][:70]!r}"))
    return problems


@command()
def timeline(
    state: str = typer.Argument(..., help="ISO 3166-1 code (BLR, BY) or name (Belarus)."),
    start: Optional[str] = typer.Option(None, "--from", help="Earliest date (EDTF: 1998, 2015-09, 2020-07-01)."),
    end: Optional[str] = typer.Option(None, "--to", help="Latest date (EDTF)."),
    as_json: bool = JSON,
) -> None:
    """Everything the knowledge base records about a state, in date order, with sources.

    Example: allegiance timeline BLR --from 2014 --to 2020
    """
    from allegiance.facts.query import timeline as q
    from allegiance.report.text import render_timeline

    lo = bound(start, "start")
    hi = bound(end, "end", end=True)
    if lo and hi and hi < lo:
        raise UsageError(f"{end} is before --from {start}", value=end, field="end", allowed=f"a date from {start} on")
    with open_kb() as store:
        emit(q(store, state, start=lo, end=hi), as_json, render_timeline)


@command()
def facts(
    state: str = typer.Argument(..., help="ISO 3166-1 code (BLR, BY) or name (Belarus)."),
    as_of: str = typer.Option(..., "--as-of", help="The day to ask about (YYYY-MM-DD)."),
    known_by: Optional[str] = typer.Option(
        None, "--known-by", help="Use only sources published by this day (YYYY-MM-DD)."),
    as_json: bool = JSON,
) -> None:
    """What held about a state on a given day, with sources.

    Example: allegiance facts BLR --as-of 2020-07-01
    """
    from allegiance.facts.query import facts_as_of
    from allegiance.report.text import render_facts

    on, known = day(as_of, "as_of"), day(known_by, "known_by")
    with open_kb() as store:
        emit(facts_as_of(store, state, as_of=on, known_by=known), as_json, render_facts)


@sources_app.callback()
def sources(ctx: typer.Context, as_json: bool = JSON) -> None:
    """List the sources; `sources ID` shows one, `sources import` and `sources anchor` bring documents in.

    Example: allegiance sources --json
    """
    if ctx.invoked_subcommand is not None:
        return
    from allegiance.facts.query import list_sources
    from allegiance.report.text import render_sources

    with open_kb() as store:
        emit(list_sources(store), as_json, render_sources)


@sources_command("show")
def sources_show(
    source_id: str = typer.Argument(..., metavar="ID", help="A source id."),
    as_json: bool = JSON,
) -> None:
    """Show one source with its footnotes and the statements citing it (`sources ID` is the same).

    Example: allegiance sources sivitsky-2020-n21
    """
    from allegiance.facts.query import get_source
    from allegiance.report.text import render_source

    with open_kb() as store:
        emit(get_source(store, source_id), as_json, render_source)


@sources_command("import")
def sources_import(
    file: Path = typer.Argument(..., help="The document: plain text, HTML (.html, .htm) or PDF (.pdf).",
                                dir_okay=False),
    new_id: Optional[str] = typer.Option(None, "--id", help="Its source id (default: from the file name)."),
    out: Optional[Path] = typer.Option(
        None, "-o", "--out", file_okay=False,
        help="Write ID.txt (cleaned text), ID.yaml (draft source records) and ID.csl.json here; "
             "without it nothing is written."),
    as_json: bool = JSON,
) -> None:
    """Bring a document in: clean it, read its footnotes as references, write a draft source file to review.

    Footnotes are found and moved out of the body, paragraphs and footnotes broken by pages rejoined,
    out-of-flow repeats removed; each footnote becomes a reference (CSL-JSON) or a note.

    Example: allegiance sources import article.pdf --id sivitsky-2020 -o drafts/
    """
    from allegiance.sources.pipeline import import_document
    from allegiance.report.sources import render_import

    try:
        result = import_document(file, source_id=new_id, out_dir=out)
    except UsageError as exc:
        if exc.field == "source_id":  # the library's name for what --id gives here
            exc.field = "new_id"
        raise
    emit(result, as_json, render_import)


@sources_command("anchor")
def sources_anchor(
    source_id: Optional[str] = typer.Argument(None, metavar="[ID]", help="Only the quotes from this source."),
    seeds: Optional[Path] = typer.Option(
        None, "--seeds", envvar="ALLEGIANCE_SEEDS", file_okay=False,
        help="The seed documents (sources with a seed: file), cleaned before anchoring."),
    texts: Optional[Path] = typer.Option(
        None, "--texts", file_okay=False, help="Cleaned texts named ID.txt, as `sources import -o` writes them."),
    anchors: Optional[Path] = typer.Option(
        None, "--anchors", dir_okay=False,
        help="Stored selectors (JSON): re-anchor from them when the file exists, then write the new ones."),
    as_json: bool = JSON,
) -> None:
    """Anchor every quote of the knowledge base in its source's cleaned text; exit 1 on orphans or ambiguity.

    Each quote gets a W3C TextQuoteSelector (exact text, 32 characters either side) and its position;
    from stored selectors a quote is re-anchored exactly, else approximately within a bounded edit distance.

    Example: allegiance sources anchor sivitsky-2020 --seeds ../shared/seeds
    """
    import json

    from allegiance.facts.load import load_kb
    from allegiance.sources.pipeline import anchor_quotes, process
    from allegiance.report.sources import render_anchor
    from allegiance.sources.text import read_document

    if seeds is None and texts is None:
        raise UsageError("no document texts to anchor in: give the seed documents or a directory of cleaned texts",
                         field="texts", allowed="--seeds DIR or --texts DIR")
    for opt, where in (("seeds", seeds), ("texts", texts)):
        if where is not None and not where.is_dir():
            raise UsageError(f"{where} is not a directory", value=str(where), field=opt, allowed="a directory")
    kb = load_kb(globals_().kb)
    if source_id is not None and source_id not in kb.sources:
        raise UnknownIdError(f"unknown source {source_id!r}", value=source_id, field="source_id",
                             allowed="a source id (allegiance sources lists them)")
    docs: dict[str, str] = {}
    for src in kb.sources.values():
        if source_id is not None and src.id != source_id:
            continue
        if texts is not None and (texts / f"{src.id}.txt").is_file():
            docs[src.id] = (texts / f"{src.id}.txt").read_text(encoding="utf-8")
        elif seeds is not None and src.seed is not None and (seeds / src.seed).is_file():
            docs[src.id] = process(read_document(seeds / src.seed), source_id=src.id).cleaned.text
    if source_id is not None and source_id not in docs:
        raise UsageError(f"no text of source {source_id!r} here (neither a seed document nor {source_id}.txt)",
                         value=source_id, field="source_id", allowed="a source with a seed document or a cleaned text")
    quotes = [{"statement": sid, "source": c.source, "quote": c.quote}
              for sid, st in kb.statements.items() for c in st.sources
              if source_id is None or c.source == source_id]
    stored = None
    if anchors is not None and anchors.is_file():
        try:
            rows = json.loads(anchors.read_text(encoding="utf-8"))["quotes"]
            stored = {(r["statement"], r["source"]): r for r in rows}
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(f"{anchors} is not a file of stored selectors ({type(exc).__name__}: {exc})",
                             value=str(anchors), field="anchors",
                             allowed="a JSON file written by sources anchor --anchors") from None
    result = anchor_quotes(docs, quotes, stored=stored)
    if anchors is not None:
        keep = [r for k, r in (stored or {}).items()
                if k in {(q["statement"], q["source"]) for q in result["orphans"] + result["ambiguous"]}]
        anchors.write_text(json.dumps({"quotes": result["quotes"] + keep}, ensure_ascii=False, indent=1) + "\n",
                           encoding="utf-8")
    emit(result, as_json, render_anchor)
    if result["orphans"] or result["ambiguous"]:
        raise typer.Exit(1)


@command()
def conflicts(as_json: bool = JSON) -> None:
    """Statements that disagree with each other; both sides are kept and shown.

    Example: allegiance conflicts --json
    """
    from allegiance.facts.query import conflicts as q
    from allegiance.report.text import render_conflicts

    with open_kb() as store:
        emit(q(store), as_json, render_conflicts)
