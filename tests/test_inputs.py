"""Plumbing: reading articles and refusing bad input with one clear reason."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from communique import InputError, from_text, read_path
from communique.inputs import MAX_ARTICLE_CHARS, as_article, from_bytes, iter_inputs

#: Bytes no text encoding explains (no NUL, so not caught as binary): every guess reads as symbols.
GARBLED = bytes(random.Random(1).randrange(128, 256) for _ in range(400))


def test_reads_seed_verbatim(seed_path: Path, seed_text: str) -> None:
    article = read_path(seed_path)
    assert article.text == seed_text
    assert article.id == seed_path.stem
    assert len(article.sha256) == 64


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "is empty"),
        (b"  \n\t \n", "contains only whitespace"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (GARBLED, "is not valid UTF-8 (byte 0x"),
    ],
)
def test_bad_files_name_input_and_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(InputError) as info:
        read_path(bad)
    assert reason in str(info.value)
    assert str(bad) in str(info.value)


def test_missing_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        read_path(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a directory"):
        read_path(tmp_path)


def test_bom_is_dropped_so_spans_index_the_text(tmp_path: Path) -> None:
    f = tmp_path / "bom.txt"
    f.write_bytes("\ufeffIsrael met Morocco.".encode("utf-8"))
    assert read_path(f).text == "Israel met Morocco."


def test_too_long_is_refused() -> None:
    with pytest.raises(InputError, match="too long"):
        from_text("a" * (MAX_ARTICLE_CHARS + 1))


def test_str_is_text_and_path_is_file(seed_path: Path, seed_text: str) -> None:
    assert as_article(seed_text).text == seed_text
    assert as_article(seed_path).source == str(seed_path)
    with pytest.raises(InputError, match="expected str, Path or Article"):
        as_article(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Le ministre de la Défense a déclaré à Rabat : « la coopération est très forte ».", "latin-1"),
        ("“We have deepened our ties,” said the minister in Rabat. Café talks, résumé.", "cp1252"),
        ("Israel's Defense Ministry said the committee met in Rabat on Tuesday.", "utf-16"),
        ("防衛大臣は東京で会談した。日本とモロッコは協力を深める。", "shift_jis"),
    ],
)
def test_other_encodings_are_detected_and_recorded(text: str, encoding: str) -> None:
    article = from_bytes(text.encode(encoding), source="legacy.txt")
    assert article.text == text
    assert article.metadata["encoding"]  # the detected encoding is kept, so the summary can warn


def test_utf8_records_no_encoding(seed_text: str) -> None:
    assert "encoding" not in from_bytes(seed_text.encode("utf-8")).metadata


def test_undecodable_message_names_input_and_offset() -> None:
    with pytest.raises(InputError) as info:
        from_bytes(GARBLED, source="feed/garbled.txt")
    message = str(info.value)
    assert message.startswith("feed/garbled.txt")
    assert f"byte 0x{GARBLED[0]:02x} at offset 0" in message and "no other encoding explains it" in message


def test_a_given_encoding_overrides_detection(tmp_path: Path) -> None:
    polish = "Minister obrony spotkał się w Rabacie z generałem. Współpraca będzie się rozwijać, powiedział."
    f = tmp_path / "pl.txt"
    f.write_bytes(polish.encode("cp1250"))
    article = read_path(f, encoding="cp1250")
    assert article.text == polish and "encoding" not in article.metadata  # given, not guessed: no warning
    (loaded,) = [item.load() for item in iter_inputs([str(tmp_path)], encoding="cp1250")]
    assert loaded.text == polish


def test_a_given_encoding_that_does_not_fit_is_one_clear_error(tmp_path: Path) -> None:
    f = tmp_path / "latin.txt"
    f.write_bytes("Le ministre a déclaré".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin.txt: is not valid utf-8 \(byte 0xe9 at offset 15\)"):
        read_path(f, encoding="utf-8")
    with pytest.raises(InputError, match="cannot be read as 'klingon': no such encoding"):
        read_path(f, encoding="klingon")


def test_html_in_another_encoding_keeps_the_detected_encoding(tmp_path: Path, seed_text: str) -> None:
    pytest.importorskip("trafilatura")
    page = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in seed_text.split("\n\n")) + "</article></body></html>"
    f = tmp_path / "page.html"
    f.write_bytes(page.encode("cp1252"))
    (item,) = iter_inputs([str(f)])
    article = item.load()
    assert "Rabat" in article.text and article.metadata["encoding"]
