"""SIPAS-style scoring: top-2-box item indices, element and overall indices, participation."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean
from typing import Literal

from surveys.kinds import kind_of
from surveys.labels import SATISFIED_LEVELS, SCALE_LABELS, UNKNOWN
from surveys.options import options_for, split_choices
from surveys.schema import Question, Survey

Method = Literal["mean", "pooled"]
# question key → stored value → how many responses gave it
ValueCounts = Mapping[str, Mapping[str, int]]
MIN_GROUP = 5
_LEVELS = frozenset(SCALE_LABELS)
_STORED_LEVELS = {str(level): level for level in (int(UNKNOWN), *SCALE_LABELS)}


@dataclass(frozen=True)
class ItemScore:
    """One scale item: valid answers (1-5), satisfied answers (4-5), index in %, mean level."""

    key: str
    n_valid: int
    n_satisfied: int
    index: float | None
    mean: float | None


@dataclass(frozen=True)
class ElementScore:
    """One element: index by the chosen method, the pooled index, and its items."""

    key: str
    title: str
    index: float | None
    pooled_index: float | None
    items: tuple[ItemScore, ...]


@dataclass(frozen=True)
class WaveScore:
    """The figures of one wave; indices and wishes are withheld when suppressed."""

    respondents: int
    invited: int
    participation_rate: float | None
    elements: tuple[ElementScore, ...]
    overall_index: float | None
    overall_question_index: float | None
    mean_score: float | None
    wishes: tuple[tuple[str, int], ...]
    suppressed: bool


@dataclass(frozen=True)
class OptionTally:
    """How many responses chose each option of one tallied question, in display order."""

    key: str
    text: str
    counts: tuple[tuple[str, int], ...]  # (option label, responses)


def item_index(counts: Mapping[int, int]) -> float | None:
    """Return 100 * n(4, 5) / n(1..5); "unknown" (0) is not a valid answer. None if no n."""
    valid = _valid(counts)
    if not valid:
        return None
    return 100 * sum(valid[level] for level in SATISFIED_LEVELS) / sum(valid.values())


def item_mean(counts: Mapping[int, int]) -> float | None:
    """Return the mean level (1-5) of the valid answers, or None if there are none."""
    valid = _valid(counts)
    total = sum(valid.values())
    return sum(level * n for level, n in valid.items()) / total if total else None


def score_item(key: str, counts: Mapping[int, int]) -> ItemScore:
    """Score one scale item from its level counts."""
    valid = _valid(counts)
    return ItemScore(
        key=key,
        n_valid=sum(valid.values()),
        n_satisfied=sum(valid[level] for level in SATISFIED_LEVELS),
        index=item_index(valid),
        mean=item_mean(valid),
    )


def element_index(items: Sequence[ItemScore], method: Method = "mean") -> float | None:
    """Return the mean of the item indices, or the pooled Σ satisfied / Σ valid."""
    if method == "pooled":
        n_valid = sum(item.n_valid for item in items)
        return 100 * sum(item.n_satisfied for item in items) / n_valid if n_valid else None
    return _mean(item.index for item in items)


def service_index(element_indices: Iterable[float | None]) -> float | None:
    """Return the mean of the element indices that exist (SIPAS S_DV)."""
    return _mean(element_indices)


def sipas_index(policy: float, service: float) -> float:
    """Return SIPAS = (policy index + service index) / 2."""
    return (policy + service) / 2


def participation_rate(respondents: int, invited: int) -> float | None:
    """Return respondents / invited in %, or None when nobody was invited."""
    return 100 * respondents / invited if invited > 0 else None


def round2(value: float) -> float:
    """Round half up to two decimals, for display only."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def value_counts(responses: Iterable[Mapping[str, str]]) -> ValueCounts:
    """Count the stored values of every question: {question key: {stored value: responses}}."""
    counts: dict[str, Counter[str]] = {}
    for response in responses:
        for key, value in response.items():
            counts.setdefault(key, Counter())[value] += 1
    return counts


