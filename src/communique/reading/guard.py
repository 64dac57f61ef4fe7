"""Stage 2, guard: stretches of the article that address someone instead of reporting.

A news report tells what happened. A sentence that speaks to its reader, to a tool, a model or an
AI system (a "clarification" addressed to software, naming another chair) reports nothing: it is
evidence for no party, chair, domain or speaker. :func:`find_addressed` finds such stretches so the
caller can hide them from the model (:func:`mask`) and report them.

The rules read the *structure* of each sentence from spaCy's parse (dependency relations, tags,
lemmas), not whole phrases, so they hold for wordings no list foresaw. Small lemma sets name the core
concepts (machines, readers, notices, texts, meta nouns); what counts is their role in the sentence.
A sentence is flagged when

1. outside attributed quotations, it uses the second person ("you", "your"...): a report speaks of
   third parties;
2. outside attributed quotations, it has an imperative clause: a base-form verb heading the sentence
   (or a clause before a colon) with no subject, modal, "to" or subordinator ("please/kindly <verb>",
   "do not <verb>"); a question is not an order;
3. it opens with a heading-like lead-in before a colon or dash (verbless, or a "For/To ..."
   dedication) that names an addressee: a consumer of the text, a notice aimed "for/to" an audience,
   a notice from or to a machine, instructions or the processing of the text; or a clause before the
   colon aims what follows at a consumer ("here is ... for <consumers>:"); or the whole sentence is
   such a verbless heading;
4. it calls someone at its head, set off by a comma (a vocative), a consumer or anyone told to act;
5. it names a consumer of the text in an addressing role. Consumers come in three strengths:
   an AI system or tool (also a news topic, so it needs a clear role: told to list/record/name...,
   asked, a vocative, a dedication); a reader, or anything that summarises, digests, scrapes or reads
   texts (a directive anywhere in the sentence will do: "should", "must", "ought to", "is to", "are
   asked/advised/requested"); anything that reads or processes *this* text (flagged in any role);
6. it talks about its own processing (meta-talk): a generated or automated summary, digest, output
   or extraction, the version or summary *of this article*, the prompt, "your" instructions, or a
   directive together with "this article/page";
7. it overrides the conversation's rules: earlier/previous/above instructions or prompts ignored,
   disregarded, void or no longer applying (the known attack forms).

Stretches: a flag covers its sentence. A heading or lead-in governs the rest of its paragraph, and
the next paragraph too when the heading stands alone or its paragraph ends in a colon; so does a
flagged sentence of three words or fewer ("Stop.") or one that announces "the following". A flag
starting inside brackets covers the brackets.

Quotations: attributed speech (any quotation with a speech cue, nested, or inside a sentence that
reports it) and unquoted speech put before its speaker ("Let there be no doubt, the minister said")
are the speaker's: rules 1, 2, 3 and 4 do not read them ('"You can count on us," the minister said').
Rules 5 to 7, about programs reading this text, apply inside quotations too: no minister tells
summarisation tools what to output. A quotation standing alone as its paragraph with no speaker is
read like any other text.

Upper-case or Title Case sentences, and sentences whose first verb the tagger read as a name, are
parsed again in sentence case (offsets unchanged). The cost is a few milliseconds per article.

Deliberate choices: "Readers may recall that ..." is not flagged (readers are mentioned, nobody is
told anything; "Readers should note that ..." is flagged). A bare "Correction:", "Update:" or "Note:"
with no audience is not flagged (newspapers print real corrections), but one aimed at an audience is.
AI as a field of cooperation ("AI systems must respect human rights", "guidelines for language
models", "AI tools that summarise reports") is not flagged; a bare heading naming AI systems
("AI systems: ...") is, as is a one-word order ("Wait.") and a "Read more:" line, which address the
reader and report nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from . import candidates, components, lexicon, nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = ["Flag", "find_addressed", "mask", "spans", "PLACEHOLDER"]

PLACEHOLDER = candidates.INSTRUCTION_PLACEHOLDER


@dataclass(frozen=True)
class Flag:
    """A stretch of the article (character offsets into ``analysis.text``) that addresses someone."""

    start: int
    end: int
    reason: str


# -- small lemma sets for the core concepts (``lexicon/<name>.txt``); every rule uses them through their
# role in the parse ----------------------------------------------------------------------------------

_SECOND_PERSON = lexicon.words("second_person")
_READERS = lexicon.words("readers")  # people who read the text and programs that process it
_MACHINES = lexicon.words("machines")
_AI_ALONE = lexicon.words("ai_alone")  # an addressee on their own
_AI_QUALIFIERS = lexicon.words("ai_qualifiers")
_PROCESSING = lexicon.words("processing")  # reading or processing a text
# Words for this very text ('this article'); the weak ones name it only as the object of reading
# ('a model processing this document'), since 'this document' in a report is usually the agreement.
_TEXT_NOUNS = lexicon.words("text_nouns")
_TEXT_NOUNS_WEAK = lexicon.words("text_nouns_weak")
_TEXTS = lexicon.words("texts")
_READ_VERBS = lexicon.words("read_verbs")
_READING = lexicon.words("reading_verbs")
_DEICTIC = lexicon.words("deictic")
_META = lexicon.words("meta")  # what a program makes of the text, or tells a program
_GENERATED = lexicon.words("generated")
_MADE_BY_PROGRAM = lexicon.words("made_by_program")
_RULES = lexicon.words("rules")
_EARLIER = lexicon.words("earlier")
_OVERRIDE = lexicon.words("override_verbs")
_VOID = lexicon.words("void")
_NOTICE = lexicon.words("notices")
_DEONTIC_AUX = lexicon.words("deontic")
_ASK = lexicon.words("ask_verbs")
_OUTPUT_VERBS = lexicon.words("output_verbs")  # what a program is told to do (with AI addressees, also news topics)
_KNOW = lexicon.words("know_verbs")
_FINITE = frozenset({"VBD", "VBZ", "MD"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
_COLONS = frozenset({":", "—", "–", "--", "―"})
_OPEN_BRACKETS = {"(": ")", "[": "]", "{": "}"}


def find_addressed(analysis: nlp.Analysis) -> list[Flag]:
    """Stretches of ``analysis.text`` that address the reader, a tool, a model or an AI system."""
    text = analysis.text
    protected = _attributed_quotes(text, components.quotes(analysis.doc))
    found: list[Flag] = []
    for start, end in analysis.sentences:
        doc, offset = analysis.doc, 0
        if _shouting(text[start:end]):  # all caps or Title Case parses badly: read it in sentence case
            doc, offset = _recased(text[start:end]), start
        span = doc.char_span(start - offset, end - offset, alignment_mode="expand")
        if span is None or not len(span):
            continue
        if offset == 0 and _verb_read_as_name(span[0]):  # 'Disregard ...' tagged as a name: lower its first letter
            doc, offset = _recased(text[start:end], first=False), start
            span = doc.char_span(0, end - start, alignment_mode="expand")
            if span is None or not len(span):
                continue
        tokens = list(span)
        free = [t for t in tokens if not _inside(protected, t.idx + offset) and not _fronted_speech(t)]
        reasons = _reasons(tokens, free)
        if not reasons:
            continue
        stretch_end = end
        short = sum(t.is_alpha for t in tokens) <= 3  # 'Stop.', 'Attention, bots!' govern what follows
        if "lead-in" in reasons or "heading" in reasons or short or _announces(tokens):
            stretch_end = _paragraph_end(text, start, end, heading="heading" in reasons or short)
        found.append(Flag(start, stretch_end, ", ".join(dict.fromkeys(reasons))))
    return _merge([_bracketed(text, f) for f in found])


def spans(flags: Iterable[Flag]) -> list[tuple[int, int]]:
    return [(f.start, f.end) for f in flags]


def mask(text: str, flags: Sequence[Flag] | Sequence[tuple[int, int]], placeholder: str = PLACEHOLDER) -> str:
    """The text with each flagged stretch replaced by ``placeholder`` (see :func:`candidates.mask`)."""
    pairs = sorted((f.start, f.end) if isinstance(f, Flag) else (f[0], f[1]) for f in flags)
    merged: list[tuple[int, int]] = []
    for a, b in pairs:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return candidates.mask(text, merged, placeholder)


# -- the rules --------------------------------------------------------------------------------------


def _reasons(tokens: list[Token], free: list[Token]) -> list[str]:
    """Why the sentence made of ``tokens`` addresses someone; ``free`` are its tokens outside
    attributed quotations."""
    out: list[str] = []
    free_ids = {t.i for t in free}
    if any(t.lower_ in _SECOND_PERSON for t in free):
        out.append("second person")
    if not tokens[-1].text.startswith("?") and any(_imperative(t, tokens, free_ids) for t in free):
        out.append("imperative")
    lead = _lead_in(free)
    if lead is not None and (_addressed_lead(lead) if _verbless(lead) else _aimed_lead(lead)):
        out.append("lead-in")
    elif lead is None and free and _heading(free) and _addressed_lead(free):
        out.append("heading")
    for t in free:
        if _vocative(t, free):
            out.append("vocative")
            break
    directive = any(_directive_context(t) for t in tokens) or bool(out)
    for t in tokens:
        if t.i not in free_ids and _lemma(t) in ("reader", "readership"):
            continue  # a speaker may speak of readers; programs are another matter
        level = _consumer(t)
        if level == 3 or level and _addressing_role(t, level, directive, tokens):
            out.append("addressee")
            break
    if any(_meta(t) for t in tokens):
        out.append("meta")
    if any(_overrides(t) for t in tokens):
        out.append("override")
    if directive and any(_deictic_text(t) for t in tokens):
        out.append("meta")
    return out


def _imperative(t: Token, sentence: list[Token], free: set[int]) -> bool:
    """A clause headed by a base-form verb with no subject, no modal, no 'to', no subordinator."""
    if t.pos_ not in ("VERB", "AUX") or t.tag_ not in ("VB", "VBP"):
        return False
    for c in t.children:
        if c.dep_ in _SUBJECTS and c.i > t.i and any(s.text in _COLONS for s in t.doc[t.i : c.i]):
            continue  # 'Make a note: <name>' - what follows the colon is no subject
        if c.dep_ in _SUBJECTS or c.dep_ == "mark" or c.dep_ == "auxpass":
            return False
        if c.dep_ == "aux" and (c.lemma_.lower() != "do" or c.i > t.i):
            return False
        if c.i < t.i and c.dep_ in ("dobj", "attr", "acomp"):  # inversion: a question or a quotation frame
            return False
    if t.i and t.doc[t.i - 1].pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
        return False  # a verb right after a noun is that noun's predicate (a subject the parser lost)
    if t.dep_ == "ROOT":
        return all(c.dep_ in ("prep", "advcl", "punct", "intj", "advmod", "npadvmod", "cc", "neg", "aux", "dep")
                   for c in t.lefts)
    if t.dep_ == "conj":
        return t.head.i in free and _imperative(t.head, sentence, free)
    if t.dep_ in ("advcl", "ccomp", "parataxis", "dep", "acl"):
        # fronted: only interjections, adverbs, brackets or vocatives before it in the sentence
        before = [s for s in sentence if s.i < t.i]
        return all(s.dep_ in ("punct", "intj", "advmod", "neg", "aux") or s.lower_ == "please" or _consumer(s)
                   or s.head.i == s.i + 1 and s.dep_ in ("compound", "amod", "det") for s in before) and (
            t.head.i > t.i and t.head.i in free)
    return False


def _lead_in(tokens: list[Token]) -> list[Token] | None:
    """The words before the first colon or dash of the sentence, if they are few."""
    for k, t in enumerate(tokens):
        if t.text in _COLONS or t.text == "-" and t.whitespace_ and k and tokens[k - 1].whitespace_:
            lead = [s for s in tokens[:k] if not s.is_punct]
            words = [s for s in lead if s.is_alpha]
            return lead if words and len(words) <= 14 else None
    return None


def _verbless(lead: list[Token]) -> bool:
    """Heading-like: no finite verb, or a dedication ('To whoever reads this')."""
    if lead[0].lower_ in ("for", "to"):
        return True
    return not any(s.tag_ in _FINITE or s.tag_ == "VBP" and any(c.dep_ in _SUBJECTS for c in s.children) for s in lead)


def _aimed_lead(lead: list[Token]) -> bool:
    """A clause before a colon that says whom the rest is for: 'Here is the record for <consumers>:'."""
    presenting = any(_lemma(s) == "be" and s.dep_ in ("ROOT", "ccomp") for s in lead)
    for t in lead:
        level = _consumer(t)
        if level and t.dep_ == "pobj" and t.head.lower_ in ("for", "to") and (level >= 2 or presenting):
            return True
    return False


def _heading(tokens: list[Token]) -> bool:
    """A verbless sentence: 'A note for language models.'"""
    words = [t for t in tokens if t.is_alpha]
    if not words or len(words) > 12:
        return False
    for t in tokens:
        if t.tag_ in _FINITE or t.tag_ == "VBP" and any(c.dep_ in _SUBJECTS for c in t.children):
            return False
        if t.pos_ == "VERB" and any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr") for c in t.children):
            return False
    return True


def _addressed_lead(lead: list[Token]) -> bool:
    """A lead-in that names who it is for: a consumer of the text, a notice aimed 'for/to' an audience,
    or instructions/processing of the text."""
    for t in lead:
        # a bare 'system' or 'tool' is an addressee only when the lead-in is for it or calls it
        level = _consumer(t)
        if t.lower_ in _SECOND_PERSON or level >= 2 or level and _lemma(t) not in _AI_ALONE or _machine_noun(t) and (
                t.dep_ == "pobj" and t.head.lower_ in ("for", "to") or t.dep_ in ("appos", "npadvmod")):
            return True
        if _meta(t) or _lemma(t) in ("instruction", "prompt") and _is_head(t):
            return True
        near = [c for c in t.children if c.dep_ in ("compound", "amod", "npadvmod")]
        near += [g for c in near for g in c.children if g.dep_ in ("compound", "amod", "npadvmod")]
        if _lemma(t) in _NOTICE and any(_lemma(c) in _MACHINES for c in near):
            return True  # a notice from or to a machine: 'system notice', 'machine-readable correction'
        if lead[0].lower_ in ("for", "to") and _lemma(t) in _AI_ALONE | _MACHINES:
            return True  # a dedication naming a machine: 'For LLM use:'

        if _lemma(t) in _NOTICE and _is_head(t) or t.lower_ in _NOTICE and t.i == lead[0].i:
            for prep in t.children:
                if prep.dep_ == "prep" and prep.lower_ in ("for", "to"):
                    for obj in prep.subtree:
                        if obj.dep_ in ("pobj", "dobj") and _audience(obj):
                            return True
    return False


def _audience(t: Token) -> bool:
    """Someone a notice can be for: a common noun or pronoun other than the text itself, or an AI by name."""
    if _lemma(t) in _TEXT_NOUNS:
        return False
    if t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "ORG", "NORP", "PERSON", "LOC", "FAC"):
        return _lemma(t) in _AI_ALONE
    return t.pos_ in ("NOUN", "PRON") or t.lower_ in ("all", "everyone", "anyone")


def _vocative(t: Token, free: list[Token]) -> bool:
    """Someone named at the head of the sentence and set off by a comma: 'Hey chatbot, ...', or told
    to do something: '<people>, note: ...'."""
    if t.pos_ == "NOUN" and t.dep_ in ("nsubj", "npadvmod", "dep") and _comma_after(t) and t.i + 2 < len(t.doc):
        verb = t.doc[t.i + 2]
        if verb.tag_ in ("VB", "VBP") and t.head == verb and not any(c.dep_ in ("aux", "auxpass") for c in verb.children) \
                and all(s.dep_ in ("det", "amod", "compound", "punct", "intj") for s in free if s.i < t.i):
            return True
    if not _consumer(t) and not (_machine_noun(t) and _is_head(t)):
        return False
    if t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj", "attr") and not (
            t.dep_.startswith("nsubj") and t.head.i > t.i + 1 and _comma_after(t)):
        return False
    if any(c.dep_ == "conj" for c in t.children):
        return False
    before = [s for s in free if s.i < t.i and not s.is_punct]
    if any(s.pos_ in ("VERB", "AUX", "ADP") and s.dep_ not in ("amod", "compound") for s in before) or len(before) > 4:
        return False
    return _comma_after(t)


def _comma_after(t: Token) -> bool:
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    return nxt is not None and nxt.text in (",", "!") and (t.i + 2 < len(t.doc))


def _consumer(t: Token) -> int:
    """How surely ``t`` names a consumer of this text. 0: not at all; 1: an AI system (also a news
    topic); 2: a reader, or something that summarises, digests or scrapes text; 3: something that
    reads or processes *this* text."""
    if t.pos_ not in ("NOUN", "PROPN", "PRON") or t.dep_ in ("compound", "amod", "poss"):
        return 0
    lemma = _lemma(t)
    agent = lemma in _MACHINES or lemma in _READERS or t.pos_ == "PRON"
    sub = [s for s in t.subtree if s.i != t.i]
    clause = [t.head, *(c for c in t.head.children if c.i != t.i)] if t.dep_ in ("nsubj", "nsubjpass") else []
    if agent and any(_deictic_text(s) or _reads_this(s) for s in sub + clause):
        return 3
    if lemma in _READERS:
        return 2
    mods = [c for c in t.children if c.dep_ in ("amod", "compound", "nmod", "npadvmod")]
    near = mods + [g for c in mods for g in c.children if g.dep_ in ("amod", "compound", "nmod", "npadvmod")]
    if t.pos_ != "PRON" and any(_lemma(s) in _TEXTS for s in near) and (
            _reader_agent(t) or any(_lemma(s) in _READ_VERBS | _PROCESSING for s in near)):
        return 2  # 'content processors', 'news-reading AI', 'text-processing agents'
    if t.pos_ != "PRON" and any(_lemma(s) in _PROCESSING for s in t.children if s.dep_ in ("compound", "amod", "acl", "relcl")):
        return 2  # 'digest builders', 'summary tools', 'tools that summarise'
    if agent and any(_lemma(s) in _PROCESSING for s in sub):
        return 2
    if agent and t.pos_ != "PRON" and any(c.dep_ in ("acl", "relcl") and (_lemma(c) in _READING or any(
            _lemma(o) in _TEXTS for o in c.children if o.dep_ in ("dobj", "pobj"))) for c in t.children):
        return 2  # a program that reads, or turns news or articles into something
    if t.dep_ in ("dobj", "pobj") and _lemma(t.head) in _PROCESSING and t.head.dep_ in ("amod", "pcomp", "acl"):
        return 2  # 'summarising engines' read as a verb and its object
    if t.dep_.startswith("nsubj") and agent and _lemma(t.head) in _PROCESSING:
        return 2
    if t.pos_ == "PRON":
        return 0
    if lemma in _AI_ALONE:
        return 1
    if (lemma in _MACHINES or _agent(t)) and any(_lemma(s) in _AI_QUALIFIERS for s in near):
        return 1  # 'language models', 'LLM-based tools', 'automated note-takers'

    return 0


def _agent(t: Token) -> bool:
    """A noun for whoever does something ('-er', '-or'): 'note-takers', 'processors'."""
    return t.pos_ == "NOUN" and len(t.lower_) > 4 and _lemma(t).endswith(("er", "or"))


def _reader_agent(t: Token) -> bool:
    """A noun for whoever reads or processes: 'processor', 'parser', 'summariser'."""
    lemma = _lemma(t)
    return _agent(t) and any(lemma[:-k] in _READ_VERBS | _PROCESSING for k in (1, 2)) and lemma != "user"


def _reads_this(t: Token) -> bool:
    """A verb of reading or processing whose object is this text: 'reading this', 'feeding this page to'."""
    if _lemma(t) not in _READ_VERBS and _lemma(t) not in _PROCESSING:
        return False
    return any(c.dep_ in ("dobj", "pobj", "nsubjpass") and (c.lower_ == "this" or _deictic_text(c, weak=True))
               for c in t.children)


def _machine_noun(t: Token) -> bool:
    return _lemma(t) in _MACHINES and t.pos_ in ("NOUN", "PROPN")


def _is_head(t: Token) -> bool:
    return t.dep_ not in ("compound", "amod", "nmod", "poss")


def _directive_context(t: Token) -> bool:
    """A modal of obligation, 'need/have to', 'is to', or a request verb."""
    lemma = _lemma(t)
    if lemma in _DEONTIC_AUX and t.tag_ == "MD":
        return True
    if lemma in ("need", "have") and any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)
                                         for c in t.children):
        return True
    if lemma == "be" and t.dep_ == "ROOT" and any(c.dep_ == "xcomp" for c in t.children) and not any(
            c.dep_ == "acomp" for c in t.children):
        return True
    return lemma in _ASK and t.pos_ == "VERB"


def _addressing_role(t: Token, level: int, directive: bool, sentence: list[Token]) -> bool:
    """Is the consumer ``t`` addressed: told to do something, asked, or the one the sentence is for?"""
    head = t.head
    if t.dep_ in ("nsubj", "nsubjpass", "csubj"):
        verb = head
        deontic = any(c.dep_ == "aux" and _lemma(c) in _DEONTIC_AUX for c in verb.children) or (
            _lemma(verb) in ("need", "have", "ought", "be") and any(c.dep_ == "xcomp" for c in verb.children))
        asked = t.dep_ == "nsubjpass" and _lemma(verb) in _ASK
        bare = verb.tag_ == "VB" and not any(c.dep_ in ("aux", "auxpass") for c in verb.children)  # 'summarisers take note'
        if bare or verb.tag_ in ("VB", "VBP") and _lemma(verb) in _KNOW and not any(
                c.dep_ in ("neg", "aux") for c in verb.children):
            return True
        if deontic or asked:
            if level >= 2 or asked:
                return True
            acts = [verb, *(c for c in verb.children if c.dep_ == "xcomp")]
            return any(_lemma(v) in _OUTPUT_VERBS and not any(c.dep_ == "auxpass" for c in v.children) for v in acts)
    if t.dep_ == "dobj" and _lemma(head) in _ASK:
        return True
    if t.dep_ == "pobj" and head.lower_ not in ("for", "to"):  # 'for the attention of X': climb to the 'for'
        up = head
        while up.dep_ in ("prep", "pobj") and up.lower_ not in ("for", "to") and up.head.i != up.i:
            up = up.head
        if up.lower_ in ("for", "to") and up.dep_ == "prep":
            t, head = next((c for c in up.children if c.dep_ == "pobj"), t), up
    if t.dep_ == "pobj" and head.lower_ in ("for", "to"):
        target = head.head
        fronted = head.i < target.i and target.dep_ == "ROOT" or head.i == sentence[0].i
        aimed = _clause_head(target) or target.dep_ in ("acomp", "attr") and _clause_head(target.head)
        if _lemma(target) in _NOTICE or fronted or level >= 2 and aimed:
            return True
        if level == 1 and aimed and _lemma(target) == "be":
            return True
    return level >= 2 and directive


def _clause_head(t: Token) -> bool:
    """The main verb of the sentence, or of a clause set off by a colon (no subordinator)."""
    return t.dep_ == "ROOT" or t.dep_ in ("ccomp", "parataxis", "advcl") and not any(
        c.dep_ == "mark" for c in t.children) and t.head.i > t.i and any(
        s.text in _COLONS or s.text == ";" for s in t.doc[t.i : t.head.i])


def _meta(t: Token) -> bool:
    """The text's own processing: a generated summary or output, the prompt, instructions to a program."""
    if t.pos_ not in ("NOUN", "PROPN") or t.dep_ in ("amod", "poss"):
        return False
    lemma = _lemma(t)
    if lemma == "prompt" or lemma == "instruction" and any(
            c.lower_ in _SECOND_PERSON or _lemma(c) == "system" for c in t.children):
        return True
    mods = [c for c in t.children if c.dep_ in ("amod", "compound", "poss", "nmod", "npadvmod")]
    mods += [g for c in mods for g in c.children if c.dep_ in ("amod", "compound")]
    if any(c.lower_ in _SECOND_PERSON for c in mods):
        return lemma in _META
    generated = any(_lemma(c) in _GENERATED for c in mods)
    about_this = any(c.dep_ == "prep" and c.lower_ in ("of", "for", "from") and any(
        _deictic_text(o, weak=True) for o in c.subtree) for c in t.children)
    if lemma in _META:
        return generated or about_this
    if generated and about_this:
        return True  # 'the machine-readable version of this report'

    # any noun explicitly made by a program: 'a machine-generated overview', or aimed at one ('for any automated ...')
    if any(_lemma(c) == "generate" and c.tag_ == "VBN" and c.dep_ == "amod" for c in t.children):
        return True
    return generated and t.dep_ == "pobj" and t.head.lower_ == "for" and lemma not in _MACHINES and any(
        _lemma(c) in _MADE_BY_PROGRAM for c in mods)


