"""Evaluate the sources layer on the seed article: the figures of docs/sources.md.

Run: .venv/bin/python benchmarks/eval_sources.py [--seeds ../shared/seeds] [--trials 3] [--json]

- footnotes found and linked to their markers, the split ones reassembled, notes told from references;
- cleaning against the hand-cleaned text of tests/sources/test_seed.py (made by listed operations);
- reference fields (author or body, title, locator, date, URL, access date): micro precision, recall and F1,
  strict and normalised, against the knowledge base's hand-made records of the 31 footnotes
  (``sivitsky-2020-nN`` in src/allegiance/kb/sources-seeds.yaml);
- anchoring of every seed quote of the knowledge base, and re-anchoring after 1-5 % character noise and
  sentence deletions;
- a PDF typeset from the cleaned text with real footnotes (tests/sources/_typeset.py) through the same pipeline;
- timings.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "sources"))

from benchmarks._common import machine  # noqa: E402

ARTICLE = "000_41c990b8ce733e59.txt"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    ap.add_argument("--trials", type=int, default=3, help="noisy copies per noise rate")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    from allegiance.facts.load import load_kb
    from allegiance.sources import Selector, anchor_quotes, normalise, process, read_document
    from allegiance.sources.clean import MARKER
    from allegiance.sources.evaluate import field_scores, robustness
    from tests.sources.test_seed import REPEATS, hand_cleaned

    path = args.seeds / ARTICLE
    if not path.is_file():
        sys.exit(f"the seed article is not at {path} (give --seeds)")
    out: dict = {"machine": machine()}
    times = []
    for _ in range(5):
        t = time.perf_counter()
        result = process(read_document(path), source_id="sivitsky-2020")
        times.append(time.perf_counter() - t)
    out["seconds_text"] = round(statistics.median(times), 4)
    cleaned = result.cleaned
    numbered = [f for f in cleaned.footnotes if f.number is not None]
    fj = result.footnotes_json()
    out["footnotes"] = {"found": len(numbered), "linked_to_one_marker": sum(len(f.markers) == 1 for f in numbered),
                        "notes": [f["number"] for f in fj if f["kind"] == "note"],
                        "rejoined": [r["number"] for r in cleaned.report["rejoined"] if r["kind"] == "footnote"],
                        "unmatched_markers": len(cleaned.unmatched_markers)}
    seed_text = path.read_text(encoding="utf-8")
    body, _ = hand_cleaned(seed_text)
    got_body = cleaned.text[:cleaned.body_end]
    want = "\n\n".join(body)
    out["cleaning"] = {
        "body_paragraphs_rejoined": sum(r["kind"] == "body" for r in cleaned.report["rejoined"]),
        "repeats_removed": len(cleaned.report["removed"]), "repeats_in_hand_cleaning": len(REPEATS),
        "equal_to_hand_cleaned": [normalise(p) for p in got_body.split("\n\n")] == [normalise(p) for p in body],
        "body_characters_lost": len("".join(want.split())) - len("".join(got_body.split())),
        "markers_lost": len(MARKER.findall(want)) - len(MARKER.findall(got_body)),
        "unfinished": len(cleaned.report["unfinished"])}
    kb = load_kb()
    gold = {s.note: s.model_dump() for s in kb.sources.values() if s.cited_in == "sivitsky-2020"}
    got = {r["note"]: r for r in result.records()}
    refs_only = {n: g for n, g in gold.items() if n != 23}
    s30, s31 = field_scores(got, refs_only), field_scores(got, gold)
    out["references"] = {
        "gold_records": len(gold),
        "references_only": {m: {k: s30[m][k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")}
                            for m in ("strict", "normalised")},
        "all_31_records": {m: {k: s31[m][k] for k in ("tp", "fp", "fn", "precision", "recall", "f1")}
                           for m in ("strict", "normalised")},
        "per_field_normalised": s30["normalised"]["fields"],
        "misses_normalised": s30["normalised"]["misses"], "misses_strict": s30["strict"]["misses"]}
    # anchoring
    texts = {}
    for src in kb.sources.values():
        if src.seed and (args.seeds / src.seed).is_file():
            texts[src.id] = process(read_document(args.seeds / src.seed), source_id=src.id).cleaned.text
    quotes = [{"statement": sid, "source": c.source, "quote": c.quote}
              for sid, st in kb.statements.items() for c in st.sources if c.source in texts]
    t = time.perf_counter()
    anchored = anchor_quotes(texts, quotes)
    out["anchoring"] = {"quotes": len(quotes), "anchored_exactly_once": sum(
        q["status"] == "exact" for q in anchored["quotes"]), "orphans": len(anchored["orphans"]),
        "ambiguous": len(anchored["ambiguous"]), "seconds": round(time.perf_counter() - t, 3)}
    sels = [Selector(q["exact"], q["prefix"], q["suffix"], q["start"], q["end"], q["rival"])
            for q in anchored["quotes"] if q["source"] == "sivitsky-2020"]
    rows = []
    rng = random.Random(2026)
    t = time.perf_counter()
    for rate in (0.01, 0.02, 0.03, 0.04, 0.05):
        total: dict[str, int] = {}
        for _ in range(args.trials):
            tally = robustness(cleaned.text, sels, rng, rate=rate, deletions=15, body_end=cleaned.body_end)
            for k, v in tally.items():
                total[k] = total.get(k, 0) + v
        total["rate"] = rate
        rows.append(total)
    out["reanchoring"] = {"selectors": len(sels), "trials_per_rate": args.trials, "sentences_deleted": 15,
                          "rows": rows, "seconds": round(time.perf_counter() - t, 1)}
    # PDF
    try:
        from _typeset import font_dir, typeset
    except ImportError:
        font_dir = None
    if font_dir is not None and font_dir() is not None:
        with tempfile.TemporaryDirectory() as d:
            paras = [p.text for p in cleaned.paragraphs if p.kind in ("body", "heading")]
            notes = {f.number: f.text for f in numbered}
            pdf = typeset(paras, notes, Path(d) / "article.pdf")
            pdf_times = []
            for _ in range(3):
                t = time.perf_counter()
                again = process(read_document(pdf), source_id="sivitsky-2020")
                pdf_times.append(time.perf_counter() - t)
            secs = statistics.median(pdf_times)
            import pypdfium2

            doc = pypdfium2.PdfDocument(str(pdf))
            pages = len(doc)
            doc.close()
        first = {f["number"]: f for f in fj}
        second = {f["number"]: f for f in again.footnotes_json()}
        out["pdf"] = {"pages": pages, "seconds": round(secs, 2), "footnotes": len(second),
                      "same_references": sum(second.get(n, {}).get("reference") == f["reference"]
                                             for n, f in first.items()),
                      "same_kinds": sum(second.get(n, {}).get("kind") == f["kind"] for n, f in first.items()),
                      "paragraphs_rejoined_at_page_breaks": sum(r["kind"] == "body"
                                                                for r in again.cleaned.report["rejoined"]),
                      "body_equal": [normalise(p) for p in again.cleaned.text[:again.cleaned.body_end].split(
                          "\n\n")] == [normalise(p) for p in paras]}
    if args.json:
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return
    r = out["references"]
    print(f"machine: {out['machine']}")
    print(f"article processed in {out['seconds_text']} s (median of 5)")
    print(f"footnotes: {out['footnotes']}")
    print(f"cleaning: {out['cleaning']}")
    for scope in ("references_only", "all_31_records"):
        for m in ("strict", "normalised"):
            s = r[scope][m]
            print(f"references {scope} {m}: P {s['precision']} R {s['recall']} F1 {s['f1']} "
                  f"(tp {s['tp']}, fp {s['fp']}, fn {s['fn']})")
    for miss in r["misses_normalised"]:
        print(f"  miss (normalised): n{miss['note']} {miss['field']}: gold {miss['gold']!r} got {miss['got']!r}")
    print(f"anchoring: {out['anchoring']}")
    for row in out["reanchoring"]["rows"]:
        right = row["right"] / row["surviving"] if row["surviving"] else 0
        print(f"  noise {row['rate']:.0%}: {row['right']}/{row['surviving']} surviving right ({right:.2%}), "
              f"{row['orphan']} orphan, {row['ambiguous']} ambiguous, {row['wrong']} wrong; deleted "
              f"{row['deleted']}: {row['deleted_confident']} confident anchors")
    print(f"re-anchoring took {out['reanchoring']['seconds']} s")
    if "pdf" in out:
        print(f"pdf: {out['pdf']}")


if __name__ == "__main__":
    main()
