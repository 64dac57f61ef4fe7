"""The single-article pipeline's plumbing, without I/O.

- ``drafts``: what the model is asked to fill;
- ``session``: the sans-IO driver that runs a strategy's plan of model calls for one article;
- ``chunking``: long articles in overlapping chunks;
- ``grounding``: every answer aligned to the article's characters, or rejected.

The language layer is elsewhere: :mod:`communique.reading` reads the article (spaCy, countries, dates,
quotations, addressed sentences), :mod:`communique.checks` checks answers field by field, and
:mod:`communique.strategies` holds each prompt version's questions.
"""