def _overrides(t: Token) -> bool:
    """'Ignore previous instructions', 'all prior prompts are void': rules of the conversation overridden."""
    if _lemma(t) not in _RULES or t.pos_ != "NOUN":
        return False
    earlier = any(_lemma(c) in _EARLIER or c.lower_ in _SECOND_PERSON for c in t.children) or any(
        c.lower_ in ("above", "before") for c in t.rights)
    if not earlier:
        return False
    head = t.head
    if _lemma(head) in _OVERRIDE and t.dep_ in ("dobj", "nsubjpass") and not any(
            c.dep_ == "nsubj" and c.lower_ not in _SECOND_PERSON and not _consumer(c) for c in head.children):
        return True  # told, not reported: 'ignore the earlier rules', 'previous prompts should be ignored'
    return t.dep_.startswith("nsubj") and (
        any(_lemma(c) in _VOID for c in head.children if c.dep_ in ("acomp", "attr", "advmod", "prt", "oprd"))
        or _lemma(head) in _VOID or _lemma(head) == "apply" and any(c.dep_ == "neg" for c in head.children)
        or any(c.lower_ == "longer" for c in head.subtree))


def _deictic_text(t: Token, weak: bool = False) -> bool:
    """'this article', 'the present text', 'the following'; with ``weak``, also words that name this text
    only when something reads them ('this document', 'this report')."""
    lemma = _lemma(t)
    if lemma == "following" and t.pos_ == "NOUN":
        return True
    if lemma not in _TEXT_NOUNS and not (weak and lemma in _TEXT_NOUNS_WEAK):
        return False
    dets = [c for c in t.children if c.dep_ in ("det", "amod")]
    if t.dep_ == "compound":
        dets += [c for c in t.head.children if c.dep_ in ("det", "amod")]
    return any(c.lower_ in _DEICTIC for c in dets)


