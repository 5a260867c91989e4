"""Load survey definitions from YAML files, reporting the file, line and reason of any fault."""

import errno
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml's parser, ten times faster; the same nodes, lines and errors
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # a PyYAML built without libyaml
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

from surveys.schema import Survey
from surveys.versions import version_conflict

DEFINITIONS = Path(__file__).parent / "definitions"
_BOOL_TAG = "tag:yaml.org,2002:bool"


class SurveyFileError(ValueError):
    """A survey file that cannot be used; str() is "path:line: reason"."""

    def __init__(self, path: str | Path, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{self.path}:{line}: {reason}")


class _Loader(_SafeLoader):
    """Safe loader with YAML 1.2 booleans, so that `equals: yes` stays the string "yes"."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


class Catalog:
    """Surveys by (key, version)."""

    def __init__(self, surveys: Iterable[Survey] = ()) -> None:
        self._surveys: dict[tuple[str, int], Survey] = {}
        for survey in surveys:
            self.add(survey)

    def add(self, survey: Survey) -> None:
        """Add a survey; ValueError for a second one with the same key and version, or one
        where a question key means another question than in another version."""
        ident = (survey.key, survey.version)
        if ident in self._surveys:
            raise ValueError(f"survey {survey.key!r} version {survey.version} is already loaded")
        conflict = self.conflict(survey)
        if conflict is not None:
            raise ValueError(f"survey {survey.key!r} version {survey.version}: {conflict[1]}")
        self._surveys[ident] = survey

    def conflict(self, survey: Survey) -> tuple[int, str] | None:
        """The first question of `survey` whose key means another question in a loaded version
        of it (surveys.versions): (its index, the reason); None if there is none."""
        for (key, _), known in sorted(self._surveys.items()):
            found = version_conflict(known, survey) if key == survey.key else None
            if found is not None:
                return found
        return None

    def versions(self, key: str) -> list[Survey]:
        """Every loaded version of a survey, oldest first."""
        return [survey for (known, _), survey in sorted(self._surveys.items()) if known == key]

    def get(self, key: str, version: int) -> Survey:
        """Return one version of a survey, or raise KeyError."""
        try:
            return self._surveys[(key, version)]
        except KeyError:
            raise KeyError(f"no survey {key!r} version {version}") from None

    def latest(self, key: str) -> Survey:
        """Return the highest version of a survey, or raise KeyError."""
        versions = [version for known, version in self._surveys if known == key]
        if not versions:
            raise KeyError(f"no survey {key!r}")
        return self._surveys[(key, max(versions))]

    def all(self) -> list[Survey]:
        """Return the latest version of every survey, by key."""
        return [self.latest(key) for key in sorted({key for key, _ in self._surveys})]

    def __contains__(self, item: object) -> bool:
        """Tell whether a key ("pulse") or a (key, version) pair is known."""
        if isinstance(item, str):
            return any(key == item for key, _ in self._surveys)
        return item in self._surveys

    def __len__(self) -> int:
        return len(self._surveys)


def load_survey(path: Path) -> Survey:
    """Load and validate one survey file, or raise SurveyFileError."""
    survey, _ = _load(Path(path))
    return survey


def load_catalog(extra_dirs: Sequence[Path] = ()) -> Catalog:
    """Load the built-in definitions and every *.yaml / *.yml file of the extra directories."""
    catalog = Catalog()
    sources: dict[tuple[str, int], Path] = {}
    for path in survey_files(extra_dirs):
        survey, root = _load(path)
        ident = (survey.key, survey.version)
        if ident in sources:
            reason = (
                f"survey {survey.key!r} version {survey.version} "
                f"is already defined in {sources[ident]}"
            )
            raise SurveyFileError(path, _line(root, ("version",)), reason)
        conflict = catalog.conflict(survey)
        if conflict is not None:
            index, reason = conflict
            raise SurveyFileError(path, _line(root, ("questions", index, "key")), reason)
        sources[ident] = path
        catalog.add(survey)
    return catalog


def survey_files(extra_dirs: Sequence[Path] = ()) -> list[Path]:
    """Return the definition files to load: built-in first, then each extra directory."""
    files = sorted(DEFINITIONS.glob("*.yaml"))
    for directory in map(Path, extra_dirs):
        if not directory.is_dir():
            raise NotADirectoryError(
                errno.ENOENT, "survey folder not found (HAILONG_SURVEY_DIRS)", str(directory)
            )
        files.extend(sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")]))
    return files


def check_survey(path: Path) -> tuple[Survey | None, list[SurveyFileError]]:
    """The survey in a file, or every problem found in it, each with its line, in line order
    (a YAML syntax error stops the reading: it is the only one then)."""
    survey, _, problems = _read(Path(path))
    return survey, problems


def _load(path: Path) -> tuple[Survey, Node]:
    survey, root, problems = _read(path)
    if survey is None or root is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise SurveyFileError(first.path, first.line, first.reason + more)
    return survey, root


def _read(path: Path) -> tuple[Survey | None, Node | None, list[SurveyFileError]]:
    try:
        root, data = _parse(path)
    except SurveyFileError as error:
        return None, None, [error]
    problems = _duplicate_keys(path, root, set())
    survey = None
    try:
        survey = Survey.model_validate(data)
    except ValidationError as error:
        for found in error.errors(include_url=False):
            loc = _full_loc(found)
            reason = f"{_dotted(loc)}: {found['msg']}" if loc else found["msg"]
            problems.append(SurveyFileError(path, _line(root, loc), reason))
    if problems:
        return None, root, sorted(problems, key=lambda problem: problem.line)
    return survey, root, []


def _parse(path: Path) -> tuple[Node, Any]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SurveyFileError(path, line, "the file is not UTF-8 text") from None
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise SurveyFileError(path, 1, "the file is empty")
        return root, loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        raise SurveyFileError(path, *_syntax_error(error)) from None
    except yaml.YAMLError as error:
        raise SurveyFileError(path, 1, f"YAML error: {error}") from None
    finally:
        loader.dispose()


def _syntax_error(error: yaml.MarkedYAMLError) -> tuple[int, str]:
    """Return the line of the problem and a reason that also points at its context."""
    mark = error.problem_mark or error.context_mark
    reason = f"YAML syntax error: {error.problem or error.context or 'invalid YAML'}"
    if error.problem and error.context and error.context_mark is not None:
        reason += f" ({error.context} on line {error.context_mark.line + 1})"
    return (mark.line + 1 if mark is not None else 1), reason


def _duplicate_keys(path: Path, node: Node, visited: set[int]) -> list[SurveyFileError]:
    """Every key given twice in one mapping, at its second place."""
    if id(node) in visited:
        return []
    visited.add(id(node))
    found: list[SurveyFileError] = []
    if isinstance(node, MappingNode):
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode):
                line = key_node.start_mark.line + 1
                if key_node.value in first_lines:
                    first = first_lines[key_node.value]
                    reason = f"duplicate key {key_node.value!r} (first on line {first})"
                    found.append(SurveyFileError(path, line, reason))
                else:
                    first_lines[key_node.value] = line
            found += _duplicate_keys(path, value_node, visited)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            found += _duplicate_keys(path, item, visited)
    return found


def _full_loc(error: ErrorDetails) -> tuple[str | int, ...]:
    """Return the error's location, extended by the field path our own validators attach."""
    extra = error.get("ctx", {}).get("path", ())
    return (*error["loc"], *extra)


def _line(root: Node, loc: Sequence[str | int]) -> int:
    """Return the 1-based line of the deepest YAML node on the path loc."""
    node = root
    for part in loc:
        child = _child(node, part)
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _child(node: Node, part: str | int) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == str(part):
                found: Node = value_node
                return found
    elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        child: Node = node.value[part]
        return child
    return None


def _dotted(loc: Sequence[str | int]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text
