"""The knowledge model: sources, entities, statements and their citations.

These are the typed records the YAML knowledge base is made of. One file of
the knowledge base is a :class:`KBFile`: a topic and lists of sources,
entities and statements. Field-level rules (types, required fields, allowed
values, no unknown fields) live here; rules that span records (references,
predicate signatures, dates, duplicates) live in :mod:`allegiance.facts.load`.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from allegiance.facts.predicates import DOCUMENT_TYPES, ENTITY_TYPES, MODES

__all__ = ["Citation", "Source", "Entity", "Statement", "KBFile", "SOURCE_TYPES", "QUOTE_MAX"]

QUOTE_MAX = 400  # characters: a few words to two sentences, never a long copy

SOURCE_TYPES = (
    "article",
    "news",
    "legal-text",
    "official",
    "web-page",
    "book",
    "chapter",
    "report",
    "speech",
    "interview",
    "dataset",
    "encyclopedia",
)


def _year_to_text(v):
    # YAML reads a bare year (1998) as an integer; dates are EDTF text.
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


# Control characters (other than tab and newline), line and paragraph separators, and bidirectional
# overrides: invisible in a terminal or a page, they can disguise what a text says.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# An http(s) URL with nothing that could end an HTML attribute or open a tag.
_URL = re.compile(r"^https?://[^\s<>\"'`\\\x00-\x1f\x7f]+$")


def _no_control(v: str) -> str:
    m = _CONTROL.search(v)
    if m:
        raise ValueError(f"contains the invisible control character U+{ord(m.group()):04X} at position "
                         f"{m.start() + 1}; remove it")
    return v


def _http_url(v: str) -> str:
    if not _URL.match(v):
        shown = v if len(v) <= 60 else v[:57] + "..."
        raise ValueError(f"not an http(s) URL without spaces, quotes or angle brackets; got {shown!r}")
    return v


KebabId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
EntityId = Annotated[
    str,
    StringConstraints(pattern=r"^([A-Z]{3}|[a-z0-9]+(-[a-z0-9]+)*)(\.[a-z0-9]+(-[a-z0-9]+)*)?$"),
]
DateText = Annotated[str, BeforeValidator(_year_to_text), StringConstraints(min_length=1)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True), AfterValidator(_no_control)]
Url = Annotated[str, AfterValidator(_http_url)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class Citation(_Strict):
    """A source and the passage that supports the statement, quoted exactly."""

    source: KebabId
    quote: Annotated[str, StringConstraints(min_length=3, max_length=QUOTE_MAX, strip_whitespace=True),
                     AfterValidator(_no_control)]
    locator: Text | None = None
    refs: list[KebabId] = Field(default_factory=list)  # sources the quoted passage itself cites (footnotes)


class Source(_Strict):
    """A document a statement is taken from, described as a footnote would."""

    id: KebabId
    type: Literal[SOURCE_TYPES]  # type: ignore[valid-type]
    title: Text
    author: Text | None = None
    outlet: Text | None = None
    date: DateText | None = None
    url: Url | None = None
    accessed: DateText | None = None
    locator: Text | None = None  # the part of the document cited (Article 18, Chapter 5 ...)
    cited_in: KebabId | None = None  # this source is a footnote of that source
    note: int | None = None  # footnote number in ``cited_in``
    seed: Annotated[str, StringConstraints(pattern=r"^[\w.-]+$")] | None = None  # file name under seeds/
    language: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = None
    details: Text | None = None  # volume, issue, pages, publisher's place


class Entity(_Strict):
    """A thing statements are about: a state, organisation, body, office, force, ..."""

    id: EntityId
    type: Literal[ENTITY_TYPES]  # type: ignore[valid-type]
    name: Text
    aliases: list[Text] = Field(default_factory=list)
    of: EntityId | None = None  # the state, organisation or body this belongs to
    doc_type: Literal[DOCUMENT_TYPES] | None = None  # type: ignore[valid-type]
    cow: int | None = None  # Correlates of War state code
    code_note: Text | None = None  # why a state has a code of our own
    description: Text | None = None  # neutral, claim-free; claims are statements


class Statement(_Strict):
    """A fact or an attributed assessment, with its valid time and its sources."""

    id: KebabId
    kind: Literal["fact", "assessment"]
    subject: EntityId
    predicate: KebabId
    object: EntityId | None = None
    value: int | str | None = None
    role: KebabId | None = None
    mode: Literal[MODES] | None = None  # type: ignore[valid-type]
    negated: bool = False
    text: Text
    valid_from: DateText
    valid_until: DateText | None = None
    by: Text | None = None  # who makes an assessment
    basis: list[EntityId] = Field(default_factory=list)  # documents the statement rests on
    supersedes: list[KebabId] = Field(default_factory=list)
    conflicts_with: list[KebabId] = Field(default_factory=list)
    note: Text | None = None  # an editor's note, e.g. why two statements conflict
    sources: Annotated[list[Citation], Field(min_length=1)]


class KBFile(_Strict):
    """One file of the knowledge base."""

    topic: Text
    sources: list[dict] = Field(default_factory=list)
    entities: list[dict] = Field(default_factory=list)
    statements: list[dict] = Field(default_factory=list)