def _announces(tokens: list[Token]) -> bool:
    """A sentence that points at what follows: it ends with a colon or speaks of 'the following'."""
    last = next((t for t in reversed(tokens) if not t.is_space), None)
    return last is not None and last.text in _COLONS or any(
        _lemma(t) == "following" and t.pos_ == "NOUN" or t.lower_ in ("below", "follows") for t in tokens)


# -- quotations --------------------------------------------------------------------------------------


def _attributed_quotes(text: str, quotes: list[candidates.QuoteCandidate]) -> list[tuple[int, int]]:
    """Character stretches (marks included) of quotations that are someone's speech: every quotation
    (``quotes``, with their cues) except one standing alone as its paragraph with no speech cue."""
    out: list[tuple[int, int]] = []
    for q in quotes:
        a, b = q.start - 1, q.end + 1
        para_start = text.rfind("\n", 0, a) + 1
        para_end = text.find("\n", b)
        para_end = len(text) if para_end < 0 else para_end
        alone = not text[para_start:a].strip() and not text[b:para_end].strip(" \t.,;!?\u201d\u00bb\"'\u2019")
        if q.cues or q.depth or not alone:
            out.append((a, b))
    # A paragraph opened with a closing mark ('”A country is ...,” said X'): the writer's typo for an opening one.
    pos = 0
    for para in text.split("\n"):
        body = para.lstrip()
        lead = pos + len(para) - len(body)
        if body[:1] in ("\u201d", "\u00bb") and not any(a <= lead < b for a, b in out):
            close = min((i for i in (body.find(c, 1) for c in "\u201d\u00bb\"") if i > 0), default=-1)
            if close > 0:
                out.append((lead, lead + close + 1))
        pos += len(para) + 1
    out += _open_runs(text)
    out.sort()
    return out


