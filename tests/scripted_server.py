"""A real OpenAI-compatible HTTP server on loopback whose answers follow a script.

Used by plumbing tests of the openai backend: the SDK, instructor and tenacity talk real HTTP to it.
Each request takes the next step of the script (the last step repeats):
  ("answer", json_text)                 200 with a chat completion whose content is json_text
  ("status", code, headers, body)       that HTTP status
  ("drop",)                             close the connection without answering
  ("cut", json_text)                    send headers and half the body, then close (dropped mid-body)
  ("hang", seconds, json_text)          wait, then answer
  ("call", fn)                          fn(request_body) -> json_text, or (status, payload) for an error
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Step = tuple[Any, ...]

#: A whole-summary answer (prompt v1's Draft) about the seed article.
SEED_DRAFT = json.dumps(
    {
        "parties": [{"name": "Israel", "kind": "country"}, {"name": "Morocco", "kind": "country"}],
        "chairs": [{"name": "Dror Shalom", "title": "Director", "party": "Israel"}],
        "domains": [{"label": "intelligence", "wording": "intelligence"}],
        "quotes": [{"text": "Cooperation is expected to continue expanding in the future in the face of common challenges.",
                    "speaker": "Israel's Defense Ministry"}],
        "event": {"kind": "meeting", "date": "2023-01-17", "location": "Rabat"},
        "summary": "Israel and Morocco met in Rabat.",
    }
)


def completion(content: str, *, prompt_tokens: int = 10, completion_tokens: int = 5) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "scripted",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                  "total_tokens": prompt_tokens + completion_tokens},
    }


class ScriptedServer:
    def __init__(self, script: list[Step], *, delay: float = 0.0) -> None:
        self.script = list(script)
        self.delay = delay  # seconds each request takes, to make concurrency visible
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server._lock:
                    server.requests.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
                    step = server.script.pop(0) if len(server.script) > 1 else server.script[0]
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    time.sleep(server.delay)
                    self._answer(step, body)
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _answer(self, step: Step, body: dict[str, Any]) -> None:
                kind = step[0]
                if kind == "hang":
                    time.sleep(step[1])
                    return self._send(200, completion(step[2]) if len(step) > 2 else {}, {})
                if kind == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if kind == "cut":
                    data = json.dumps(completion(step[1])).encode()
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if kind == "call":
                    result = step[1](body)
                    if isinstance(result, tuple):
                        return self._send(result[0], result[1], {})
                    return self._send(200, completion(result), {})
                if kind == "status":
                    _, code, headers, payload = step
                    return self._send(code, payload, headers)
                return self._send(200, completion(step[1]), {})

            def _send(self, code: int, payload: Any, headers: dict[str, str]) -> None:
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def decomposed_answer(body: dict[str, Any]) -> Any:
    """Answers the questions of prompts v2, v3 and v4 about the seed from their schemas (mode
    json_object_schema): every chair and domain option, Israel and France as parties (France is not in
    the article, so it is re-asked; the re-ask answers Morocco), "unknown" speakers. An article
    containing FAILME gets 500."""
    if "FAILME" in json.dumps(body["messages"]):
        return (500, {"error": {"message": "this chunk always fails"}})
    schema = body["response_format"]["schema"]
    props = schema["properties"]
    title = schema["title"]
    if title == "PartiesAndChairs" and props["parties"]["items"].get("type") == "string":  # v3
        return json.dumps({"parties": ["Israel", "France"], "chairs": [], "kind": "meeting", "location": "Rabat",
                           "date": "2023-01-17"})
    if title == "Leads":  # v4
        return json.dumps({"parties": ["Israel", "France"], "chairs": []})
    if title == "PartyNames":
        return json.dumps({"parties": ["Morocco"]})
    if title == "Fields":
        return json.dumps({"fields": ["intelligence", "cybersecurity"]})
    if title == "FieldPicks":
        return json.dumps({"fields": props["fields"]["items"]["enum"]})
    if title == "Speakers":
        return json.dumps({k: "unknown" for k in props})
    if title == "PartiesAndChairs":
        chairs = props["chairs"]["items"].get("enum", [])
        return json.dumps({"parties": [{"name": "Israel", "kind": "country"}, {"name": "France", "kind": "country"}],
                           "chairs": chairs, "kind": "meeting", "location": "Rabat", "date": "2023-01-17"})
    if title == "PartiesOnly":
        return json.dumps({"parties": [{"name": "Morocco", "kind": "country"}]})
    if title == "DomainPick":
        return json.dumps({"fields": props["fields"]["items"]["enum"]})
    if title == "Attribution":
        return json.dumps({k: "unknown" for k in props})
    raise AssertionError(f"unexpected question {title}")
