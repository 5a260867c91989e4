"""Stored values and Vietnamese labels of the implicit answer options."""

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

UNKNOWN: Final = "0"
UNKNOWN_LABEL: Final = "Không rõ / không trả lời"
SCALE_LABELS: Final[Mapping[int, str]] = MappingProxyType(
    {
        1: "Rất không hài lòng",
        2: "Không hài lòng",
        3: "Bình thường",
        4: "Hài lòng",
        5: "Rất hài lòng",
    }
)
SATISFIED_LEVELS: Final = frozenset({4, 5})
YES: Final = "yes"
NO: Final = "no"
YES_LABEL: Final = "Có"
NO_LABEL: Final = "Không"
SKIPPED: Final = ""
SKIPPED_LABEL: Final = "(bỏ qua)"
UNANSWERED_LABEL: Final = "(chưa trả lời)"
CHOICE_SEPARATOR: Final = ","
LABEL_SEPARATOR: Final = "; "


def scale_values(*, allow_unknown: bool) -> list[str]:
    """Return the stored values of a scale question, in display order."""
    levels = [str(level) for level in SCALE_LABELS]
    return [*levels, UNKNOWN] if allow_unknown else levels


# The words of the engine's own buttons: the caller renders them, the engine accepts them typed.
SKIP_LABEL: Final = "Bỏ qua"
DONE_LABEL: Final = "Xong"
SUBMIT_LABEL: Final = "Gửi phiếu"
CHANGE_LABEL: Final = "Sửa câu trả lời"
CONFIRM_YES_LABEL: Final = "Có, đổi"
CONFIRM_NO_LABEL: Final = "Không đổi"
# The number each two-way choice is typed as, in the order its buttons are shown.
FIRST_KEY: Final = "1"
SECOND_KEY: Final = "2"

# Hints shown on their own line under a question.
MULTI_HINT: Final = "(Chọn tối đa {max}, rồi chọn “" + DONE_LABEL + "”.)"
# when the question's own text already says how many ("… (chọn tối đa 3)")
MULTI_DONE_HINT: Final = "(Chọn xong, anh/chị chọn “" + DONE_LABEL + "”.)"
TEXT_HINT: Final = "(Anh/chị gõ câu trả lời.)"
OPTIONAL_HINT: Final = " Nếu không có ý kiến, chọn “" + SKIP_LABEL + "”."
