"""Cutting long texts into messages (bot/channels/splitting.py), for Telegram and Zalo alike."""

from __future__ import annotations

import unicodedata

from bot.channels.splitting import split_text


def test_split_prefers_line_breaks_then_spaces() -> None:
    lines = [f"Dòng {i}: " + "chữ " * 30 for i in range(60)]
    text = "\n".join(line.strip() for line in lines)
    pieces = split_text(text, 1000)
    assert len(pieces) > 1
    assert all(len(p) <= 1000 for p in pieces)
    assert all(p.startswith("Dòng ") for p in pieces)
    assert "\n".join(pieces) == text


def test_split_prefers_line_breaks_then_spaces_then_a_hard_cut() -> None:
    lines = "\n".join(f"Dòng {i}: " + "chữ " * 30 for i in range(60))
    pieces = split_text(lines, 500)
    assert all(len(p) <= 500 for p in pieces)
    assert all(p.startswith("Dòng ") for p in pieces)
    words = " ".join(["Thông báo"] * 300)
    assert all(p.startswith("Thông") for p in split_text(words, 500))
    assert split_text("x" * 1200, 500) == ["x" * 500, "x" * 500, "x" * 200]
    assert split_text("Xin chào", 2000) == ["Xin chào"]


def test_split_counts_utf16_units() -> None:
    emoji = "😀" * 30  # two UTF-16 units each
    assert [len(p) for p in split_text(emoji, 20)] == [10, 10, 10]


def test_a_hard_cut_keeps_a_combining_mark_with_its_letter() -> None:
    decomposed = "a\u0323" * 15  # no break anywhere
    pieces = split_text(decomposed, 10)
    assert "".join(pieces) == decomposed
    assert not any(unicodedata.combining(p[0]) for p in pieces)
