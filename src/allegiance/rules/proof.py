"""Proofs: a small tree of what was checked, with the provisions and sources used.

Every answer of the rules engine carries one. A node says what it checked
(``label``), its result (true, false, or None for unknown), the provision
or record it comes from (``ref``, ``where``), its sources (citations with
their quoted passages) and its children. :func:`render_proof` prints it as
an indented tree; :meth:`Proof.to_json` gives the documented JSON shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Proof", "render_proof"]


@dataclass
class Proof:
    kind: str
    label: str
    result: bool | None
    ref: str | None = None
    where: str | None = None
    detail: str | None = None
    sources: list[dict] = field(default_factory=list)
    children: list[Proof] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "kind": self.kind, "label": self.label, "result": self.result, "ref": self.ref, "where": self.where,
            "detail": self.detail,
            "sources": [{k: c.get(k) for k in ("source", "quote", "locator")} for c in self.sources],
            "children": [c.to_json() for c in self.children],
        }

    def all_sources(self) -> list[dict]:
        seen, out = set(), []
        stack = [self]
        while stack:
            node = stack.pop(0)
            for c in node.sources:
                key = (c.get("source"), c.get("quote"))
                if key not in seen:
                    seen.add(key)
                    out.append(c)
            stack[0:0] = node.children
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
            loc = f", {c['locator']}" if c.get("locator") else ""
            lines.append(f"{prefix}         source: {c['source']}{loc}: \u201c{c['quote']}\u201d")
        for child in node.children:
            walk(child, prefix + "    ")

    walk(proof, indent)
    return "\n".join(lines) + "\n"
