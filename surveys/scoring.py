"""SIPAS-style scoring: top-2-box item indices, element and overall indices, participation."""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean
from typing import Literal

from surveys.labels import SATISFIED_LEVELS, SCALE_LABELS, UNKNOWN
from surveys.options import options_for, split_choices
from surveys.schema import Survey

Method = Literal["mean", "pooled"]
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


def level_counts(responses: Iterable[Mapping[str, str]], key: str) -> Counter[int]:
    """Count the stored scale levels (0-5) of one question; blanks and junk are not counted."""
    counts: Counter[int] = Counter()
    for response in responses:
        level = _STORED_LEVELS.get(response.get(key, ""))
        if level is not None:
            counts[level] += 1
    return counts


def wish_counts(survey: Survey, responses: Sequence[Mapping[str, str]]) -> list[tuple[str, int]]:
    """Return (label, count) for every option of the wishes question, most chosen first."""
    if survey.wishes is None:
        return []
    question = survey.question(survey.wishes)
    counts = Counter(
        value for response in responses for value in split_choices(response.get(question.key, ""))
    )
    options = options_for(question)
    ranked = sorted(enumerate(options), key=lambda pair: (-counts[pair[1].value], pair[0]))
    return [(option.label, counts[option.value]) for _, option in ranked]


def score_wave(
    survey: Survey,
    responses: Sequence[Mapping[str, str]],
    invited: int,
    *,
    method: Method = "mean",
    min_group: int = MIN_GROUP,
) -> WaveScore:
    """Score one wave; with fewer than min_group respondents only the counts are given."""
    respondents = len(responses)
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
        _score_element(survey, element.key, element.title, responses, method)
        for element in survey.elements
    )
    scale_keys = [question.key for question in survey.questions if question.type == "scale"]
    all_levels = sum((level_counts(responses, key) for key in scale_keys), Counter[int]())
    overall_question = survey.overall
    return WaveScore(
        respondents=respondents,
        invited=invited,
        participation_rate=rate,
        elements=elements,
        overall_index=service_index(element.index for element in elements),
        overall_question_index=(
            item_index(level_counts(responses, overall_question)) if overall_question else None
        ),
        mean_score=item_mean(all_levels),
        wishes=tuple(wish_counts(survey, responses)),
        suppressed=False,
    )


def _score_element(
    survey: Survey,
    key: str,
    title: str,
    responses: Sequence[Mapping[str, str]],
    method: Method,
) -> ElementScore:
    items = tuple(
        score_item(question.key, level_counts(responses, question.key))
        for question in survey.items(key)
    )
    return ElementScore(
        key=key,
        title=title,
        index=element_index(items, method),
        pooled_index=element_index(items, "pooled"),
        items=items,
    )


def _valid(counts: Mapping[int, int]) -> Counter[int]:
    return Counter({level: n for level, n in counts.items() if level in _LEVELS and n > 0})


def _mean(values: Iterable[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return fmean(present) if present else None
