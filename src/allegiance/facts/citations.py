"""Citations: a quoted passage of a source, the one shape every answer uses.

A statement of the knowledge base, a provision of an arrangement, a proof
node and a status criterion all cite their sources the same way. In JSON a
citation has one shape (docs/json.md, ``citation``)::

    {"source": "sivitsky-2020", "title": ..., "author": ..., "outlet": ..., "date": ..., "url": ...,
     "accessed": ..., "quote": "...", "locator": "p. 3" | null, "refs": [<source>...],
     "statement": "blr-..." | null}

``statement`` is the knowledge-base statement the citation came through
(``null`` for a citation written on a provision itself); ``refs`` are the
sources the quoted passage itself cites (the article's footnotes). Proof
nodes carry the brief view (``source``, ``quote``, ``locator``,
``statement``); the full citation is in the answer's ``sources`` list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Citation", "FULL_FIELDS", "BRIEF_FIELDS", "dedup"]

#: The keys of a citation in JSON, in order.
FULL_FIELDS = ("source", "title", "author", "outlet", "date", "url", "accessed", "quote", "locator", "refs",
               "statement")
#: The keys of a citation on a proof node.
BRIEF_FIELDS = ("source", "quote", "locator", "statement")


@dataclass(frozen=True, slots=True)
class Citation:
    """A quoted passage of a source, with what the answer needs to show and check it."""

    source: str
    quote: str
    locator: str | None = None
    statement: str | None = None
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    accessed: str | None = None
    refs: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def from_json(cls, obj: Mapping[str, Any], *, statement: str | None = None) -> Citation:
        """A citation from its JSON object (e.g. one of a statement's ``sources``)."""
        return cls(source=obj["source"], quote=obj["quote"], locator=obj.get("locator"),
                   statement=obj.get("statement") or statement, title=obj.get("title"), author=obj.get("author"),
                   outlet=obj.get("outlet"), date=obj.get("date"), url=obj.get("url"), accessed=obj.get("accessed"),
                   refs=tuple(obj.get("refs") or ()))

    def described(self, meta: Mapping[str, Any] | None) -> Citation:
        """The citation with its source's title, author, outlet, date, URL and access date filled in."""
        if not meta:
            return self
        return replace(self, **{k: meta.get(k) for k in ("title", "author", "outlet", "date", "url", "accessed")})

    def via(self, statement: str) -> Citation:
        """The citation as it reaches an answer through ``statement``."""
        return replace(self, statement=statement)

    def key(self) -> tuple[str, str]:
        """What makes two citations the same: the source and the passage."""
        return (self.source, self.quote)

    def to_json(self) -> dict[str, Any]:
        """The full JSON shape (:data:`FULL_FIELDS`)."""
        out = {k: getattr(self, k) for k in FULL_FIELDS}
        out["refs"] = [dict(r) for r in self.refs]
        return out

    def brief(self) -> dict[str, Any]:
        """The brief JSON shape used on proof nodes (:data:`BRIEF_FIELDS`)."""
        return {k: getattr(self, k) for k in BRIEF_FIELDS}


def dedup(citations: Iterable[Citation | Mapping[str, Any]]) -> list:
    """Citations without repeats of the same source and passage, in order (the first one kept).

    Takes :class:`Citation` objects or their JSON objects (as answers carry them), and returns them as given.
    """
    seen: set[tuple[str, str]] = set()
    out: list = []
    for c in citations:
        key = c.key() if isinstance(c, Citation) else (c["source"], c["quote"])
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out
