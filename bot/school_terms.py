"""The fixed words of a school's setup, kept apart from the models so that the command line
offers them without loading the database layer."""

from __future__ import annotations

from typing import Literal

# the grades of a class (`hailong class create --grade`, a roster's grade column), youngest first
GRADES = ("nha_tre", "mam", "choi", "la")
# a province's Sở GD&ĐT (cấp tỉnh); a UBND of a xã, phường or đặc khu (cấp xã); anything else,
# such as a private school group (see handlers/authorities/tree.py)
AuthorityKind = Literal["province", "commune", "other"]
AUTHORITY_KINDS: tuple[AuthorityKind, ...] = ("province", "commune", "other")
