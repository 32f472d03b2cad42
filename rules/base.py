"""What every rule-file model shares: closed, immutable pydantic models with strict scalars, a YAML
reader that refuses duplicate keys, and one ``RuleError`` whose message names the file, the key path,
what is wrong and what to do, one line per problem (pydantic's own text never reaches the user).
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Hashable, Iterable
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError


class RuleError(ValueError):
    """A rule file that cannot be used.

    ``problems`` is a list of (dotted key path, what is wrong and what to do); the message has one
    line per problem, each starting with the file: ``rules/2026.yaml: programmes.BPNT.deciles[1]: ...``.
    """

    def __init__(self, source: str, problems: list[tuple[str, str]]):
        self.source = source
        self.problems = problems
        super().__init__(
            "\n".join(f"{source}: {path}: {text}" if path else f"{source}: {text}" for path, text in problems)
        )


class RuleModel(BaseModel):
    """A section of a rule file. Unknown keys are refused (``extra="forbid"``): a misspelled optional
    key would otherwise be ignored and its default used. Scalars are declared with pydantic's Strict
    types, so ``true`` is not a number and ``"3"`` is not an integer. Instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Problems(ValueError):
    """Raised by a validator for problems below the value it checks, each as (sub-path, text), so
    that every problem is reported at its own key path."""

    def __init__(self, *problems: tuple[tuple[str | int, ...], str]):
        super().__init__("; ".join(text for _, text in problems))
        self.problems = problems


def one_of(values: Iterable[str], what: str, where: str = "") -> AfterValidator:
    """A validator for a string field that must be one of ``values``: ``what`` names them, ``where``
    says where they are defined."""
    allowed = tuple(values)

    def check(value: str) -> str:
        if value not in allowed:
            close = difflib.get_close_matches(value, allowed, n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            defined = f" ({where})" if where else ""
            raise ValueError(f"'{value}' is not {what}; {hint}known: {', '.join(allowed)}{defined}")
        return value

    return AfterValidator(check)


def repeated(values: Iterable[object], what: str) -> list[tuple[tuple[int], str]]:
    """A problem for every value already seen earlier in the list."""
    first: dict[object, int] = {}
    out = []
    for i, v in enumerate(values):
        if v in first:
            out.append(((i,), f"{what} '{v}' is listed again (first at [{first[v]}]): list it once"))
        first.setdefault(v, i)
    return out


# --- reading -----------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader, except that a key given twice in one mapping is an error (PyYAML keeps the
    last one silently: a copied programme block whose name was not changed would vanish)."""

    def construct_mapping(self, node, deep=False):
        self.flatten_mapping(node)
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"key '{key}' is given twice in the same mapping (YAML would keep only the last); keep one",
                    key_node.start_mark,
                )
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(raw: bytes, source: str) -> Any:
    """The YAML document in ``raw``; a syntax error or a repeated key is a ``RuleError``."""
    try:
        return yaml.load(raw, Loader=_UniqueKeyLoader)  # noqa: S506  (a SafeLoader subclass)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = str(exc.problem or exc.context or "unreadable")
        if not problem.startswith("key '"):
            problem = f"not valid YAML: {problem}; check the indentation and quoting there"
        raise RuleError(source, [("", where + problem)]) from None
    except yaml.YAMLError as exc:
        raise RuleError(source, [("", f"not valid YAML: {' '.join(str(exc).split())}")]) from None


M = TypeVar("M", bound=BaseModel)


def validated(model: type[M], data: Any, source: str) -> M:
    """``data`` (a parsed YAML document) as a ``model``, or a ``RuleError`` listing every problem."""
    if not isinstance(data, dict):
        raise RuleError(source, [("", f"must be a mapping of 'key: value' lines at the top level; got {_shown(data)}")])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RuleError(source, problems(exc, model)) from None


# --- pydantic's errors in our words ------------------------------------------------------------


def problems(exc: ValidationError, model: type[BaseModel]) -> list[tuple[str, str]]:
    """Each error of ``exc`` as (dotted key path, what is wrong and what to do)."""
    out = []
    for e in exc.errors(include_url=False):
        loc = tuple(e["loc"])
        if loc and loc[-1] == "[key]":  # the key of a mapping was refused, not its value
            loc = loc[:-1]
        err = (e.get("ctx") or {}).get("error")
        if isinstance(err, Problems):
            out += [(dotted(loc + tuple(sub)), text) for sub, text in err.problems]
        else:
            out.append((dotted(loc), _text(e, model, loc)))
    return out


def dotted(loc: tuple) -> str:
    """``('programmes', 'BPNT', 'deciles', 1)`` -> ``programmes.BPNT.deciles[1]``."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


