"""Sources: bring a document in, clean it, read its footnotes as references, anchor quotes to it.

The fifth layer. It depends on nothing else in the package but :mod:`allegiance.errors` and,
for dates, :mod:`allegiance.facts.time` (EDTF).

- :mod:`~allegiance.sources.text`: plain text, HTML and PDF in, with offsets (:func:`read_document`);
- :mod:`~allegiance.sources.clean`: footnotes out of the body, broken paragraphs and footnotes
  rejoined, out-of-flow repeats removed, with a map back to the original (:func:`clean`);
- :mod:`~allegiance.sources.references`: footnotes to structured references, CSL-JSON and
  draft source records (:func:`parse_footnote`, :func:`to_csl`, :func:`to_source_record`);
- :mod:`~allegiance.sources.anchor`: W3C quote and position selectors, exact and approximate
  re-anchoring (:func:`describe`, :func:`anchor`);
- :mod:`~allegiance.sources.pipeline`: the whole import and the anchoring of a knowledge
  base's quotes, as the CLI's JSON (:func:`import_document`, :func:`anchor_quotes`).
"""

from allegiance.sources.anchor import Anchor, Selector, TextView, anchor, describe, find_exact
from allegiance.sources.clean import Cleaned, Footnote, clean, normalise
from allegiance.sources.pipeline import ImportResult, anchor_quotes, import_document, process
from allegiance.sources.references import Reference, parse_date_text, parse_footnote, to_csl, to_source_record
from allegiance.sources.text import Extracted, read_document, read_html, read_pdf, read_text

__all__ = [
    "Anchor",
    "Cleaned",
    "Extracted",
    "Footnote",
    "ImportResult",
    "Reference",
    "Selector",
    "TextView",
    "anchor",
    "anchor_quotes",
    "clean",
    "describe",
    "find_exact",
    "import_document",
    "normalise",
    "parse_date_text",
    "parse_footnote",
    "process",
    "read_document",
    "read_html",
    "read_pdf",
    "read_text",
    "to_csl",
    "to_source_record",
]
