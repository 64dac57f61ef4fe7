"""A local stand-in of OpenAI's Batch API on loopback: the files and batches endpoints, over real HTTP.

    POST /v1/files                  multipart upload (purpose "batch")       -> file object
    GET  /v1/files/{id}/content     the file's bytes
    POST /v1/batches                {input_file_id, endpoint, completion_window, metadata} -> batch
    GET  /v1/batches/{id}           the batch, its status moving validating -> in_progress -> completed
    POST /v1/batches/{id}/cancel

A worker thread answers each request line of a batch with ``answer(body)``: a JSON string (the
assistant's content, wrapped in a chat completion) or ``(status, payload)`` for a failed request, which
goes to the error file, as OpenAI does. Alternatively ``forward_to`` sends every request to a real
chat-completions server (llama.cpp's, serving a real model) and keeps its answer.

Knobs for tests: ``hold`` (a threading.Event: batches stay in_progress until it is set), ``expire_at``
(answer requests in order until one whose body contains this text, then end the batch "expired"), ``garbage_line`` (add a line that is not
a result to the output file), ``forget`` (batch ids answered with 404 from now on, as for another
project's key or a job past retention). Every request to the stand-in is counted in ``hits``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from scripted_server import completion

Answer = Callable[[dict[str, Any]], Any]


class BatchStandIn:
    def __init__(self, answer: Answer | None = None, *, forward_to: str | None = None, step_seconds: float = 0.05,
                 expire_at: str | None = None, garbage_line: bool = False) -> None:
        self.answer, self.forward_to = answer, forward_to
        self.step_seconds, self.expire_at, self.garbage_line = step_seconds, expire_at, garbage_line
        self.hold = threading.Event()
        self.hold.set()
        self.forget: set[str] = set()
        self.files: dict[str, dict[str, Any]] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.hits: Counter[str] = Counter()
        self.request_lines: list[dict[str, Any]] = []  # every request line of every batch, in order
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, code: int, payload: Any, raw: bytes | None = None) -> None:
                data = raw if raw is not None else json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("content-type", "application/octet-stream" if raw is not None else "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:  # noqa: N802
                if m := re.fullmatch(r"/v1/files/([\w-]+)/content", self.path):
                    stand_in.hits["file content"] += 1
                    f = stand_in.files.get(m.group(1))
                    return self._send(200, None, f["data"]) if f else self._send(404, {"error": {"message": "no such file"}})
                if m := re.fullmatch(r"/v1/batches/([\w-]+)", self.path):
                    stand_in.hits["batch retrieve"] += 1
                    b = stand_in.batches.get(m.group(1)) if m.group(1) not in stand_in.forget else None
                    return self._send(200, b) if b else self._send(404, {"error": {"message": "no such batch"}})
                return self._send(404, {"error": {"message": f"no route {self.path}"}})

            def do_POST(self) -> None:  # noqa: N802
                data = self.rfile.read(int(self.headers.get("content-length", 0)))
                if self.path == "/v1/files":
                    stand_in.hits["file upload"] += 1
                    return self._send(200, stand_in._upload(self.headers.get("content-type", ""), data))
                if self.path == "/v1/batches":
                    stand_in.hits["batch create"] += 1
                    body = json.loads(data)
                    if body.get("input_file_id") not in stand_in.files:
                        return self._send(400, {"error": {"message": "unknown input_file_id"}})
                    return self._send(200, stand_in._create(body))
                if m := re.fullmatch(r"/v1/batches/([\w-]+)/cancel", self.path):
                    stand_in.hits["batch cancel"] += 1
                    b = stand_in.batches[m.group(1)]
                    b["status"] = "cancelled"
                    return self._send(200, b)
                return self._send(404, {"error": {"message": f"no route {self.path}"}})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    # -- files --------------------------------------------------------------------------------------
    def _new_file(self, data: bytes, filename: str, purpose: str) -> dict[str, Any]:
        fid = f"file-{next(self._ids)}"
        meta = {"id": fid, "object": "file", "bytes": len(data), "created_at": int(time.time()),
                "filename": filename, "purpose": purpose, "status": "processed"}
        with self._lock:
            self.files[fid] = {**meta, "data": data}
        return meta

    def _upload(self, content_type: str, data: bytes) -> dict[str, Any]:
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + data)
        fields = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
        file_part = fields["file"]
        purpose = fields["purpose"].get_content().strip() if "purpose" in fields else ""
        return self._new_file(file_part.get_payload(decode=True), file_part.get_filename() or "upload.jsonl", purpose)

    # -- batches ------------------------------------------------------------------------------------
    def _create(self, body: dict[str, Any]) -> dict[str, Any]:
        bid = f"batch_{next(self._ids)}"
        lines = [json.loads(line) for line in self.files[body["input_file_id"]]["data"].decode().splitlines() if line.strip()]
        batch = {
            "id": bid, "object": "batch", "endpoint": body["endpoint"], "errors": None,
            "input_file_id": body["input_file_id"], "completion_window": body["completion_window"],
            "status": "validating", "output_file_id": None, "error_file_id": None,
            "created_at": int(time.time()), "metadata": body.get("metadata"),
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        }
        with self._lock:
            self.batches[bid] = batch
            self.request_lines += lines
        threading.Thread(target=self._work, args=(batch, lines), daemon=True).start()
        return batch

    def _answer_line(self, body: dict[str, Any]) -> tuple[int, Any]:
        if self.forward_to:
            r = httpx.post(f"{self.forward_to}/chat/completions", json=body, timeout=600)
            return r.status_code, r.json()
        assert self.answer is not None
        result = self.answer(body)
        return result if isinstance(result, tuple) else (200, completion(result))

    def _work(self, batch: dict[str, Any], lines: list[dict[str, Any]]) -> None:
        time.sleep(self.step_seconds)
        batch["status"] = "in_progress"
        out, err = [], []
        expired = False
        for n, line in enumerate(lines):
            self.hold.wait()
            if batch["status"] == "cancelled":
                return
            if self.expire_at is not None and self.expire_at in json.dumps(line["body"]):
                expired = True
                break
            status, payload = self._answer_line(line["body"])
            result = {"id": f"req-{n}", "custom_id": line["custom_id"],
                      "response": {"status_code": status, "request_id": f"r{n}", "body": payload}, "error": None}
            (out if status == 200 else err).append(json.dumps(result))
            batch["request_counts"]["completed" if status == 200 else "failed"] += 1
            time.sleep(self.step_seconds / 10)
        batch["status"] = "finalizing"
        time.sleep(self.step_seconds)
        if self.garbage_line:
            out.append("this is not a result line")
        if out:
            batch["output_file_id"] = self._new_file("\n".join(out).encode() + b"\n", "output.jsonl", "batch_output")["id"]
        if err:
            batch["error_file_id"] = self._new_file("\n".join(err).encode() + b"\n", "errors.jsonl", "batch_output")["id"]
        batch["status"] = "expired" if expired else "completed"

    def __enter__(self) -> BatchStandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.hold.set()
        self.httpd.shutdown()
        self.httpd.server_close()