_EXPECTED = {
    "int_type": "a whole number, written without quotes or separators",
    "int_parsing": "a whole number, written without quotes or separators",
    "int_from_float": "a whole number, written without quotes or separators",
    "float_type": "a number, written without quotes",
    "float_parsing": "a number, written without quotes",
    "finite_number": "a finite number",
    "bool_type": "true or false, written without quotes",
    "bool_parsing": "true or false, written without quotes",
    "string_type": "text (put it in quotes if YAML reads it as something else)",
    "list_type": "a list: [A, B] or one '- A' line per item",
    "tuple_type": "a list: [A, B] or one '- A' line per item",
    "dict_type": "a mapping of 'key: value' lines",
    "model_type": "a mapping of 'key: value' lines",
    "model_attributes_type": "a mapping of 'key: value' lines",
}
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def _text(e: dict, model: type[BaseModel], loc: tuple) -> str:
    kind, value, ctx = e["type"], e.get("input"), e.get("ctx") or {}
    if kind == "extra_forbidden":
        keys = _keys_at(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), keys, n=1)
        todo = f"did you mean '{close[0]}'?" if close else "remove it or correct the spelling"
        return (
            f"unknown key (nothing reads it: a misspelled key would leave its default in force); {todo} "
            f"(keys here: {', '.join(keys)})"
        )
    if kind == "missing":
        field = _field_at(model, loc)
        about = f" ({field.description})" if field is not None and field.description else ""
        return f"missing: add this key{about}"
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error") or e["msg"])
    if kind in _EXPECTED:
        return f"must be {_EXPECTED[kind]}; got {_shown(value)}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"must be {words} {ctx[key]}; got {value!r}"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return "must not be empty" if n == 1 else f"must have at least {n} items; got {ctx.get('actual_length')}"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}; got {_shown(value)}"
    return f"{e['msg'][:1].lower()}{e['msg'][1:]}; got {_shown(value)}"


def _shown(value: Any) -> str:
    """A value as the rule file's author wrote it, with its kind where YAML may have surprised them."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no, not a number or text)"
    if value is None:
        return "an empty value"
    if isinstance(value, str):
        return f"'{value[:60]}' (text)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (int, float)):
        return f"{value!r} (a number)"
    return f"{value} ({type(value).__name__})"


def _unwrap(ann: Any) -> Any:
    """The type inside ``Annotated[...]`` and ``X | None``."""
    while True:
        origin = typing.get_origin(ann)
        if origin is Annotated:
            ann = typing.get_args(ann)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(ann) if a is not type(None)]
            if len(args) != 1:
                return ann
            ann = args[0]
        else:
            return ann


def _model_at(model: type[BaseModel], loc: tuple) -> Any:
    """The annotation found by following ``loc`` (field names, mapping keys, list indices) from ``model``."""
    ann: Any = model
    for part in loc:
        ann = _unwrap(ann)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            field = ann.model_fields.get(str(part))
            if field is None:
                return None
            ann = field.annotation
        elif typing.get_origin(ann) is dict:
            ann = typing.get_args(ann)[1]
        elif typing.get_origin(ann) in (list, tuple):
            ann = typing.get_args(ann)[0]
        else:
            return None
    return _unwrap(ann)


def _keys_at(model: type[BaseModel], loc: tuple) -> list[str]:
    ann = _model_at(model, loc)
    return list(ann.model_fields) if isinstance(ann, type) and issubclass(ann, BaseModel) else []


def _field_at(model: type[BaseModel], loc: tuple):
    parent = _model_at(model, loc[:-1])
    if loc and isinstance(parent, type) and issubclass(parent, BaseModel):
        return parent.model_fields.get(str(loc[-1]))
    return None
