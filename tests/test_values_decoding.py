"""The local backend's "values" decoding (prompt v4): the JSON keys are read as prompt text and the
model writes only the values. Real embedded model: the answer is the same valid object the whole-JSON
decoding gives, for fewer written tokens. Plumbing without the model: the parameter reaches the backend
and stays out of the cache key of prompts that do not use it."""

from __future__ import annotations

import pytest

from communique.strategies.assisted import Leads
from communique.backends.base import GenerationParams
from communique.prompting import get_prompt


def test_decoding_is_a_prompt_parameter_that_v4_to_v6_set() -> None:
    assert GenerationParams.from_mapping(get_prompt("4").parameters).decoding == "values"
    assert GenerationParams.from_mapping(get_prompt("5").parameters).decoding == "values"
    assert GenerationParams.from_mapping(get_prompt("6").parameters).decoding == "values"
    v3 = GenerationParams.from_mapping(get_prompt("3").parameters)
    assert v3.decoding == "json"
    assert "decoding" not in v3.as_dict()  # v3's cache keys are what they were before the parameter existed


@pytest.mark.model
def test_values_decoding_writes_the_same_answer_with_fewer_tokens(seed_text: str) -> None:
    from communique.backends.local import LocalBackend

    backend = LocalBackend()
    messages = [
        {"role": "system", "content": "You read news articles and answer with JSON only."},
        {"role": "user", "content": f"ARTICLE:\n{seed_text}\n\nWhich countries take part in the meeting, and who chaired it? "
                                    "Give full names without titles."},
    ]
    model = Leads
    whole = backend.complete(messages, model, GenerationParams(temperature=0.0, max_tokens=200, seed=7))
    values = backend.complete(messages, model, GenerationParams(temperature=0.0, max_tokens=200, seed=7, decoding="values"))
    assert values.attempts == 1  # valid when written freely, not rescued by the grammar or a re-ask
    assert set(values.value.parties) == set(whole.value.parties) >= {"Israel", "Morocco"}
    assert set(values.value.chairs) == set(whole.value.chairs)
    # Each key costs the whole-JSON decoding about four written tokens; "values" writes one per key
    # (the end of the value) instead.
    keys = len(model.model_fields)
    assert values.completion_tokens <= whole.completion_tokens - 2 * keys, (values.raw, whole.raw)


@pytest.mark.parametrize(
    ("text", "end"),
    [(' ["Israel", "Morocco"],', 22), (' ["a, b"]}', 9), ('"x"', None), (' ["Isr', None), (" [1, 3]\n}", 7), (" 12", None)],
)
def test_value_end_waits_for_what_follows_the_value(text: str, end: int | None) -> None:
    from communique.backends.local import value_end

    assert value_end(text) == end
