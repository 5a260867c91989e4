"""Versions of one survey: a question key means one question in all of them, and what compares.

Reports count the answers of every wave of a survey in a period together, and compare a period
with the one before, whatever version each wave asked: a question is matched by its key. So a
key names one question across versions — the same type, text, element, options, `allow_unknown`,
`max_choices` and `profile` (its `show_if` and `optional` may differ: neither changes what an
answer means) — and a changed question gets a new key. `load_catalog` refuses a version that
breaks this, naming the file and line.

An element compares across two versions when it has the same items in both; the overall index
(the mean of the elements) only when every element does.
"""

from __future__ import annotations

from typing import Any

from surveys.schema import Question, Survey

_FREE = frozenset({"show_if", "optional"})  # may differ between versions of one question


def meaning(question: Question) -> dict[str, Any]:
    """What an answer to the question means: all of its definition but `show_if`, `optional`."""
    return question.model_dump(exclude=set(_FREE))


def version_conflict(known: Survey, new: Survey) -> tuple[int, str] | None:
    """The first question of `new` whose key means another question in `known`, as (its index
    in `new`, the reason); None when every shared key means the same question."""
    earlier = {question.key: question for question in known.questions}
    for index, question in enumerate(new.questions):
        before = earlier.get(question.key)
        if before is None or meaning(before) == meaning(question):
            continue
        changed = sorted(
            field for field, value in meaning(question).items() if meaning(before)[field] != value
        )
        reason = (
            f"question {question.key!r} differs from version {known.version} "
            f"({', '.join(changed)}); a changed question needs a new key"
        )
        return index, reason
    return None


def comparable_elements(old: Survey, new: Survey) -> frozenset[str]:
    """The elements of `new` that `old` measured with the same items (all of them, same version)."""
    if (old.key, old.version) == (new.key, new.version):
        return frozenset(element.key for element in new.elements)
    before = {element.key for element in old.elements}
    return frozenset(
        element.key
        for element in new.elements
        if element.key in before and _item_keys(old, element.key) == _item_keys(new, element.key)
    )


def _item_keys(survey: Survey, element: str) -> frozenset[str]:
    return frozenset(question.key for question in survey.items(element))