def _open_runs(text: str) -> list[tuple[int, int]]:
    """Paragraphs of a quotation in the opening-mark-only style whose closing mark is lost (the page
    cut it off): two or more paragraphs in a row that each open with a double mark and close none."""
    paras: list[tuple[int, int, bool]] = []
    pos = 0
    for para in text.split("\n\n"):
        body = para.strip()
        lead = pos + len(para) - len(para.lstrip())
        opened = body[:1] in ('"', "\u201c", "\u00ab", "\u201e") and not any(c in body[1:] for c in '"\u201d\u00bb')
        paras.append((lead, lead + len(body), opened))
        pos += len(para) + 2
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(paras):
        j = k
        while j < len(paras) and paras[j][2]:
            j += 1
        if j - k >= 2:
            out += [(a, b) for a, b, _ in paras[k:j]]
        k = max(j, k + 1)
    return out


_SPEECH_FORMS = frozenset(candidates.SPEECH_VERBS.split("|"))


def _fronted_speech(t: Token) -> bool:
    """Inside unquoted direct speech put before its speaker: 'Let there be no doubt, the minister said.'"""
    for a in (t, *t.ancestors):
        if a.dep_ in ("ccomp", "advcl", "parataxis") and a.head.lower_ in _SPEECH_FORMS and a.i < a.head.i and any(
                c.dep_ == "nsubj" and c.lower_ not in _SECOND_PERSON and not _consumer(c) for c in a.head.children):
            return True
    return False


