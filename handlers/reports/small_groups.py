"""No figure from a small group: one rule and one mark for every text, sheet, chart and document.

A figure counted from fewer than `HAILONG_MIN_GROUP_SIZE` valid answers — a survey's indices, a
question's index, satisfied count or mean, an element's index, the overall question's share, the
wishes' counts — is not shown: its place holds `mark(min_group)`, the same everywhere. The answers
of a withheld question are also left out of every figure computed from several questions (its
element, the overall index, the mean score), so no subtraction gives them back.
"""

from __future__ import annotations

from collections.abc import Mapping

from handlers import texts
from surveys.kinds import kind_of
from surveys.labels import SCALE_LABELS
from surveys.schema import Question, Survey
from surveys.scoring import Method, ValueCounts, WaveScore, levels_of, score_counts


def withheld(n: int, min_group: int) -> bool:
    """Whether a figure counted from `n` valid answers must not be shown."""
    return n < min_group


def mark(min_group: int) -> str:
    """What stands where a withheld figure would be."""
    return texts.SUPPRESSED_MARK.format(min=min_group)


def valid_answers(question: Question, values: Mapping[str, int]) -> int:
    """How many answers a question's figures are counted from: levels 1–5 on a scale ("không
    rõ" is not valid), any given answer otherwise."""
    if kind_of(question).scored:
        levels = levels_of(values)
        return sum(n for level, n in levels.items() if level in SCALE_LABELS)
    return sum(n for value, n in values.items() if value)


def shown_counts(
    survey: Survey, counts: ValueCounts, min_group: int
) -> dict[str, Mapping[str, int]]:
    """The value counts without the questions answered validly fewer than `min_group` times."""
    questions = {question.key: question for question in survey.questions}
    return {
        key: values
        for key, values in counts.items()
        if key not in questions or not withheld(valid_answers(questions[key], values), min_group)
    }


def score_shown(
    survey: Survey,
    counts: ValueCounts,
    respondents: int,
    invited: int,
    *,
    method: Method,
    min_group: int,
) -> WaveScore:
    """The SIPAS figures with no small group in them: a survey of fewer than `min_group`
    respondents has none, and a question with fewer valid answers counts in none."""
    return score_counts(
        survey,
        shown_counts(survey, counts, min_group),
        respondents,
        invited,
        method=method,
        min_group=min_group,
    )


def wishes_withheld(survey: Survey, counts: ValueCounts, min_group: int) -> bool:
    """Whether the wishes question was answered by too few to show how often each was chosen."""
    if survey.wishes is None:
        return False
    question = survey.question(survey.wishes)
    return withheld(valid_answers(question, counts.get(question.key, {})), min_group)


def breakdown_shown(
    survey: Survey, groups: Mapping[str, ValueCounts], min_group: int
) -> dict[str, dict[str, Mapping[str, int]]]:
    """The value counts of the scored questions of each group of a breakdown (a school's
    grades) with no small group in them, not even by subtraction from the whole.

    A question of a group answered validly by fewer than `min_group` is left out of that
    group's figures; and while the answers so left out, over all groups, are between one and
    `min_group - 1` — which the whole minus the groups shown would give back — the group that
    shows the question from the fewest answers leaves it out too.
    """
    kept: dict[str, set[str]] = {group: set() for group in groups}
    for question in survey.questions:
        if not kind_of(question).scored:
            continue  # a breakdown shows only the SIPAS figures
        valid = {
            g: valid_answers(question, counts.get(question.key, {})) for g, counts in groups.items()
        }
        shown = {g for g, n in valid.items() if not withheld(n, min_group)}
        left_out = sum(n for g, n in valid.items() if g not in shown)
        while shown and 0 < left_out < min_group:
            fewest = min(shown, key=lambda g: (valid[g], g))
            shown.discard(fewest)
            left_out += valid[fewest]
        for group in shown:
            kept[group].add(question.key)
    return {
        group: {key: values for key, values in counts.items() if key in kept[group]}
        for group, counts in groups.items()
    }
