"""The word lists as data (communique.reading.lexicon)."""

from __future__ import annotations

from pathlib import Path

import pytest

from communique.reading import candidates, lexicon, text

FOLDER = Path(lexicon.__file__).parent
LISTS = sorted(p.stem for p in FOLDER.glob("*.txt"))


def test_there_are_lists() -> None:
    assert len(LISTS) >= 40


@pytest.mark.parametrize("name", LISTS)
def test_each_list_says_who_reads_it(name: str) -> None:
    lines = (FOLDER / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("# "), "the file opens with comment lines"
    header = [line for line in lines if line.startswith("#")]
    assert any(".py" in line for line in header), "the comment names the module whose rules read the list"
    assert lexicon.words(name), "the list is not empty"
    assert all(w == w.strip() and w for w in lexicon.words(name))


def test_words_are_cached_and_frozen() -> None:
    assert lexicon.words("machines") is lexicon.words("machines")
    assert isinstance(lexicon.words("machines"), frozenset)
    with pytest.raises(TypeError):
        lexicon.table("speech_verbs")["say"] = "x"  # type: ignore[index]


def test_tables_pair_entries_with_values() -> None:
    assert lexicon.table("speech_verbs")["say"].split() == ["said", "says", "say"]
    assert lexicon.table("speech_verbs")["express"] == ""


def test_titles_join_three_lists() -> None:
    assert text.TITLES == lexicon.words("ranks") | lexicon.words("offices") | lexicon.words("honorifics")
    assert {"cmde", "minister", "shri"} <= text.TITLES
    assert text.split_title("General Doukur Darmy") == ("Doukur Darmy", "General")


def test_speech_verb_forms_come_from_the_list_in_order() -> None:
    forms = candidates.SPEECH_VERBS.split("|")
    assert forms[:4] == ["said", "says", "say", "stated"]
    assert len(forms) == len(set(forms))



def test_hint_titles_only_select_titles() -> None:
    assert lexicon.words("hint_titles") < text.TITLES