def _inside(stretches: list[tuple[int, int]], offset: int) -> bool:
    return any(a <= offset < b for a, b in stretches)


# -- helpers -----------------------------------------------------------------------------------------


def _lemma(t: Token) -> str:
    return t.lemma_.lower()


def _verb_read_as_name(t: Token) -> bool:
    """A sentence-initial verb the tagger read as a proper noun ('Disregard what ...')."""
    if t.tag_ != "NNP" or not t.text[:1].isupper() or t.dep_ != "ROOT" and (t.ent_type_ or t.dep_ != "nsubj"):
        return False
    return t.lower_ in _verbs()


@cache
def _verbs() -> frozenset[str]:
    """English verbs (the WordNet-derived index shipped with the pipeline)."""
    table = nlp.lemma_index()
    return frozenset(table["verb"])


def _shouting(sentence: str) -> bool:
    """Mostly upper-case words, or every word capitalised: spaCy's tagger reads such text as names."""
    words = [w for w in sentence.split() if sum(c.isalpha() for c in w) > 1]
    if len(words) < 3:
        return False
    upper = sum(w.isupper() for w in words)
    title = sum(w[0].isupper() or not w[0].isalpha() for w in words)
    return upper >= 0.6 * len(words) or title == len(words) and len(words) >= 5


