"""Naming states: ISO 3166-1 alpha-3 codes, alpha-2 codes and names.

States in the knowledge base are identified by ISO 3166-1 alpha-3 codes
(``BLR``); a few entities without an ISO code carry a documented code of our
own (docs/identifiers.md). :func:`resolve_state` accepts an alpha-3 or
alpha-2 code or a name (official, common or an alias from the knowledge
base) and returns the alpha-3 code, using ``pycountry`` for the ISO tables.
"""

from __future__ import annotations

from allegiance.errors import UnknownStateError

__all__ = ["resolve_state"]


def _iso_lookup(text: str) -> str | None:
    import pycountry

    t = text.strip()
    if len(t) == 2 and t.isalpha():
        c = pycountry.countries.get(alpha_2=t.upper())
        return c.alpha_3 if c else None
    if len(t) == 3 and t.isalpha():
        c = pycountry.countries.get(alpha_3=t.upper())
        if c:
            return c.alpha_3
        h = pycountry.historic_countries.get(alpha_3=t.upper())
        return h.alpha_3 if h else None
    try:
        c = pycountry.countries.lookup(t)
        return c.alpha_3
    except LookupError:
        pass
    try:
        hits = pycountry.countries.search_fuzzy(t)
    except LookupError:
        return None
    return hits[0].alpha_3 if len(hits) == 1 else None


def resolve_state(text: str, known: dict[str, list[str]]) -> str:
    """Resolve a state code or name to its alpha-3 code.

    ``known`` maps each state id in the knowledge base to its names and
    aliases; these win over ISO lookups (so ``Byelorussian SSR`` finds BLR).
    Raises :class:`UnknownStateError` with the value when nothing matches.
    """
    if not isinstance(text, str) or not text.strip():
        raise UnknownStateError("a state is required (an ISO 3166-1 code such as BLR, or a name)")
    t = text.strip()
    if t.upper() in known and len(t) == 3:
        return t.upper()
    low = t.casefold()
    for code, names in known.items():
        if any(n.casefold() == low for n in names):
            return code
    code = _iso_lookup(t)
    if code is not None:
        return code
    raise UnknownStateError(
        f"unknown state {text!r}: expected an ISO 3166-1 code (BLR, BY) or a name (Belarus)"
    )
