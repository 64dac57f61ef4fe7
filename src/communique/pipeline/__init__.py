"""The single-article pipeline, stage by stage, without I/O.

- ``text``: text helpers (normalising for comparison, splitting titles off names) and the word lists
  of titles, ranks and roles;
- ``nlp``, ``countries``, ``dates``: deterministic readers (spaCy, country_converter, dateparser; the
  ``nlp`` extra);
- ``guard``, ``candidates``: what can be found exactly: sentences addressed to readers or tools,
  quotations and speech cues, domain mentions, name-like spans;
- ``drafts``: what the model is asked to fill;
- ``session``: the sans-IO driver that runs a strategy's plan of model calls for one article;
- ``strategies`` (v1, v2) and ``assisted`` (v3 and later): which questions each prompt version asks;
- ``chunking``: long articles in overlapping chunks;
- ``grounding``: every answer aligned to the article's characters, or rejected.
"""
