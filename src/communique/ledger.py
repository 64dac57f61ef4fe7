"""The ledger: the SQLite file of a run's model calls, finished summaries and OpenAI Batch API jobs.

- ``calls``: one row per model call (its attempts counted), with the prompt and schema hashes,
  backend, model, parameters, tokens, latency and error, as the call log
  (:class:`~communique.runs.calllog.CallLog`) writes them. Never an API key: backends only describe
  themselves through ``describe()``, which holds no secrets.
- ``results``: finished summaries under a key of everything that determines them
  (:meth:`Summariser.fingerprint <communique.api.Summariser.fingerprint>`), so a re-run skips them.
- ``batch_jobs`` and ``batch_answers``: the OpenAI Batch API's jobs submitted and answers collected
  (:mod:`communique.backends.openai_batch`), so a re-run resubmits nothing.

This module is the store alone: what goes in is decided by its callers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ._resources import cache_dir

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    article_id TEXT,
    article_sha256 TEXT,
    prompt TEXT,
    prompt_hash TEXT,
    question TEXT,
    schema_hash TEXT,
    backend TEXT,
    model TEXT,
    parameters TEXT,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    attempts INTEGER,
    latency_s REAL,
    error TEXT
);
CREATE INDEX IF NOT EXISTS calls_article ON calls (article_sha256);
CREATE TABLE IF NOT EXISTS results (
    key TEXT PRIMARY KEY,
    article_id TEXT,
    article_sha256 TEXT,
    prompt TEXT,
    schema_version TEXT,
    model TEXT,
    summary TEXT NOT NULL,
    ts REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_jobs (
    id TEXT PRIMARY KEY,
    server TEXT NOT NULL,
    created REAL NOT NULL,
    status TEXT NOT NULL,
    custom_ids TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS batch_answers (
    custom_id TEXT PRIMARY KEY,
    batch_id TEXT,
    body TEXT NOT NULL,
    ts REAL NOT NULL
);
"""


def default_path() -> Path:
    override = os.environ.get("COMMUNIQUE_LEDGER")
    return Path(override) if override else cache_dir() / "ledger.sqlite"


class Ledger:
    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.executescript(SCHEMA)

    def log_call(self, **row: Any) -> None:
        row.setdefault("ts", time.time())
        if isinstance(row.get("parameters"), dict):
            row["parameters"] = json.dumps(row["parameters"], sort_keys=True)
        columns = ", ".join(row)
        with self._lock:
            self._db.execute(f"INSERT INTO calls ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))

    def cached(self, key: str) -> str | None:
        with self._lock:
            found = self._db.execute("SELECT summary FROM results WHERE key = ?", (key,)).fetchone()
        return found[0] if found else None

    def store(self, key: str, *, article_id: str, article_sha256: str, prompt: str, schema_version: str,
              model: str, summary_json: str) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (key, article_id, article_sha256, prompt, schema_version, model, summary_json, time.time()),
            )

    # -- the OpenAI Batch API: jobs submitted and answers collected, so a re-run resubmits nothing ------
    def add_batch_job(self, batch_id: str, server: str, status: str, custom_ids: list[str]) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO batch_jobs VALUES (?, ?, ?, ?, ?)",
                             (batch_id, server, time.time(), status, json.dumps(custom_ids)))

    def set_batch_status(self, batch_id: str, status: str) -> None:
        with self._lock:
            self._db.execute("UPDATE batch_jobs SET status = ? WHERE id = ?", (status, batch_id))

    def open_batch_jobs(self, server: str, finished: set[str]) -> dict[str, set[str]]:
        """Jobs on ``server`` not yet collected (status not in ``finished``): id -> their custom ids."""
        with self._lock:
            rows = self._db.execute("SELECT id, status, custom_ids FROM batch_jobs WHERE server = ? ORDER BY created",
                                    (server,)).fetchall()
        return {bid: set(json.loads(ids)) for bid, status, ids in rows if status not in finished}

    def store_batch_answer(self, custom_id: str, batch_id: str, body: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO batch_answers VALUES (?, ?, ?, ?)",
                             (custom_id, batch_id, body, time.time()))

    def batch_answers(self, custom_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        with self._lock:
            for i in range(0, len(custom_ids), 500):
                part = custom_ids[i : i + 500]
                sql = f"SELECT custom_id, body FROM batch_answers WHERE custom_id IN ({', '.join('?' * len(part))})"
                found.update(self._db.execute(sql, part).fetchall())
        return found

    def calls(self, *, limit: int = 50, model: str | None = None, errors_only: bool = False,
              article: str | None = None) -> list[sqlite3.Row]:
        where, args = [], []
        if model:
            where.append("model = ?")
            args.append(model)
        if errors_only:
            where.append("error IS NOT NULL")
        if article:
            where.append("(article_id = ? OR article_sha256 LIKE ?)")
            args += [article, article + "%"]
        sql = "SELECT * FROM calls" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?"
        with self._lock:
            self._db.row_factory = sqlite3.Row
            rows = self._db.execute(sql, [*args, limit]).fetchall()
            self._db.row_factory = None
        return rows

    def close(self) -> None:
        self._db.close()
