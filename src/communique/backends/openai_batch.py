"""The OpenAI Batch API client: chat-completions requests written into a JSONL input file, uploaded
(``files``), submitted as a batch job (``batches``), polled until the job ends, and its output and
error files read, all through the openai SDK; answers are parsed (and re-asks written) as instructor
would. The calls are answered within the completion window (up to 24 h) at half the price of the same
calls made at once. :class:`~communique.runs.openai_batch.OpenAIBatchRunner` drives many articles
through it in rounds.

Resume. A request's ``custom_id`` is a hash of the request itself, so a re-run asks identical questions
under identical ids. Every batch created and every answer collected is kept in the ledger: a re-run
takes collected answers from it, waits for batches still open instead of submitting their requests
again, and submits only what no batch holds.
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import openai
# instructor's top-level package does not export these three (1.17); its ``instructor.processing``
# package does, in its __all__. They are imported here only: the Batch API sends instructor's requests
# without instructor's client, so it prepares the request, parses the answer and writes the re-ask itself.
from instructor.processing import handle_reask_kwargs, handle_response_model, process_response
from openai.types.chat import ChatCompletion
from pydantic import BaseModel
from tenacity import Retrying, retry_if_exception

from ..errors import BackendUnavailable, CommuniqueError, ConfigError, ExtractionFailed
from ..ledger import Ledger
from .base import Call, Completion
from .openai import MODES, OpenAIBackend, explain

ENDPOINT = "/v1/chat/completions"
FINISHED = {"completed", "failed", "expired", "cancelled"}
#: Jobs the server no longer knows (HTTP 404: another key or project, or past retention): never waited for again.
LOST = "lost"
#: OpenAI's limit on requests in one batch input file.
MAX_REQUESTS_PER_BATCH = 50_000


@dataclass
class Request:
    """One chat-completions request in a batch file, and how to read its answer."""

    custom_id: str
    body: dict[str, Any]
    response_model: type[BaseModel]  # as instructor prepared it, for parsing the answer
    call: Call
    attempt: int = 1


class OpenAIBatchClient:
    """Upload, submit, poll and collect through the openai SDK, keeping every job and answer in the ledger.
    Requests are ``backend``'s (its model, mode, parameters, re-asks), sent through its server and key."""

    def __init__(self, backend: OpenAIBackend, ledger: Ledger | None, *, poll_interval: float = 30.0,
                 completion_window: str = "24h", max_requests: int = MAX_REQUESTS_PER_BATCH,
                 note: Callable[[str], None] = lambda line: None) -> None:
        if ledger is None:
            raise ConfigError("the Batch API mode keeps its jobs in the ledger; it needs one")
        self.backend, self.ledger = backend, ledger
        self.mode = backend.mode or (backend.requested_mode if backend.requested_mode != "auto" else "json_schema")
        self.server = backend.base_url or "https://api.openai.com/v1"
        self.poll_interval, self.completion_window, self.max_requests = poll_interval, completion_window, max_requests
        self.note = note
        self.client = backend.sdk_client()

    def _retry(self, what: str, fn: Callable[[], Any], *, idempotent: bool = True) -> Any:
        """One SDK call with the backend's transport retries; a persistent failure names what failed.
        A call that is not idempotent is retried only when the server said it did nothing (HTTP 429)."""
        settings = self.backend.retry_settings()
        if not idempotent:
            settings["retry"] = retry_if_exception(lambda e: isinstance(e, openai.RateLimitError))
        try:
            for attempt in Retrying(**settings):
                with attempt:
                    return fn()
        except Exception as exc:
            failure = self.backend.failure(exc)
            raise BackendUnavailable(f"Batch API, {what}: {failure}") from exc
        raise AssertionError("unreachable")  # pragma: no cover

    # -- requests ----------------------------------------------------------------------------------
    def request(self, call: Call) -> Request:
        kwargs = self.backend.request_kwargs(self.mode, call.messages, call.response_model, call.params)
        response_model, extra = kwargs.pop("response_model"), kwargs.pop("extra_body", {})
        kwargs.pop("max_retries")
        prepared, body = handle_response_model(response_model, mode=MODES[self.mode], **kwargs)
        body.update(extra)
        return self._request(body, prepared, call)

    def _request(self, body: dict[str, Any], prepared: Any, call: Call, attempt: int = 1) -> Request:
        digest = hashlib.sha256(json.dumps([self.server, body], sort_keys=True).encode()).hexdigest()
        return Request(f"cq-{digest[:40]}", body, prepared, call, attempt)

    def parse(self, request: Request, answer: str) -> Completion[Any] | Request | ExtractionFailed:
        """The validated answer; or, when it fails validation, the re-ask to send next (within the
        backend's budget of re-asks), or the error once that is spent."""
        try:
            completion = ChatCompletion.model_validate_json(answer)
        except ValueError as exc:
            return ExtractionFailed(f"the Batch API answer is not a chat completion: {explain(exc)}")
        try:
            value = process_response(completion, response_model=request.response_model, stream=False,
                                     mode=MODES[self.mode])
        except Exception as exc:  # ValidationError, JSON errors, a truncated answer
            if request.attempt > self.backend.max_reasks:
                return ExtractionFailed(
                    f"{self.backend.model} gave no valid answer within {request.attempt} attempts: {explain(exc)}")
            body = handle_reask_kwargs(dict(request.body), MODES[self.mode], completion, exc)
            return self._request(body, request.response_model, request.call, request.attempt + 1)
        usage = completion.usage
        return Completion(value=value, prompt_tokens=usage.prompt_tokens if usage else 0,
                          completion_tokens=usage.completion_tokens if usage else 0, attempts=request.attempt,
                          extra={"mode": self.mode, "batch": True})

    # -- one round -----------------------------------------------------------------------------------
    def answers(self, requests: list[Request]) -> dict[str, str | CommuniqueError]:
        """The raw answer (a chat completion as JSON) or the error, for each request's ``custom_id``."""
        unique = {r.custom_id: r for r in requests}
        found: dict[str, str | CommuniqueError] = dict(self.ledger.batch_answers(list(unique)))
        if found:
            self.note(f"  {len(found)} answer(s) collected by an earlier run")
        missing = set(unique) - set(found)
        waiting = {bid: ids & missing for bid, ids in self.ledger.open_batch_jobs(self.server, FINISHED | {LOST}).items()
                   if ids & missing}
        for bid, ids in waiting.items():
            self.note(f"  {len(ids)} request(s) are in {bid}, submitted by an earlier run: waiting for it")
        held = set().union(*waiting.values()) if waiting else set()
        todo = [r for c, r in unique.items() if c in missing and c not in held]  # in input order
        for start in range(0, len(todo), self.max_requests):
            part = todo[start : start + self.max_requests]
            try:
                waiting[self.submit(part)] = {r.custom_id for r in part}
            except BackendUnavailable as exc:
                found.update({r.custom_id: exc for r in part})
        for bid, ids in waiting.items():
            found.update(self.collect(bid, ids))
        return found

    def submit(self, requests: list[Request]) -> str:
        lines = [json.dumps({"custom_id": r.custom_id, "method": "POST", "url": ENDPOINT, "body": r.body},
                            ensure_ascii=False) for r in requests]
        data = ("\n".join(lines) + "\n").encode("utf-8")
        uploaded = self._retry("uploading the input file", lambda: self.client.files.create(
            file=("communique-batch.jsonl", data, "application/jsonl"), purpose="batch"))
        batch = self._retry("creating the batch", lambda: self.client.batches.create(
            input_file_id=uploaded.id, endpoint=ENDPOINT, completion_window=self.completion_window,  # type: ignore[arg-type]
            metadata={"tool": "communique", "requests": str(len(requests))}), idempotent=False)  # a retry could bill twice
        self.ledger.add_batch_job(batch.id, self.server, batch.status, [r.custom_id for r in requests])
        self.note(f"  submitted {batch.id}: {len(requests)} request(s), {len(data):,} bytes")
        return batch.id

    def wait(self, batch_id: str) -> Any:
        seen = None
        while True:
            batch = self._retry(f"polling {batch_id}", lambda: self.client.batches.retrieve(batch_id))
            counts = batch.request_counts
            state = (batch.status, counts.completed if counts else 0, counts.failed if counts else 0)
            if state != seen:
                total = counts.total if counts else "?"
                self.note(f"  {batch_id}: {batch.status}, {state[1]}/{total} answered, {state[2]} failed")
                seen = state
            if batch.status in FINISHED:
                return batch
            time.sleep(self.poll_interval)

    def collect(self, batch_id: str, ids: set[str]) -> dict[str, str | CommuniqueError]:
        try:
            batch = self.wait(batch_id)
            got: dict[str, str | CommuniqueError] = {}
            for file_id in (batch.output_file_id, batch.error_file_id):
                if file_id:
                    text = self._retry(f"reading {file_id}", functools.partial(self._file_text, file_id))
                    got.update(self._read_results(batch_id, text))
        except BackendUnavailable as exc:
            if isinstance(exc.__cause__, openai.NotFoundError):  # gone for good: a re-run submits again
                self.ledger.set_batch_status(batch_id, LOST)
                exc = BackendUnavailable(f"{exc}; the job is forgotten, a re-run submits its requests again")
            return {c: exc for c in ids}  # otherwise the job stays open: a re-run waits for it again
        self.ledger.set_batch_status(batch_id, batch.status)
        why = "; ".join(e.message or e.code or "" for e in (batch.errors.data or [])) if batch.errors else ""
        ended = f"{batch_id} ended {batch.status}" + (f" ({why})" if why else "")
        return {c: got.get(c, BackendUnavailable(f"{ended} without answering this request")) for c in ids}

    def _file_text(self, file_id: str) -> str:
        return self.client.files.content(file_id).text

    def _read_results(self, batch_id: str, text: str) -> dict[str, str | CommuniqueError]:
        got: dict[str, str | CommuniqueError] = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                custom_id = row["custom_id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                self.note(f"  {batch_id}: result line {number} is not a result; skipped")
                continue
            response = row.get("response") or {}
            if response.get("status_code") == 200 and isinstance(response.get("body"), dict):
                answer = json.dumps(response["body"])
                try:  # only a well-formed answer is kept: a re-run must not meet a broken one again
                    ChatCompletion.model_validate_json(answer)
                except ValueError as exc:
                    got[custom_id] = BackendUnavailable(f"{batch_id} answered this request with a body that is not a "
                                                        f"chat completion: {explain(exc)}")
                    continue
                self.ledger.store_batch_answer(custom_id, batch_id, answer)
                got[custom_id] = answer
            else:
                error = row.get("error") or (response.get("body") or {}).get("error") or {}
                message = error.get("message") if isinstance(error, dict) else str(error)
                status = response.get("status_code")
                got[custom_id] = BackendUnavailable(
                    f"{batch_id} answered this request with " + (f"HTTP {status}: " if status else "an error: ")
                    + (message or "no message"))
        return got
