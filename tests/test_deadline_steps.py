"""How the embedded backend times llama.cpp's prompt steps when it decides to stop for the article's
deadline (plumbing: figures as llama.cpp's prompt-progress chunks give them, no model)."""

from __future__ import annotations

from communique.backends.local import BATCH, MAX_STEP, MIN_MEASURED, prompt_step, read_speed


def test_a_speed_is_measured_over_enough_tokens_only() -> None:
    assert read_speed(256, 4000.0, None) == 64.0
    # A few tokens read anew after a cache hit, on a busy machine: mostly fixed time, no speed to keep.
    assert read_speed(5, 2000.0, 60.0) == 60.0
    assert read_speed(5, 2000.0, None) is None
    assert read_speed(MIN_MEASURED, 0.0, 60.0) == 60.0


def test_a_step_is_one_batch_at_the_speed_known() -> None:
    assert prompt_step(1000, 64.0) == BATCH / 64.0
    assert prompt_step(32, 64.0) == 32 / 64.0
    assert prompt_step(1000, None) is None
    assert prompt_step(0, 64.0) is None


def test_a_slow_measurement_cannot_stop_every_later_article() -> None:
    # The failure seen on a busy machine: one low speed, carried to the next request, timed its first
    # step as minutes long, so each later article stopped at once for a deadline minutes away.
    speed = read_speed(MIN_MEASURED, 60_000.0, None)  # 64 tokens in a minute
    assert speed is not None and speed < 2
    step = prompt_step(2000, speed)
    assert step == MAX_STEP
    deadline_left = 140.0
    assert 2 * step < deadline_left  # the next article is read, and measured anew
