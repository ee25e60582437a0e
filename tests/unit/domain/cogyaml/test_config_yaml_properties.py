"""Property tests: the cog.yaml reader agrees with PyYAML on the constructs it supports.

Documents come from two generators: PyYAML's own emitter (``yaml.dump`` with random styles,
which folds long quoted and plain scalars, escapes, flows and indents), and a hand-written
emitter that mixes what people write in cog.yaml files (compact ``- key: value`` entries,
sequences at their key's indentation, flow collections inside blocks, block scalars with
chomping indicators, comments, blank lines). PyYAML is the oracle: where it reads a document,
ours must read the same value; where it refuses one, ours must refuse it too.

Scalars are kept to those both readers resolve alike: yaml.v2 (whose rules ours follow) also
reads ``y``/``n`` as booleans, ``1e3`` as a float and ``0o17`` as an integer, where PyYAML reads
strings.
"""

from __future__ import annotations

import json

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from domain.cogyaml.yaml_nodes import resolve_plain, to_python
from domain.cogyaml.yaml_text import parse_yaml
from domain.errors import ConfigError

_PYYAML_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_INDICATORS = "-?:,[]{}#&*!|>'\"%@`"
_YAML_LINE_BREAKS = "\x85\u2028\u2029"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _agree_on_plain(text: str) -> bool:
    """Both resolvers read ``text`` (as a plain scalar) to the same kind of value."""
    pyyaml_tag = _PYYAML_RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    ours = resolve_plain(text)
    return (pyyaml_tag == _STR_TAG) == isinstance(ours, str)


def _text_ok(text: str) -> bool:
    """Text a UTF-8 file can hold (no lone surrogates) without YAML 1.1's extra line breaks."""
    return (
        _agree_on_plain(text)
        and not any(c in text for c in _YAML_LINE_BREAKS)
        and not any("\ud800" <= c <= "\udfff" for c in text)
    )


keys = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(_agree_on_plain)
words = st.from_regex(
    r"[A-Za-z0-9_./+=@-][A-Za-z0-9_./+=@ -]{0,12}[A-Za-z0-9_./+=-]", fullmatch=True
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.tuples(st.integers(0, 10**4), st.integers(0, 999)).map(lambda p: float(f"{p[0]}.{p[1]}")),
    words.filter(_text_ok),
    st.text(max_size=20).filter(_text_ok),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=12,
)
documents = st.dictionaries(keys, trees, min_size=1, max_size=5)


def _check(text: str) -> None:
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        try:
            parse_yaml(text)
        except ConfigError:
            return
        raise AssertionError(f"PyYAML refuses this document, ours reads it:\n{text}") from None
    assert to_python(parse_yaml(text)) == expected, text


@SETTINGS
@given(
    document=documents,
    flow=st.sampled_from([None, True, False]),
    indent=st.integers(2, 6),
    width=st.sampled_from([12, 30, 80, 1000]),
    unicode=st.booleans(),
    start=st.booleans(),
)
def test_documents_pyyaml_writes_read_the_same(  # noqa: PLR0917 - hypothesis draws by keyword
    document, flow, indent, width, unicode, start
) -> None:
    text = yaml.safe_dump(
        document,
        default_flow_style=flow,
        indent=indent,
        width=width,
        allow_unicode=unicode,
        explicit_start=start,
        sort_keys=False,
    )
    _check(text)


# ------------------------------------------------------------- a hand-written emitter


def _plain_ok(text: str, *, flow: bool) -> bool:
    bad = ("\n", "\t", "\r", ": ", " #")
    return (
        bool(text)
        and text == text.strip()
        and text[0] not in _INDICATORS
        and not text.endswith(":")
        and not any(b in text for b in bad)
        and not (flow and any(c in text for c in ",[]{}:#"))
        and text.isprintable()
        and isinstance(resolve_plain(text), str)
        and _agree_on_plain(text)
    )


def _double_quoted(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)
    for char, escape in (("\x85", "\\N"), ("\u2028", "\\L"), ("\u2029", "\\P")):
        escaped = escaped.replace(char, escape)
    return "".join(c if c.isprintable() or c == " " else f"\\U{ord(c):08x}" for c in escaped)


