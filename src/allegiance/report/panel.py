"""Plain-text rendering of what ``allegiance panel -o FILE`` wrote (the JSON shape is the data)."""

from __future__ import annotations

from typing import Any

__all__ = ["render_panel"]


def render_panel(r: dict[str, Any]) -> str:
    src = r["sources"]
    kb, system, atop = src["knowledge_base"], src["system"], src["atop"]
    where = (f"COW state list, version {system.get('version')}" if system["system"] == "cow"
             else "the knowledge base's states")
    lines = [f"wrote {r['file']} ({r['format']}): {r['rows']:,} rows, one per {r['unit']}, "
             f"{r['from']} to {r['to']}, {len(r['columns'])} columns",
             f"  codebook: {r['codebook']}",
             f"  knowledge base: allegiance {kb['version']}, checksum {kb['sha256'][:16]}…, horizon {kb['horizon']}",
             f"  states: {system['states']} ({where})",
             "  ATOP: " + (f"years {atop['years'][0]}–{atop['years'][1]}, version {atop['version'] or 'not recorded'}"
                           if atop else "not imported"),
             "  cite: allegiance data cite posture"]
    return "\n".join(lines) + "\n"
