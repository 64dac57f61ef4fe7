"""Runs: many articles summarised by one summariser, as opposed to one article (:mod:`communique.api`).

- ``runner``: :class:`~communique.runs.runner.Runner`, bounded concurrency, resume from the ledger's
  cache of finished summaries; it never changes the summariser it is given;
- ``openai_batch``: the same through the OpenAI Batch API, in rounds of batch jobs;
- ``records``: a record per input (with a ``Literal`` status), where records go, what a run counts;
- ``progress``: what a run reports as it goes;
- ``calllog``: every model call written into the ledger, a backend wrapper installed by whoever builds
  the summariser.

"Batch" keeps one meaning in communique's own names: the OpenAI Batch API (``openai_batch``). Many
articles are a *run*. Other batches keep their owners' names: Ray Data's batch of rows
(:class:`communique.recipes.SummariseBatch`, for ``map_batches``) and llama.cpp's ``n_batch``.
"""