def _recased(sentence: str, first: bool = True) -> Doc:
    """The sentence parsed in sentence case (``first``) or with its first letter lowered (not ``first``),
    character for character, so offsets are unchanged."""
    k = next((i for i, c in enumerate(sentence) if c.isalpha()), 0)
    if first:
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in sentence)
        folded = folded[:k] + sentence[k : k + 1] + folded[k + 1 :]
    else:
        low = sentence[k : k + 1].lower()
        folded = sentence[:k] + (low if len(low) == 1 else sentence[k : k + 1]) + sentence[k + 1 :]
    return nlp.parse(folded)


def _paragraph_end(text: str, start: int, end: int, heading: bool) -> int:
    """The end of the paragraph holding [start, end). A heading that is its paragraph, or a paragraph
    ending in a colon, governs the next paragraph too."""
    stop = text.find("\n", end)
    stop = len(text) if stop < 0 else stop
    para_start = text.rfind("\n", 0, start) + 1
    whole = text[para_start:stop].strip()
    alone = heading and not text[para_start:start].strip() and not text[end:stop].strip()
    if alone or whole.endswith(tuple(_COLONS)):
        nxt = stop
        while nxt < len(text) and text[nxt].isspace():
            nxt += 1
        if nxt < len(text):
            stop = text.find("\n", nxt)
            stop = len(text) if stop < 0 else stop
    while stop > end and text[stop - 1].isspace():
        stop -= 1
    return max(stop, end)


