"""The local engine (llama.cpp through xllamacpp), on the real embedded models: logprobs through the
backend interface, a value written under its grammar when the free answer does not validate, the
deadline stopping a prompt while it is being read, and a served model that goes away when closed.
Every test here runs a real model; none uses recorded answers."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from pydantic import BaseModel, Field

from communique import DeadlineExceeded, deadline
from communique.backends.base import GenerationParams

pytestmark = pytest.mark.model


def ask(article: str, question: str) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You read news articles and answer with JSON only."},
        {"role": "user", "content": f"ARTICLE:\n{article}\n\n{question}"},
    ]


class Countries(BaseModel):
    countries: list[str]


class Code(BaseModel):
    code: str = Field(pattern=r"^[A-Z]{3}$")


@pytest.fixture(scope="module")
def backend() -> object:
    from communique.backends.local import LocalBackend

    return LocalBackend()


def test_each_written_token_comes_with_its_logprob_and_alternatives(backend, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    messages = ask(seed_text, "Which countries take part in the meeting?")
    done = backend.complete(messages, Countries, GenerationParams(max_tokens=100, decoding="values", logprobs=3))
    assert {"Israel", "Morocco"} <= set(done.value.countries)
    assert done.logprobs and len(done.logprobs) == done.completion_tokens
    written = "".join(t.token for t in done.logprobs)
    assert "Israel" in written and "Morocco" in written
    for t in done.logprobs:
        assert t.logprob <= 0.0 and 1 <= len(t.top) <= 3
        assert all(alt <= t.top[0][1] for _, alt in t.top)  # the alternatives come most likely first
    # Without the parameter the completion carries none.
    plain = backend.complete(messages, Countries, GenerationParams(max_tokens=100, decoding="values"))
    assert plain.logprobs is None and plain.value == done.value


def test_a_value_the_free_answer_gets_wrong_is_written_under_its_grammar(backend, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    """Asked for a word where the schema wants three capitals, the free answer fails validation; the
    second attempt writes the value under the grammar of its JSON Schema, pattern included."""
    messages = ask(seed_text, 'In which city was the meeting held? Answer as {"code": "<the city name>"}.')
    done = backend.complete(messages, Code, GenerationParams(max_tokens=40, decoding="values"))
    assert done.attempts == 2, done.raw
    assert len(done.value.code) == 3 and done.value.code.isupper()


def test_the_deadline_stops_a_prompt_while_it_is_read(backend) -> None:  # type: ignore[no-untyped-def]
    """A prompt of about 3,000 new tokens takes tens of seconds to read here; with a 2 s deadline the
    request is cancelled between two batches of the prompt, well before it is read."""
    long_text = " ".join(f"Item {i}: delegation {i * 7919 % 10007} met at {time.time_ns() % 997 + i}." for i in range(300))
    assert backend.engine is not None  # load the model outside the measured time
    started = time.perf_counter()
    with deadline.scope(2.0), pytest.raises(DeadlineExceeded):
        backend.complete(ask(long_text, "Which delegations met?"), Countries, GenerationParams(max_tokens=50))
    assert time.perf_counter() - started < 2.0 + 4.0


def test_a_served_model_answers_over_http_and_stops_when_closed() -> None:
    from communique.backends.local import serve

    engine = serve("qwen2.5-coder-0.5b", port=0)
    try:
        with urllib.request.urlopen(engine.address + "/v1/models", timeout=10) as reply:
            assert json.loads(reply.read())["data"]
        body = json.dumps({"messages": [{"role": "user", "content": "Say OK."}], "max_tokens": 5}).encode()
        request = urllib.request.Request(engine.address + "/v1/chat/completions", data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as reply:
            assert json.loads(reply.read())["choices"][0]["message"]["content"]
    finally:
        engine.close()
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(engine.address + "/v1/models", timeout=5)
