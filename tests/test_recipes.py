"""The distributed recipe (communique.recipes.SummariseBatch) inside Ray Data's map_batches on a real
local Ray cluster. Plumbing: answers come from the scripted loopback server (no model)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT
from scripted_server import ScriptedServer, decomposed_answer

ray = pytest.importorskip("ray", reason="needs the `ray` extra")


def test_map_batches_summarises_every_row_and_keeps_bad_rows_as_errors(tmp_path: Path) -> None:
    cases = ["seed", "curly_quotes", "nested_quotes", "straight_quotes", "guillemets", "reordered"]
    rows = [{"id": c, "text": (ROOT / "evals" / "cases" / c / "article.txt").read_text(encoding="utf-8")} for c in cases]
    rows += [{"id": "blank", "text": "   "}, {"id": "nothing", "text": None}]
    source = tmp_path / "articles.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")  # no network here; Ray must not try to report
    with ScriptedServer([("call", decomposed_answer)]) as server:
        ray.init(num_cpus=2, object_store_memory=200 * 1024 * 1024, include_dashboard=False,
                 ignore_reinit_error=True, log_to_driver=False)
        try:
            from communique.recipes import SummariseBatch

            ds = ray.data.read_json(str(source))
            out = ds.map_batches(
                SummariseBatch,
                fn_constructor_kwargs={"backend": "openai", "base_url": server.base_url, "model": "scripted",
                                       "mode": "json_object_schema"},
                batch_size=3, concurrency=2, num_cpus=0.5, batch_format="numpy",  # I/O-bound: half a CPU each
            )
            out.write_json(str(tmp_path / "out"))
        finally:
            ray.shutdown()

    got = {}
    for part in (tmp_path / "out").glob("*.json"):
        for line in part.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            got[record["id"]] = record
    assert set(got) == {r["id"] for r in rows}
    for case in cases:
        assert got[case]["status"] == "ok" and got[case]["error"] == "", got[case]
        summary = json.loads(got[case]["summary"])
        assert {p["name"] for p in summary["parties"]} == {"Israel", "Morocco"}, case
        assert summary["provenance"]["calls"] >= 2  # the decomposed prompt's questions, asked from Ray's workers
    assert got["blank"]["status"] == "error" and "contains only whitespace" in got["blank"]["error"]
    assert got["nothing"]["status"] == "error" and "has no text" in got["nothing"]["error"]
    # Two actors: each built its Summariser once, and the server saw the questions of every article.
    assert len(server.requests) >= 2 * len(cases)
