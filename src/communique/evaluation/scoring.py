"""Field-by-field scores of a summary against a golden file (the rules of DESIGN.md §5).

- Strings are compared after normalisation: NFKC, casefold, unified quote marks, punctuation,
  ranks/honorifics and leading articles removed, whitespace collapsed.
- A name matches when its normalised form equals the gold name or an alias; failing that, when
  rapidfuzz similarity is at least 92 and the last tokens agree. Never by substring.
- Lists are paired one-to-one, best similarity first. TP = pairs, FP = unpaired predictions,
  FN = unpaired gold. Optional gold items are neither rewarded nor punished: a prediction that matches
  one is not a false positive, even when another prediction already paired with it.
- Domains: a predicted domain (a controlled-vocabulary ``label`` plus the article's ``wording``)
  matches a gold domain when its label is the gold label (99) or in the gold ``also`` list (90), or
  when its wording (as a name does, above: 100 when equal), or its label with "_" read as a space (at
  most 99), matches the gold label or a gold alias; the best of these counts, so a wording match pairs
  before a label match. So open-vocabulary gold labels (the dev set's
  "drug trafficking", aliases "narcotics trafficking", ...) are matched by the model's wording.
- Quotes match on normalised token F1 >= 0.8; attribution is judged among matched quotes;
  end-to-end needs both; grounding is the share of predicted quotes found verbatim in the article.
- Quote spans (reported, not gated): each gold quote is located in the article (the first exact
  occurrence, else the first after unifying whitespace and quote marks; a gold quote found neither
  way has no span, is left out and is listed). Predicted spans ``(start, end)`` are paired one-to-one
  with gold spans: *exact* when both offsets are equal, *overlap* when the two ranges share at least
  half of the shorter one. A prediction paired by text with a gold quote that has no span is left out
  too; a predicted quote with no span is a false positive.
- Speaker confusion: over matched non-optional quote pairs, the gold speaker (its first form) against
  the predicted speaker as written ("—" for none), counted, marked right or wrong.

Gold items are in one internal shape whatever file format they came from (see ``suite.py``):
``parties``/``chairs`` ``{name, aliases}``, ``domains`` ``{label, aliases?, wording?, also?}``,
``quotes`` ``{text, speakers: [canonical, *aliases]}``; any item may carry ``optional: true``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from ..reading.text import HONORIFICS, RANKS
from ..schema.v1 import Summary

FIELDS = ("parties", "chairs", "domains", "quotes", "quotes_e2e")
SPAN_FIGURES = ("exact", "overlap")
NO_SPEAKER = "\u2014"
NAME_THRESHOLD = 92.0
QUOTE_TOKEN_F1 = 0.8

_QUOTE_MARKS = str.maketrans({c: "'" for c in "\u2018\u2019\u201a\u201b`\u00b4"} | {c: '"' for c in "\u201c\u201d\u201e\u00ab\u00bb"})
_SPAN_MARKS = str.maketrans(
    {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032`\u00b4"} | {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"}
)
_RANKS_HONORIFICS = RANKS | HONORIFICS  # removed from the front of names; offices ('Minister') are kept
_ARTICLES = {"the", "a", "an"}


def normalise(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").translate(_QUOTE_MARKS).casefold()
    text = text.replace("'s ", " ").replace("'s", "")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def normalise_name(text: str | None) -> str:
    words = normalise(text).split()
    while len(words) > 1 and (words[0] in _RANKS_HONORIFICS or words[0] in _ARTICLES):
        words = words[1:]
    return " ".join(words)


def name_similarity(pred: str | None, golds: Sequence[str]) -> float:
    """100 for an exact normalised match with any gold form, the fuzzy score when it passes the
    threshold with the same last token, else 0."""
    p = normalise_name(pred)
    if not p:
        return 0.0
    best = 0.0
    for g in (normalise_name(x) for x in golds):
        if not g:
            continue
        if p == g:
            return 100.0
        if p.split()[-1] == g.split()[-1]:
            score = fuzz.ratio(p, g)
            if score >= NAME_THRESHOLD:
                best = max(best, score)
    return best


def token_f1(a: str, b: str) -> float:
    ta, tb = Counter(normalise(a).split()), Counter(normalise(b).split())
    common = sum((ta & tb).values())
    if not common:
        return 0.0
    p, r = common / sum(ta.values()), common / sum(tb.values())
    return 2 * p * r / (p + r)


def _span_form(text: str) -> tuple[str, list[int]]:
    """``text`` with quote marks unified and each whitespace run made one space, and for each of its
    characters the offset of the character it came from."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] == " ":
                continue
            ch = " "
        out.append(ch.translate(_SPAN_MARKS))
        index.append(i)
    return "".join(out), index


