"""Score the extractor against annotated corpus files (shared/corpus format).

Matching, faithful to the corpus README:

* Strings are compared after NFC, folding curly/straight quote marks, collapsing
  whitespace (a multi-paragraph quotation's ``\\n`` counts as a space), and
  ignoring case. A leading "the" is ignored for titles and institutions
  (the corpus writes institutions without it; articles often add it).
* quotes: one-to-one matching of quotation texts; a trailing comma is ignored
  (the README drops the comma before an attribution).
* attribution: a matched quotation whose speaker is also right. Precision is over
  all predicted quotations, recall over all gold ones, so a missed quotation
  counts against attribution too.
* title, speaker_institution: over matched quotations with a non-null value on
  that side; right when equal after normalisation. A predicted value where gold
  has null is a false alarm; a null where gold has one is a miss.
* institutions: per article, the set of listed names.
* agreement: per article, whether an agreement is reported (detection).
* parties, signatories: agreements are paired (gold ``agreement`` +
  ``other_agreements`` against predicted ones) by party overlap; then sets
  compared per pair; unpaired agreements count all their items as misses or
  false alarms.
* date_phrase: per paired agreement with a phrase on either side; right when
  equal after normalisation.
"""

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import analyse
from .text import normalise

METRICS = (
    "quotes",
    "attribution",
    "title",
    "speaker_institution",
    "institutions",
    "agreement",
    "parties",
    "signatories",
    "date_phrase",
)


def norm(value, *, drop_the=False):
    if value is None:
        return None
    value = normalise(str(value)).lower()
    if drop_the:
        value = re.sub(r"^the\s+", "", value)
    return value


def _quote_key(value):
    return re.sub(r"[\s,]+$", "", norm(value) or "")


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self):
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self):
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self):
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self):
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    counts: dict = field(default_factory=lambda: {m: Count() for m in METRICS})
    misses: list = field(default_factory=list)  # (article id, metric, "miss"/"false alarm", detail)
    articles: int = 0
    seconds: float = 0.0

    @property
    def ms_per_article(self):
        return 1000 * self.seconds / self.articles if self.articles else 0.0

    def to_dict(self):
        out = {m: self.counts[m].to_dict() for m in METRICS}
        out["ms_per_article"] = round(self.ms_per_article, 2)
        out["articles"] = self.articles
        return out

    def note(self, article, metric, what, detail):
        self.misses.append((article, metric, what, detail))


def load_corpus(paths):
    """Corpus records from files and folders of ``*.json``, in path order."""
    records = []
    for raw in paths:
        path = Path(raw)
        files = sorted(path.glob("*.json")) if path.is_dir() else [path]
        for file in files:
            record = json.loads(file.read_text(encoding="utf-8"))
            record.setdefault("id", file.stem)
            records.append(record)
    return records


def evaluate(records):
    report = Report()
    for record in records:
        start = time.perf_counter()
        result = analyse(
            record["text"], title=record.get("title"), published=record.get("published")
        )
        report.seconds += time.perf_counter() - start
        report.articles += 1
        score_article(report, record, result)
    return report


