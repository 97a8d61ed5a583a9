"""The whole import of a document, and the anchoring of a knowledge base's quotes, as JSON.

:func:`process` runs text in → cleaning → footnotes to references; :func:`import_document`
also writes, for review, the cleaned text (``ID.txt``), a draft source file (``ID.yaml``: the
document and one record per footnote, in the knowledge base's ``sources`` shape) and the
references as CSL-JSON (``ID.csl.json``). :func:`anchor_quotes` anchors (or, from stored
selectors, re-anchors) quotes in cleaned texts and reports orphans and ambiguities.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from allegiance.errors import UsageError, shorten
from allegiance.sources.anchor import Selector, TextView, anchor, describe, rival_distance
from allegiance.sources.clean import Cleaned, clean
from allegiance.sources.references import Reference, parse_footnote, to_csl, to_source_record
from allegiance.sources.text import Extracted, read_document

__all__ = ["ImportResult", "process", "import_document", "anchor_quotes", "source_id_for"]

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class ImportResult:
    """A processed document: its cleaned text and each footnote with its parsed reference."""

    source: str
    extracted: Extracted
    cleaned: Cleaned
    references: list[Reference]

    def footnotes_json(self) -> list[dict]:
        out = []
        for fn, ref in zip(self.cleaned.footnotes, self.references):
            if fn.number is None:
                continue
            marker = {"start": fn.markers[0][0], "end": fn.markers[0][1]} if fn.markers else None
            out.append({"number": fn.number, "kind": ref.kind, "marker": marker, "text": fn.text,
                        "start": fn.start, "end": fn.end,
                        "reference": to_csl(ref, id=f"{self.source}-n{fn.number}")})
        return out

    def records(self) -> list[dict]:
        """Draft knowledge-base source records, one per numbered footnote."""
        return [to_source_record(ref, id=f"{self.source}-n{fn.number}", cited_in=self.source, note=fn.number)
                for fn, ref in zip(self.cleaned.footnotes, self.references) if fn.number is not None]

    def as_json(self, text_file: str | None = None) -> dict:
        rep = self.cleaned.report
        return {"source": self.source, "format": self.extracted.format,
                "footnotes": self.footnotes_json(),
                "cleaning": {"rejoined": rep["rejoined"], "removed": rep["removed"],
                             "unfinished": rep.get("unfinished", []),
                             "unmatched_markers": self.cleaned.unmatched_markers},
                "characters": {"original": len(self.extracted.text), "cleaned": len(self.cleaned.text),
                               "body": self.cleaned.body_end},
                "text_file": text_file}


def source_id_for(path: Path | str) -> str:
    """A kebab-case id from a file name: ``Sivitsky 2020.pdf`` → ``sivitsky-2020``."""
    stem = Path(path).stem.lower()
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")
    return slug or "source"


def _check_id(source_id: str) -> str:
    if not _ID.match(source_id):
        raise UsageError(f"{shorten(source_id)} is not a source id (lowercase letters, digits and hyphens, "
                         f"such as sivitsky-2020)", value=source_id, field="source_id", allowed="a kebab-case id")
    return source_id


def process(doc: Extracted, *, source_id: str) -> ImportResult:
    """Clean an extracted document and parse its footnotes."""
    cleaned = clean(doc)
    refs = [parse_footnote(fn.text) for fn in cleaned.footnotes]
    return ImportResult(_check_id(source_id), doc, cleaned, refs)


def import_document(path: Path | str, *, source_id: str | None = None, out_dir: Path | str | None = None,
                    format: str | None = None) -> dict:
    """Import a file: process it and, when ``out_dir`` is given, write ``ID.txt``, ``ID.yaml``, ``ID.csl.json``."""
    import yaml

    sid = _check_id(source_id) if source_id is not None else source_id_for(path)
    result = process(read_document(path, format=format), source_id=sid)
    text_file = None
    if out_dir is not None:
        out = Path(out_dir)
        if out.exists() and not out.is_dir():
            raise UsageError(f"{shorten(str(out))} is not a directory", value=str(out), field="out",
                             allowed="a directory (made if missing)")
        try:
            out.mkdir(parents=True, exist_ok=True)
            (out / f"{sid}.txt").write_text(result.cleaned.text + "\n", encoding="utf-8")
            doc_record = {"id": sid, "type": "article", "title": _title_guess(result) or sid,
                          "details": f"Imported from {Path(path).name}; review every field before use"}
            draft = {"topic": f"Draft source records of {sid}, imported from {Path(path).name} (review before use)",
                     "sources": [doc_record] + result.records()}
            (out / f"{sid}.yaml").write_text(
                "# Draft written by `allegiance sources import`: check each record against the footnote.\n"
                + yaml.safe_dump(draft, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
            (out / f"{sid}.csl.json").write_text(json.dumps(
                [f["reference"] for f in result.footnotes_json()], ensure_ascii=False, indent=1) + "\n",
                encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write to {shorten(str(out))}: {exc.strerror or exc}", value=str(out),
                             field="out", allowed="a writable directory") from exc
        text_file = str(out / f"{sid}.txt")
    return result.as_json(text_file)


def _title_guess(result: ImportResult) -> str | None:
    for p in result.cleaned.paragraphs:
        if p.kind == "heading":
            return p.text.strip()
    return None


def anchor_quotes(texts: dict[str, str], quotes: list[dict], *, stored: dict[tuple[str, str], dict] | None = None,
                  context: int = 32, rivals: bool = True) -> dict:
    """Anchor each quote (``{"statement", "source", "quote"}``) in the cleaned text of its source.

    With ``stored`` selectors (keyed by statement and source, as this function returns them) the quote
    is re-anchored from its old selector: exact first, then approximate. A quote whose source has no
    text here is listed under ``"unavailable"``.
    """
    views = {sid: TextView(t) for sid, t in texts.items()}
    out: dict = {"anchored": 0, "orphans": [], "ambiguous": [], "unavailable": [], "quotes": []}
    for q in quotes:
        view = views.get(q["source"])
        if view is None:
            out["unavailable"].append({"statement": q["statement"], "source": q["source"]})
            continue
        old = (stored or {}).get((q["statement"], q["source"]))
        if old is not None:
            sel = Selector(old["exact"], old.get("prefix", ""), old.get("suffix", ""), old.get("start"), old.get("end"),
                           old.get("rival"))
        else:
            sel = Selector(q["quote"])
        found = anchor(view, sel)
        row = {"statement": q["statement"], "source": q["source"], "status": found.status}
        if found.status in ("exact", "approximate"):
            new = describe(view.text, found.start, found.end, context=context)
            row.update({"exact": new.exact, "prefix": new.prefix, "suffix": new.suffix, "start": new.start,
                        "end": new.end, "distance": found.distance,
                        "rival": rival_distance(view, found.start, found.end) if rivals else None})
            out["anchored"] += 1
            out["quotes"].append(row)
        elif found.status == "ambiguous":
            out["ambiguous"].append({**row, "exact": sel.exact, "candidates": found.candidates})
        else:
            out["orphans"].append({**row, "exact": sel.exact})
    return out