def levels_of(values: Mapping[str, int]) -> Counter[int]:
    """The scale levels (0-5) among one question's value counts; blanks and junk are dropped."""
    counts: Counter[int] = Counter()
    for value, n in values.items():
        level = _STORED_LEVELS.get(value)
        if level is not None:
            counts[level] += n
    return counts


def wish_counts(survey: Survey, counts: ValueCounts) -> list[tuple[str, int]]:
    """Return (label, count) for every option of the wishes question, most chosen first."""
    if survey.wishes is None:
        return []
    question = survey.question(survey.wishes)
    chosen = _chosen(counts.get(question.key, {}))
    options = options_for(question)
    ranked = sorted(enumerate(options), key=lambda pair: (-chosen[pair[1].value], pair[0]))
    return [(option.label, chosen[option.value]) for _, option in ranked]


def tally_options(survey: Survey, counts: ValueCounts) -> tuple[OptionTally, ...]:
    """Count the answers per option of every question whose kind is tallied (scale, choices)."""
    return tuple(
        _tally(question, _chosen(counts.get(question.key, {})))
        for question in survey.questions
        if kind_of(question).tallied
    )


def score_wave(
    survey: Survey,
    responses: Sequence[Mapping[str, str]],
    invited: int,
    *,
    method: Method = "mean",
    min_group: int = MIN_GROUP,
) -> WaveScore:
    """Score one wave; with fewer than min_group respondents only the counts are given."""
    counts = value_counts(responses)
    return score_counts(survey, counts, len(responses), invited, method=method, min_group=min_group)


def score_counts(
    survey: Survey,
    counts: ValueCounts,
    respondents: int,
    invited: int,
    *,
    method: Method = "mean",
    min_group: int = MIN_GROUP,
) -> WaveScore:
    """Score responses given as value counts (what a database GROUP BY returns).

    The same figures as `score_wave` on the responses themselves: every index only needs how
    many responses gave each value to each question.
    """
    rate = participation_rate(respondents, invited)
    if respondents < min_group:
        return WaveScore(
            respondents=respondents,
            invited=invited,
            participation_rate=rate,
            elements=(),
            overall_index=None,
            overall_question_index=None,
            mean_score=None,
            wishes=(),
            suppressed=True,
        )
    elements = tuple(
        _score_element(survey, element.key, element.title, counts, method)
        for element in survey.elements
    )
    scale_keys = [question.key for question in survey.questions if kind_of(question).scored]
    all_levels = sum((levels_of(counts.get(key, {})) for key in scale_keys), Counter[int]())
    overall_question = survey.overall
    return WaveScore(
        respondents=respondents,
        invited=invited,
        participation_rate=rate,
        elements=elements,
        overall_index=service_index(element.index for element in elements),
        overall_question_index=(
            item_index(levels_of(counts.get(overall_question, {}))) if overall_question else None
        ),
        mean_score=item_mean(all_levels),
        wishes=tuple(wish_counts(survey, counts)),
        suppressed=False,
    )


def _score_element(
    survey: Survey, key: str, title: str, counts: ValueCounts, method: Method
) -> ElementScore:
    items = tuple(
        score_item(question.key, levels_of(counts.get(question.key, {})))
        for question in survey.items(key)
    )
    return ElementScore(
        key=key,
        title=title,
        index=element_index(items, method),
        pooled_index=element_index(items, "pooled"),
        items=items,
    )


def _chosen(values: Mapping[str, int]) -> Counter[str]:
    """Responses per option value, a multiple choice counting for each option it names."""
    chosen: Counter[str] = Counter()
    for value, n in values.items():
        for part in split_choices(value):
            chosen[part] += n
    return chosen


def _tally(question: Question, chosen: Counter[str]) -> OptionTally:
    options = options_for(question)
    counts = tuple((option.label, chosen[option.value]) for option in options)
    return OptionTally(question.key, question.text, counts)


def _valid(counts: Mapping[int, int]) -> Counter[int]:
    return Counter({level: n for level, n in counts.items() if level in _LEVELS and n > 0})


def _mean(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return fmean(present) if present else None