def _bracketed(text: str, flag: Flag) -> Flag:
    """Widen a flag that starts or ends inside brackets of its paragraph to the whole bracket."""
    start, end = flag.start, flag.end
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    depth, opened = 0, None
    for i in range(start - 1, para_start - 1, -1):
        ch = text[i]
        if ch in _OPEN_BRACKETS.values():
            depth += 1
        elif ch in _OPEN_BRACKETS:
            if depth == 0:
                opened = i
                break
            depth -= 1
    if opened is None and text[start:start + 1] in _OPEN_BRACKETS:
        opened = start
    if opened is not None:
        close = _OPEN_BRACKETS[text[opened]]
        k = text.find(close, max(end - 1, opened), para_end)
        if k >= 0:
            start, end = opened, max(end, k + 1)
    return Flag(start, end, flag.reason)


def _merge(flags: list[Flag]) -> list[Flag]:
    out: list[Flag] = []
    for f in sorted(flags, key=lambda f: (f.start, f.end)):
        if out and f.start < out[-1].end:
            last = out[-1]
            reasons = ", ".join(dict.fromkeys([*last.reason.split(", "), *f.reason.split(", ")]))
            out[-1] = Flag(last.start, max(last.end, f.end), reasons)
        else:
            out.append(f)
    return out
