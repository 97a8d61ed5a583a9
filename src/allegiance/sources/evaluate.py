"""Measuring the sources layer: reference fields against hand-made records, anchoring under noise.

Used by ``benchmarks/eval_sources.py`` (the figures in docs/sources.md) and by the tests.
The gold standard is passed in (the knowledge base's hand-made source records, loaded by the
caller), never derived from the parser's own output.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from allegiance.sources.anchor import Selector, TextView, anchor

__all__ = ["FIELDS", "field_scores", "noisy_copy", "Noisy", "robustness", "sentences"]

FIELDS = ("author", "title", "locator", "date", "url", "accessed")
_FOLD = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-"})


def _loose(value: str) -> str:
    text = unicodedata.normalize("NFKC", value).translate(_FOLD).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def field_scores(predicted: dict[int, dict], gold: dict[int, dict], fields: tuple[str, ...] = FIELDS) -> dict:
    """Micro precision, recall and F1 over ``fields`` of every footnote, strict and normalised.

    A field counts as a true positive when both sides have it and they match, a false positive when
    the prediction has it and it does not match, a false negative when the gold record has it and the
    prediction does not match it. Normalised matching ignores case, punctuation, quote and dash styles.
    """
    out: dict = {}
    for mode, same in (("strict", lambda a, b: a == b), ("normalised", lambda a, b: _loose(a) == _loose(b))):
        tp = fp = fn = 0
        per_field: dict[str, dict[str, int]] = {f: {"tp": 0, "fp": 0, "fn": 0} for f in fields}
        misses: list[dict] = []
        for note in sorted(gold):
            g, p = gold[note], predicted.get(note, {})
            for f in fields:
                gv = None if g.get(f) is None else str(g[f])
                pv = None if p.get(f) is None else str(p[f])
                match = gv is not None and pv is not None and same(gv, pv)
                if match:
                    tp += 1
                    per_field[f]["tp"] += 1
                    continue
                if pv is not None:
                    fp += 1
                    per_field[f]["fp"] += 1
                if gv is not None:
                    fn += 1
                    per_field[f]["fn"] += 1
                if gv is not None or pv is not None:
                    misses.append({"note": note, "field": f, "gold": gv, "got": pv})
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[mode] = {"tp": tp, "fp": fp, "fn": fn, "precision": round(precision, 4), "recall": round(recall, 4),
                     "f1": round(f1, 4), "fields": per_field, "misses": misses}
    return out


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"”’)]*[⁰¹²³⁴⁵⁶⁷⁸⁹]*|$)\s*")


def sentences(text: str, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[:end]`` (a plain splitter: enough to delete whole sentences)."""
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text, 0, len(text) if end is None else end)
            if m.group().strip()]


@dataclass
class Noisy:
    """A changed copy of a text and where each old character went (``None``: deleted)."""

    text: str
    where: list[int | None]
    deleted_sentence: list[bool]  # per old character: inside a deleted sentence

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        kept = [self.where[i] for i in range(start, end) if self.where[i] is not None]
        return (kept[0], kept[-1] + 1) if kept else None


def noisy_copy(text: str, rng: random.Random, *, rate: float, deletions: int, body_end: int | None = None) -> Noisy:
    """Delete ``deletions`` random sentences, then change each character with probability ``rate``.

    A change is a substitution, an insertion before the character or its deletion, equally often.
    """
    spans = sentences(text, body_end)
    gone = [False] * len(text)
    for s, e in rng.sample(spans, min(deletions, len(spans))):
        for i in range(s, e):
            gone[i] = True
    letters = "abcdefghijklmnopqrstuvwxyz ,.'"
    out: list[str] = []
    where: list[int | None] = [None] * len(text)
    for i, ch in enumerate(text):
        if gone[i]:
            continue
        if rng.random() < rate:
            kind = rng.randrange(3)
            if kind == 0:
                where[i] = len(out)
                out.append(rng.choice(letters))
            elif kind == 1:
                out.append(rng.choice(letters))
                where[i] = len(out)
                out.append(ch)
            continue  # kind 2: the character is dropped
        where[i] = len(out)
        out.append(ch)
    return Noisy("".join(out), where, gone)


def robustness(text: str, selectors: list[Selector], rng: random.Random, *, rate: float, deletions: int,
               body_end: int | None = None, tolerance: float = 0.9) -> dict:
    """Re-anchor ``selectors`` in a noisy copy of ``text`` and count right, wrong, orphaned and ambiguous.

    A quote *survives* when none of its characters was in a deleted sentence, and is *deleted* when
    half or more were; the others (partly deleted) are counted apart. A surviving quote lands right
    when its anchor overlaps the true span with intersection over union of at least ``tolerance``.
    Any confident anchor (exact or approximate) of a deleted quote is a confident wrong anchor.
    """
    noisy = noisy_copy(text, rng, rate=rate, deletions=deletions, body_end=body_end)
    view = TextView(noisy.text)
    tally = {"surviving": 0, "right": 0, "wrong": 0, "orphan": 0, "ambiguous": 0,
             "deleted": 0, "deleted_orphan_or_ambiguous": 0, "deleted_confident": 0, "partly_deleted": 0}
    for sel in selectors:
        share = sum(noisy.deleted_sentence[sel.start:sel.end]) / max(1, sel.end - sel.start)
        found = anchor(view, sel)
        if share == 0:
            tally["surviving"] += 1
            true = noisy.span(sel.start, sel.end)
            if found.status in ("orphan", "ambiguous"):
                tally[found.status] += 1
            elif true is not None and _iou((found.start, found.end), true) >= tolerance:
                tally["right"] += 1
            else:
                tally["wrong"] += 1
        elif share >= 0.5:
            tally["deleted"] += 1
            if found.status in ("orphan", "ambiguous"):
                tally["deleted_orphan_or_ambiguous"] += 1
            else:
                tally["deleted_confident"] += 1
        else:
            tally["partly_deleted"] += 1
    return tally


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0
