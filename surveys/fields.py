"""Field types shared by the survey schema and the question kinds that check it."""

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict
from pydantic_core import PydanticCustomError

from surveys.text import nfc

_SLUG = re.compile(r"[a-z0-9_]+")
FieldPath = tuple[str | int, ...]


def invalid(reason: str, *path: str | int) -> PydanticCustomError:
    """Build a validation error whose ctx carries the path of the offending field."""
    return PydanticCustomError("survey_definition", "{reason}", {"reason": reason, "path": path})


def _check_slug(value: str) -> str:
    if not _SLUG.fullmatch(value):
        raise invalid(f"{value!r} is not a slug (use only a-z, 0-9 and _)")
    return value


def _clean_copy(value: str) -> str:
    value = nfc(value).strip()
    if not value:
        raise PydanticCustomError("empty_text", "must not be empty")
    return value


KEY_MAX = 32  # a survey's key travels in a button (Telegram allows 64 bytes in all)


def _check_key_length(value: str) -> str:
    if len(value) > KEY_MAX:
        raise invalid(f"{value!r} is longer than {KEY_MAX} characters")
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
SurveyKey = Annotated[str, AfterValidator(_check_slug), AfterValidator(_check_key_length)]
Copy = Annotated[str, AfterValidator(_clean_copy)]


class Model(BaseModel):
    """Base of the definition models: frozen, strict about extra fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", coerce_numbers_to_str=True)


class Option(Model):
    """One choice of a question: the stored value and the label the parent sees."""

    value: Slug
    label: Copy