def _scalar(draw, value: object, *, flow: bool) -> str:
    if value is None:
        return draw(st.sampled_from(["~", "null", "Null"]))
    if isinstance(value, bool):
        return draw(
            st.sampled_from(["true", "True", "yes", "on"] if value else ["false", "no", "OFF"])
        )
    if isinstance(value, int | float):
        return repr(value)
    assert isinstance(value, str)
    styles = ["double"] + (["single"] if value.isprintable() else [])
    styles += ["plain"] if _plain_ok(value, flow=flow) else []
    style = draw(st.sampled_from(styles))
    if style == "plain":
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return _double_quoted(value)


def _flow(draw, value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_flow(draw, item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_flow(draw, v)}" for k, v in value.items()) + "}"
    return _scalar(draw, value, flow=True)


def _comment(draw) -> str:
    return draw(st.sampled_from(["", "", "", "  # note", " #", "    # a: b, [c]"]))


def _block(draw, value: object, indent: int) -> list[str]:
    """Lines for ``value`` as a block node whose entries start at column ``indent``."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict) and value:
        for key, item in value.items():
            lines += [pad + "# between entries"] if draw(st.booleans()) and lines else []
            lines += [""] if draw(st.integers(0, 5)) == 0 else []
            lines += _entry(draw, f"{pad}{key}:", item, indent, mapping=True)
        return lines
    if isinstance(value, list) and value:
        for item in value:
            lines += _entry(draw, f"{pad}-", item, indent, mapping=False)
        return lines
    return [pad + _flow(draw, value)]


def _entry(draw, head: str, item: object, indent: int, *, mapping: bool) -> list[str]:
    step = draw(st.integers(1, 4))
    if isinstance(item, dict | list) and item and draw(st.integers(0, 2)):
        if not mapping and draw(st.booleans()):  # compact: "- key: v" or "- - v"
            nested = _block(draw, item, indent + 2)
            return [head + " " + nested[0].lstrip(" "), *nested[1:]]
        same = mapping and isinstance(item, list) and draw(st.booleans())  # "key:\n- a"
        return [head + _comment(draw), *_block(draw, item, indent if same else indent + step)]
    if isinstance(item, str) and "\n" in item and _literal_ok(item) and draw(st.booleans()):
        chomp = "-" if not item.endswith("\n") else ("" if not item.endswith("\n\n") else "+")
        body = item[:-1] if item.endswith("\n") and chomp != "+" else item
        body = body.rstrip("\n") if chomp == "+" else body
        lines = [" " * (indent + step) + line if line else "" for line in body.split("\n")]
        trailing = [""] * (len(item) - len(item.rstrip("\n")) - 1) if chomp == "+" else []
        return [f"{head} |{chomp}", *lines, *trailing]
    return [f"{head} {_flow(draw, item)}{_comment(draw)}"]


def _literal_ok(text: str) -> bool:
    lines = text.rstrip("\n").split("\n")
    return bool(lines[0]) and all(
        line.isprintable() and not line.startswith((" ", "\t")) and line == line.rstrip()
        for line in lines
    )


@st.composite
def hand_written(draw) -> str:
    document = draw(
        st.dictionaries(keys, trees | st.text(max_size=30).filter(_text_ok), min_size=1, max_size=5)
    )
    lines = ["# cog.yaml"] if draw(st.booleans()) else []
    lines += ["---"] if draw(st.booleans()) else []
    lines += _block(draw, document, 0)
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


@SETTINGS
@given(text=hand_written())
@example(text="build:\n  run:\n  - command: x\n    mounts:\n    - type: secret\n")
@example(text="a: |+\n  x\n\n\nb: >-\n  c\n  d\n")
def test_hand_written_documents_read_the_same(text: str) -> None:
    _check(text)


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list(" \n-:#[]{},'\"|>&*!?abc123.\t")), max_size=40))
def test_any_text_is_read_or_refused_with_a_config_error(text: str) -> None:
    try:
        parse_yaml(text)
    except ConfigError as exc:
        reason = exc.reason
    else:
        return
    assert reason.startswith("line ")