def gold_span(article: str, text: str) -> tuple[int, int] | None:
    """Where a gold quote is in the article: its first exact occurrence, else the first occurrence
    after unifying whitespace and quote marks (offsets into the article as given), else ``None``."""
    if not text:
        return None
    start = article.find(text)
    if start >= 0:
        return start, start + len(text)
    needle = _span_form(text.strip())[0]
    if not needle:
        return None
    hay, index = _span_form(article)
    at = hay.find(needle)
    if at < 0:
        return None
    return index[at], index[at + len(needle) - 1] + 1


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """How much two character ranges share, as a share of the longer one (for pairing best first);
    0 unless they share at least half of the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shared <= 0 or shared < shorter / 2:
        return 0.0
    return 100.0 * shared / max(a[1] - a[0], b[1] - b[0])


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: FieldScore) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
            "missed": self.missed, "extra": self.extra,
        }


def pair(preds: Sequence[Any], golds: Sequence[dict[str, Any]], similarity: Callable[[Any, dict[str, Any]], float]) -> list[tuple[int, int, float]]:
    """One-to-one pairs (pred index, gold index, similarity), best similarity first."""
    candidates = [
        (similarity(p, g), i, j) for i, p in enumerate(preds) for j, g in enumerate(golds)
    ]
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for score, i, j in sorted((c for c in candidates if c[0] > 0), key=lambda c: (-c[0], c[1], c[2])):
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j, score))
    return pairs


def score_list(
    preds: Sequence[Any], golds: Sequence[dict[str, Any]], similarity: Callable[[Any, dict[str, Any]], float],
    show_pred: Callable[[Any], str], show_gold: Callable[[dict[str, Any]], str],
) -> tuple[FieldScore, list[tuple[int, int, float]]]:
    pairs = pair(preds, golds, similarity)
    score = FieldScore()
    paired_p = {i for i, _, _ in pairs}
    paired_g = {j for _, j, _ in pairs}
    for _, j, _ in pairs:
        if not golds[j].get("optional"):
            score.tp += 1
    optional = [g for g in golds if g.get("optional")]
    for i, p in enumerate(preds):
        # A prediction that matches an optional item is no false positive, even when another prediction
        # already paired with that item (gold 'trade and investment', aliases 'trade' and 'investment').
        if i not in paired_p and not any(similarity(p, g) > 0 for g in optional):
            score.fp += 1
            score.extra.append(show_pred(p))
    for j, g in enumerate(golds):
        if j not in paired_g and not g.get("optional"):
            score.fn += 1
            score.missed.append(show_gold(g))
    return score, pairs


def _names(g: dict[str, Any]) -> list[str]:
    return [g["name"], *g.get("aliases", [])]


@dataclass
class CaseScore:
    case: str
    fields: dict[str, FieldScore]
    attribution_right: int = 0
    attribution_total: int = 0
    verbatim: int = 0
    predicted_quotes: int = 0
    invented_chairs: list[str] = field(default_factory=list)
    strict_quotes: int = 0
    spans: dict[str, FieldScore] = field(default_factory=lambda: {f: FieldScore() for f in SPAN_FIGURES})
    unlocated: list[str] = field(default_factory=list)
    speakers: list[SpeakerPair] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "fields": {k: v.as_dict() for k, v in self.fields.items()},
            "attribution": {"right": self.attribution_right, "of": self.attribution_total},
            "grounding": {"verbatim": self.verbatim, "of": self.predicted_quotes},
            "strict_quotes": self.strict_quotes,
            "invented_chairs": self.invented_chairs,
            "spans": {k: v.as_dict() for k, v in self.spans.items()} | {"unlocated": self.unlocated},
            "speaker_confusion": confusion_rows(self.speakers),
        }


@dataclass(frozen=True)
class SpeakerPair:
    """One matched non-optional quote: the gold speaker (canonical) and the predicted one as written."""

    gold: str
    predicted: str
    right: bool


def confusion_rows(pairs: Sequence[SpeakerPair]) -> list[dict[str, Any]]:
    """Counted (gold, predicted, right) rows, most frequent first."""
    counts = Counter((p.gold, p.predicted, p.right) for p in pairs)
    return [
        {"gold": g, "predicted": pred, "right": right, "count": n}
        for (g, pred, right), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0], kv[0][1], kv[0][2]))
    ]


def score_spans(
    article: str, golds: Sequence[dict[str, Any]], quotes: Sequence[Any], text_pairs: Sequence[tuple[int, int, float]]
) -> tuple[dict[str, FieldScore], list[str]]:
    """Exact-span and overlap-span scores of the predicted quotes, and the gold quotes with no span."""
    located: list[dict[str, Any]] = []
    unlocated_gold: set[int] = set()
    unlocated: list[str] = []
    for j, g in enumerate(golds):
        found = gold_span(article, g["text"])
        if found is None:
            unlocated_gold.add(j)
            unlocated.append(g["text"][:60] + (" (optional)" if g.get("optional") else ""))
        else:
            located.append({"span": found, "text": g["text"], "optional": g.get("optional", False)})
    left_out = {i for i, j, _ in text_pairs if j in unlocated_gold}
    preds = [q for i, q in enumerate(quotes) if i not in left_out]

    def where(q: Any) -> tuple[int, int] | None:
        return (q.span.start, q.span.end) if q.span is not None else None

    def exact(q: Any, g: dict[str, Any]) -> float:
        return 100.0 if where(q) == g["span"] else 0.0

    def overlap(q: Any, g: dict[str, Any]) -> float:
        w = where(q)
        return span_overlap(w, g["span"]) if w is not None else 0.0

    def show_pred(q: Any) -> str:
        w = where(q)
        return f"{q.text[:40]}… at {w[0]}-{w[1]}" if w else f"{q.text[:40]}… (no span)"

    def show_gold(g: dict[str, Any]) -> str:
        return f"{g['text'][:40]}… at {g['span'][0]}-{g['span'][1]}"

    scores = {
        "exact": score_list(preds, located, exact, show_pred, show_gold)[0],
        "overlap": score_list(preds, located, overlap, show_pred, show_gold)[0],
    }
    return scores, unlocated


def score_case(case: str, article: str, gold: dict[str, Any], summary: Summary | None) -> CaseScore:
    """``summary`` None: the case failed and found nothing, so every gold item is missed."""
    if summary is None:
        summary = Summary.model_construct()  # empty lists; the provenance is never read here
    fields: dict[str, FieldScore] = {}

    fields["parties"], _ = score_list(
        summary.parties, gold.get("parties", []), lambda p, g: name_similarity(p.name, _names(g)),
        lambda p: p.name, lambda g: g["name"],
    )
    fields["chairs"], _ = score_list(
        summary.chairs, gold.get("chairs", []), lambda c, g: name_similarity(c.name, _names(g)),
        lambda c: c.name, lambda g: g["name"],
    )

    def domain_similarity(d: Any, g: dict[str, Any]) -> float:
        label = d.label.value
        by_label = 99.0 if label == g["label"] else 90.0 if label in g.get("also", []) else 0.0
        forms = [g["label"], *g.get("aliases", [])]
        by_label = max(by_label, 0.99 * name_similarity(label.replace("_", " "), forms))
        # The article's own wording is the stronger evidence: with equal names, a wording match pairs
        # first, so 'agricultural science and technology' (label agriculture) is not taken by the gold
        # 'agriculture' that another prediction's wording matches.
        return max(by_label, name_similarity(d.wording, forms))

    fields["domains"], _ = score_list(
        summary.domains, gold.get("domains", []), domain_similarity,
        lambda d: d.label.value if normalise(d.wording) == normalise(d.label.value) else f"{d.label.value} ({d.wording})",
        lambda g: g["label"],
    )

    def quote_similarity(q: Any, g: dict[str, Any]) -> float:
        f1 = token_f1(q.text, g["text"])
        return f1 * 100 if f1 >= QUOTE_TOKEN_F1 else 0.0

    golds_q = gold.get("quotes", [])
    quotes, pairs = score_list(
        summary.quotes, golds_q, quote_similarity, lambda q: q.text[:60], lambda g: g["text"][:60]
    )
    fields["quotes"] = quotes
    e2e = FieldScore()
    right_pred: set[int] = set()
    right_gold: set[int] = set()
    optional_pred: set[int] = set()
    attribution_right = attribution_total = strict = 0
    speakers: list[SpeakerPair] = []
    for i, j, _ in pairs:
        g, q = golds_q[j], summary.quotes[i]
        if g.get("optional"):
            optional_pred.add(i)
            continue
        right = name_similarity(q.speaker, g["speakers"]) > 0
        speakers.append(SpeakerPair(g["speakers"][0], (q.speaker or "").strip() or NO_SPEAKER, right))
        attribution_total += 1
        strict += normalise(q.text) == normalise(g["text"])
        if right:
            attribution_right += 1
            right_pred.add(i)
            right_gold.add(j)
        else:
            e2e.extra.append(f"{q.text[:40]}… said by {q.speaker!r}, gold {g['speakers'][0]!r}")
    e2e.tp = len(right_gold)
    e2e.fp = len(summary.quotes) - len(right_pred) - len(optional_pred)
    for j, g in enumerate(golds_q):
        if not g.get("optional") and j not in right_gold:
            e2e.fn += 1
            e2e.missed.append(f"{g['text'][:40]}… by {g['speakers'][0]!r}")
    fields["quotes_e2e"] = e2e
    spans, unlocated = score_spans(article, golds_q, summary.quotes, pairs)

    verbatim = sum(1 for q in summary.quotes if q.text and q.text in article)
    gold_chair_names = [n for g in gold.get("chairs", []) for n in _names(g)]
    invented = [
        c.name for c in summary.chairs
        if not gold.get("chairs") or (normalise(c.name) not in normalise(article) and name_similarity(c.name, gold_chair_names) == 0)
    ]
    return CaseScore(
        case=case, fields=fields, attribution_right=attribution_right, attribution_total=attribution_total,
        verbatim=verbatim, predicted_quotes=len(summary.quotes), invented_chairs=invented, strict_quotes=strict,
        spans=spans, unlocated=unlocated, speakers=speakers,
    )


@dataclass
class SuiteScore:
    cases: list[CaseScore]

    def _summed(self, names: Sequence[str], of: Callable[[CaseScore], dict[str, FieldScore]]) -> dict[str, FieldScore]:
        total = {n: FieldScore() for n in names}
        for case in self.cases:
            for name, score in of(case).items():
                total[name].add(score)
        return total

    def micro(self) -> dict[str, FieldScore]:
        return self._summed(FIELDS, lambda c: c.fields)

    def span_micro(self) -> dict[str, FieldScore]:
        return self._summed(SPAN_FIGURES, lambda c: c.spans)

    def totals(self) -> dict[str, Any]:
        micro = self.micro()
        spans = self.span_micro()
        right = sum(c.attribution_right for c in self.cases)
        of = sum(c.attribution_total for c in self.cases)
        verbatim = sum(c.verbatim for c in self.cases)
        predicted = sum(c.predicted_quotes for c in self.cases)
        return {
            "fields": {k: v.as_dict() | {"missed": [], "extra": []} for k, v in micro.items()},
            "attribution_accuracy": round(right / of, 4) if of else 1.0,
            "grounding": round(verbatim / predicted, 4) if predicted else 1.0,
            "invented_chairs": sum(len(c.invented_chairs) for c in self.cases),
            "spans": {k: v.as_dict() | {"missed": [], "extra": []} for k, v in spans.items()}
            | {"unlocated": sum(len(c.unlocated) for c in self.cases)},
            "speaker_confusion": confusion_rows([p for c in self.cases for p in c.speakers]),
        }

    def as_dict(self) -> dict[str, Any]:
        return {"totals": self.totals(), "cases": [c.as_dict() for c in self.cases]}
