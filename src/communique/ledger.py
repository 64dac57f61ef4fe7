"""The ledger: a SQLite file recording every model call and caching every finished summary.

- ``calls``: one row per model call (its attempts counted), with the prompt and schema hashes,
  backend, model, parameters, tokens, latency and error. Never an API key: backends only describe
  themselves through ``describe()``, which holds no secrets.
- ``results``: finished summaries keyed by everything that determines them (article sha256, prompt
  version and hash, schema version, model and its sha256, parameters), so a re-run skips them.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from .backends.base import Backend, Completion, GenerationParams, Messages, T
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


#: (article id, article sha256) of the article whose calls are being made, per thread / asyncio task.
current_article: contextvars.ContextVar[tuple[str, str]] = contextvars.ContextVar("communique_article", default=("", ""))


def default_path() -> Path:
    override = os.environ.get("COMMUNIQUE_LEDGER")
    return Path(override) if override else cache_dir() / "ledger.sqlite"


def result_key(article_sha256: str, prompt_key: str, prompt_hash: str, schema_version: str,
               model: str, model_sha256: str | None, parameters: dict[str, Any]) -> str:
    material = [article_sha256, prompt_key, prompt_hash, schema_version, model, model_sha256, parameters]
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


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


@functools.lru_cache(maxsize=256)
def schema_hash(response_model: type[Any]) -> str:
    """A short hash of an answer type's JSON Schema (computed once per type: it costs milliseconds)."""
    schema = json.dumps(response_model.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode()).hexdigest()[:16]


class LedgerBackend(Backend):
    """Wraps a backend and writes every call, answered or failed, into the ledger."""

    def __init__(self, inner: Backend, ledger: Ledger, prompt_key: str, prompt_hash: str) -> None:
        super().__init__()
        self.inner, self.ledger = inner, ledger
        self.prompt_key, self.prompt_hash = prompt_key, prompt_hash
        self.name, self.model, self.model_sha256 = inner.name, inner.model, inner.model_sha256

    def _log(self, response_model: type[Any], params: GenerationParams, done: Completion[Any] | None,
             error: Exception | None, started: float) -> None:
        self.log(response_model, params, done, error, time.perf_counter() - started, current_article.get())

    def log(self, response_model: type[Any], params: GenerationParams, done: Completion[Any] | None,
            error: Exception | None, latency_s: float, article: tuple[str, str]) -> None:
        """Write one call; used directly by drivers that call the model other than through this backend."""
        article_id, article_sha = article
        self.ledger.log_call(
            article_id=article_id, article_sha256=article_sha, prompt=self.prompt_key,
            prompt_hash=self.prompt_hash, question=response_model.__name__,
            schema_hash=schema_hash(response_model), backend=self.name, model=self.model,
            parameters={**params.as_dict(), **self.inner.describe()},
            prompt_tokens=done.prompt_tokens if done else None,
            completion_tokens=done.completion_tokens if done else None,
            attempts=done.attempts if done else None,
            latency_s=round(latency_s, 3),
            error=f"{type(error).__name__}: {error}" if error else None,
        )

    def complete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        started = time.perf_counter()
        try:
            done = self.inner.complete(messages, response_model, params)
        except Exception as exc:
            self._log(response_model, params, None, exc, started)
            raise
        self._log(response_model, params, done, None, started)
        return done

    async def acomplete(self, messages: Messages, response_model: type[T], params: GenerationParams) -> Completion[T]:
        started = time.perf_counter()
        try:
            done = await self.inner.acomplete(messages, response_model, params)
        except Exception as exc:
            self._log(response_model, params, None, exc, started)
            raise
        self._log(response_model, params, done, None, started)
        return done

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()
