"""Running the Python API inside a distributed engine, for corpora larger than one machine.

:class:`SummariseBatch` is a callable class that turns a batch of rows (a mapping of column name to
sequence, which is what Ray Data's ``map_batches`` passes with ``batch_format="numpy"``, and what a
pandas DataFrame's ``to_dict("list")`` gives) into a batch of result rows. Each engine worker builds
it once, so a local model is loaded once per worker, not once per article::

    import ray
    from communique.recipes import SummariseBatch

    ds = ray.data.read_json("articles.jsonl")            # rows with "id" and "text"
    out = ds.map_batches(
        SummariseBatch,
        fn_constructor_kwargs={"backend": "openai", "model": "gpt-4o-mini"},
        batch_size=16, concurrency=8, batch_format="numpy",
    )
    out.write_json("summaries/")                           # id, status, summary (JSON) or error

The engine brings its own retries and scheduling; this class never raises for one bad article: a
failed row has ``status`` "error" and the reason, like a run's record. It imports no engine, so
the core stays free of Ray; the test suite runs this recipe on a real local Ray cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .api import Summariser
from .errors import CommuniqueError, InputError
from .inputs import from_text


class SummariseBatch:
    """``SummariseBatch(**summariser_options)(batch) -> {"id", "status", "summary", "error"}``.

    ``text_column`` and ``id_column`` name the input columns; every other keyword goes to
    :class:`~communique.Summariser` (``backend``, ``model``, ``prompt_version``, ``base_url`` ...).
    ``summary`` holds the summary as a JSON string (engines store strings in any format), or ``""``.
    """

    def __init__(self, *, text_column: str = "text", id_column: str = "id", **summariser_options: Any) -> None:
        self.text_column, self.id_column = text_column, id_column
        self.summariser = Summariser(**summariser_options)

    def __call__(self, batch: Mapping[str, Sequence[Any]]) -> dict[str, list[str]]:
        texts = list(batch[self.text_column])
        ids = [str(i) for i in batch[self.id_column]] if self.id_column in batch else [""] * len(texts)
        out: dict[str, list[str]] = {"id": [], "status": [], "summary": [], "error": []}
        for n, (article_id, text) in enumerate(zip(ids, texts)):
            status, summary, error = "ok", "", ""
            try:
                source = f"row {article_id or n}"
                if not isinstance(text, str):
                    raise InputError(source, f"has no text (its {self.text_column!r} is {type(text).__name__})")
                article = from_text(str(text), id=article_id or None, source=source)
                article_id = article.id
                summary = self.summariser.summarise(article).model_dump_json()
            except CommuniqueError as exc:
                status, error = "error", str(exc)
            for column, value in (("id", article_id), ("status", status), ("summary", summary), ("error", error)):
                out[column].append(value)
        return out