def score_article(report, record, result):
    aid = record.get("id", "?")
    c = report.counts
    gold_quotes = list(record.get("quotes", []))
    pred_quotes = list(result.quotes)
    # One-to-one quote matching.
    unmatched_pred = {i: q for i, q in enumerate(pred_quotes)}
    pairs = []
    for g in gold_quotes:
        key = _quote_key(g["text"])
        hit = next((i for i, q in unmatched_pred.items() if _quote_key(q.text) == key), None)
        if hit is None:
            c["quotes"].fn += 1
            c["attribution"].fn += 1
            report.note(aid, "quotes", "miss", f"{g['text'][:90]!r} ({g['speaker']})")
            if g.get("title"):
                c["title"].fn += 1
            if g.get("institution"):
                c["speaker_institution"].fn += 1
            continue
        pairs.append((g, unmatched_pred.pop(hit)))
    for q in unmatched_pred.values():
        c["quotes"].fp += 1
        c["attribution"].fp += 1
        report.note(aid, "quotes", "false alarm", f"{q.text[:90]!r} ({q.speaker})")
        if q.title:
            c["title"].fp += 1
        if q.institution:
            c["speaker_institution"].fp += 1
    for g, q in pairs:
        c["quotes"].tp += 1
        if norm(g["speaker"]) == norm(q.speaker):
            c["attribution"].tp += 1
        else:
            c["attribution"].fp += 1
            c["attribution"].fn += 1
            report.note(
                aid,
                "attribution",
                "wrong",
                f"{g['text'][:50]!r}: gold {g['speaker']!r}, got {q.speaker!r}",
            )
        for metric, gold_value, pred_value in (
            ("title", g.get("title"), q.title),
            ("speaker_institution", g.get("institution"), q.institution),
        ):
            _score_value(report, aid, metric, gold_value, pred_value, g["text"])

    # Institutions.
    _score_sets(
        report,
        aid,
        "institutions",
        record.get("institutions", []),
        result.institutions,
        drop_the=True,
    )

    # Agreements.
    gold_agreements = [
        a for a in [record.get("agreement"), *record.get("other_agreements", [])] if a
    ]
    pred_agreements = [a for a in [result.agreement, *result.other_agreements] if a]
    if gold_agreements and pred_agreements:
        c["agreement"].tp += 1
    elif gold_agreements:
        c["agreement"].fn += 1
        report.note(aid, "agreement", "miss", gold_agreements[0]["kind"])
    elif pred_agreements:
        c["agreement"].fp += 1
        report.note(aid, "agreement", "false alarm", pred_agreements[0].kind)
    remaining = list(pred_agreements)
    for g in gold_agreements:
        gparties = {norm(p, drop_the=True) for p in g["parties"]}
        best = max(
            remaining,
            key=lambda a: len(gparties & {norm(p, drop_the=True) for p in a.parties}),
            default=None,
        )
        if best is not None:
            remaining.remove(best)
        _score_sets(
            report, aid, "parties", g["parties"], best.parties if best else [], drop_the=True
        )
        _score_sets(report, aid, "signatories", g["signatories"], best.signatories if best else [])
        _score_value(
            report,
            aid,
            "date_phrase",
            g.get("date_phrase"),
            best.date_phrase if best else None,
            g["kind"],
        )
    for a in remaining:
        _score_sets(report, aid, "parties", [], a.parties, drop_the=True)
        _score_sets(report, aid, "signatories", [], a.signatories)
        _score_value(report, aid, "date_phrase", None, a.date_phrase, a.kind)


def _score_value(report, aid, metric, gold, pred, context):
    count = report.counts[metric]
    g = norm(gold, drop_the=True)
    p = norm(pred, drop_the=True)
    if g and p and g == p:
        count.tp += 1
        return
    if g:
        count.fn += 1
    if p:
        count.fp += 1
    if g or p:
        report.note(aid, metric, "wrong", f"{context[:40]!r}: gold {gold!r}, got {pred!r}")


def _score_sets(report, aid, metric, gold, pred, *, drop_the=False):
    count = report.counts[metric]
    g = {norm(x, drop_the=drop_the): x for x in gold}
    p = {norm(x, drop_the=drop_the): x for x in pred}
    for key, value in g.items():
        if key in p:
            count.tp += 1
        else:
            count.fn += 1
            report.note(aid, metric, "miss", value)
    for key, value in p.items():
        if key not in g:
            count.fp += 1
            report.note(aid, metric, "false alarm", value)


def format_table(report):
    lines = [f"{'metric':<20} {'precision':>9} {'recall':>7} {'f1':>6}   tp  fp  fn"]
    for m in METRICS:
        k = report.counts[m]
        lines.append(
            f"{m:<20} {k.precision:>9.3f} {k.recall:>7.3f} {k.f1:>6.3f} {k.tp:>4} {k.fp:>3} {k.fn:>3}"
        )
    lines.append(f"{report.articles} article(s), {report.ms_per_article:.1f} ms per article")
    return "\n".join(lines)
