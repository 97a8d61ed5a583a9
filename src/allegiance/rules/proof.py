"""Proofs: a small tree of what was checked, with the provisions and sources used.

Every answer of the rules engine carries one. A node says what it checked
(``label``), its result (true, false, or None for unknown), the provision
or record it comes from (``ref``, ``where``), its sources (citations with
their quoted passages, :class:`~allegiance.facts.citations.Citation`) and its
children. :func:`render_proof` prints it as an indented tree;
:meth:`Proof.to_json` gives the documented JSON shape (each citation brief).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allegiance.facts.citations import Citation, dedup

__all__ = ["Proof", "Sources", "render_proof"]


class Sources(tuple):
    """A record's citations, without repeats, with their JSON shapes worked out once (a record's evidence is
    the same in every answer; each answer gets its own copies of the dictionaries)."""

    def briefs(self) -> list[dict]:
        cached = self.__dict__.get("_briefs")
        if cached is None:
            cached = self.__dict__["_briefs"] = [c.brief() for c in self]
        return [dict(b) for b in cached]

    def full(self) -> list[tuple[tuple, dict]]:
        """(key, full JSON) of each citation; the dictionaries are shared: copy before handing them out."""
        cached = self.__dict__.get("_full")
        if cached is None:
            cached = self.__dict__["_full"] = [(c.key(), c.to_json()) for c in self]
        return cached


@dataclass(slots=True)
class Proof:
    kind: str
    label: str
    result: bool | None
    ref: str | None = None
    where: str | None = None
    detail: str | None = None
    sources: list[Citation] | Sources = field(default_factory=list)
    children: list[Proof] = field(default_factory=list)

    def to_json(self) -> dict:
        src = self.sources
        return {
            "kind": self.kind, "label": self.label, "result": self.result, "ref": self.ref, "where": self.where,
            "detail": self.detail,
            "sources": (src.briefs() if type(src) is Sources else [c.brief() for c in src]) if src else [],
            "children": [c.to_json() for c in self.children] if self.children else [],
        }

    def all_sources(self) -> list[Citation]:
        """Every citation of the tree, depth first, without repeats (the first kept)."""
        def walk(node: Proof):
            yield from node.sources
            for child in node.children:
                yield from walk(child)

        return dedup(walk(self))

    def sources_json(self) -> list[dict]:
        """``[c.to_json() for c in self.all_sources()]``, from the JSON each record's evidence keeps."""
        seen: set = set()
        out: list[dict] = []
        stack = [self]
        while stack:
            node = stack.pop()
            pairs = node.sources.full() if isinstance(node.sources, Sources) else [
                (c.key(), c.to_json()) for c in node.sources]
            for key, obj in pairs:
                if key not in seen:
                    seen.add(key)
                    out.append({**obj, "refs": [dict(r) for r in obj["refs"]]})
            stack.extend(reversed(node.children))
        return out


_MARK = {True: "yes", False: "no", None: "unknown"}


def render_proof(proof: Proof, *, indent: str = "") -> str:
    """The proof as an indented tree, one node per line, its sources under it."""
    lines: list[str] = []

    def walk(node: Proof, prefix: str) -> None:
        ref = f" [{node.ref}]" if node.ref else ""
        where = f" ({node.where})" if node.where else ""
        lines.append(f"{prefix}{_MARK[node.result]:>7}  {node.label}{ref}{where}")
        if node.detail:
            lines.append(f"{prefix}         {node.detail}")
        for c in node.sources:
            if not isinstance(c, Citation):  # a proof read back from JSON by hand
                c = Citation.from_json(c)
            loc = f", {c.locator}" if c.locator else ""
            lines.append(f"{prefix}         source: {c.source}{loc}: \u201c{c.quote}\u201d")
        for child in node.children:
            walk(child, prefix + "    ")

    walk(proof, indent)
    return "\n".join(lines) + "\n"
