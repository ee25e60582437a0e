"""Property tests: documents PyYAML writes read back as written; merges follow yaml.v2.

PyYAML's emitter is the generator: random trees (with shared sub-trees, which it writes as
anchors and aliases) and random cog.yaml configs, dumped with random styles (flow or block,
indentation, line width that folds long scalars, explicit document start). Reading them back
must give the same tree, and ``parse_config`` the same config.

Scalars are kept to those PyYAML's and yaml.v2's YAML 1.1 resolvers read alike: PyYAML writes
the string ``y`` (or ``1e3``, ``0o17``) without quotes, because to PyYAML it is a string, and
yaml.v2 (hence Cog, hence this reader) reads it back as a boolean (a float, an integer). Those
differences are pinned down in ``test_config_yaml_reader.py``; here they are filtered out.
"""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from domain.cogyaml.decode import json_document
from domain.cogyaml.parse import parse_config
from domain.cogyaml.yaml_nodes import resolve_plain
from domain.cogyaml.yaml_reader import parse_yaml
from domain.errors import ConfigError

_PYYAML_RESOLVER = yaml.resolver.Resolver()
_STR_TAG = "tag:yaml.org,2002:str"
_YAML_LINE_BREAKS = "\x85\u2028\u2029"
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _agree_on_plain(text: str) -> bool:
    """Both resolvers read ``text`` (as a plain scalar) to the same kind of value."""
    pyyaml_tag = _PYYAML_RESOLVER.resolve(yaml.ScalarNode, text, (True, False))
    return (pyyaml_tag == _STR_TAG) == isinstance(resolve_plain(text), str)


def _text_ok(text: str) -> bool:
    """Text a UTF-8 file can hold (no lone surrogates) without YAML 1.1's extra line breaks.

    Control characters other than tab and newline are left out too: PyYAML's emitter, folding
    a double-quoted scalar full of escapes at a narrow width, writes text that no reader
    (PyYAML's own included) reads back as it was (``'\\x1f\\x1f 0'`` at width 12).
    """
    return (
        _agree_on_plain(text)
        and not any((c < " " and c not in "\t\n") or "\x7f" <= c <= "\x9f" for c in text)
        and not any(c in text for c in _YAML_LINE_BREAKS)
        and not any("\ud800" <= c <= "\udfff" for c in text)
    )


keys = st.from_regex(r"[a-z_][a-z0-9_]{0,8}", fullmatch=True).filter(_agree_on_plain)
words = st.from_regex(
    r"[A-Za-z0-9_./+=@-][A-Za-z0-9_./+=@ -]{0,12}[A-Za-z0-9_./+=-]", fullmatch=True
)
strings = st.one_of(words.filter(_text_ok), st.text(max_size=20).filter(_text_ok))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.tuples(st.integers(0, 10**4), st.integers(0, 999)).map(lambda p: float(f"{p[0]}.{p[1]}")),
    strings,
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=4),
    ),
    max_leaves=12,
)
styles = st.fixed_dictionaries(
    {
        "default_flow_style": st.sampled_from([None, True, False]),
        "indent": st.integers(2, 6),
        "width": st.sampled_from([12, 30, 80, 1000]),
        "allow_unicode": st.booleans(),
        "explicit_start": st.booleans(),
    }
)


@st.composite
def documents_with_shared_parts(draw) -> dict[str, object]:
    """A mapping whose values may repeat one collection object: PyYAML writes the repeats as
    aliases of an anchor."""
    document = draw(st.dictionaries(keys, trees, min_size=1, max_size=5))
    shared = draw(st.one_of(st.lists(trees, min_size=1, max_size=3), st.dictionaries(keys, trees)))
    for key in draw(st.lists(keys, max_size=3)):
        document[key] = shared
    return document


@SETTINGS
@given(document=documents_with_shared_parts(), style=styles)
def test_documents_pyyaml_writes_read_back_as_written(document, style) -> None:
    text = yaml.safe_dump(document, sort_keys=False, **style)
    # PyYAML's emitter can fold a double-quoted scalar inside an escape (``"0\x1f 0"`` at width
    # 12 reads back as ``0\x1f\\  0``, with PyYAML's own loader too): such a text does not say
    # what was meant, so it is no test of this reader.
    assume(yaml.safe_load(text) == document)
    assert json_document(parse_yaml(text)) == document, text


@SETTINGS
@given(base=st.dictionaries(keys, scalars, max_size=4), own=st.dictionaries(keys, scalars))
def test_merges_let_later_entries_win_as_in_yaml_v2(base, own) -> None:
    anchored = "base: &b " + yaml.safe_dump(base, default_flow_style=True, width=10**6)
    own_block = "".join(f"  {line}\n" for line in yaml.safe_dump(own).splitlines() if own)
    before = anchored + "x:\n  <<: *b\n" + own_block
    after = anchored + "x:\n" + own_block + "  <<: *b\n"
    assert json_document(parse_yaml(before))["x"] == {**base, **own}  # type: ignore[index]
    assert json_document(parse_yaml(after))["x"] == {**own, **base}  # type: ignore[index]


package = words.filter(lambda w: _text_ok(w) and isinstance(resolve_plain(w), str))
configs = st.fixed_dictionaries(
    {
        "build": st.fixed_dictionaries(
            {
                "gpu": st.booleans(),
                "python_version": st.sampled_from(["3.10", "3.11", "3.12", "3.13.1"]),
                "python_packages": st.lists(package, max_size=4),
                "system_packages": st.lists(package, max_size=3),
                "run": st.lists(
                    st.one_of(
                        package,
                        st.fixed_dictionaries(
                            {
                                "command": package,
                                "mounts": st.lists(
                                    st.fixed_dictionaries(
                                        {
                                            "type": st.just("secret"),
                                            "id": package,
                                            "target": package,
                                        }
                                    ),
                                    max_size=2,
                                ),
                            }
                        ),
                    ),
                    max_size=3,
                ),
            }
        ),
        "predict": package,
        "environment": st.lists(st.from_regex(r"[A-Z_]{1,6}=[a-z0-9/]{1,8}", fullmatch=True)),
    }
)


@SETTINGS
@given(config=configs, style=styles)
def test_configs_pyyaml_writes_parse_as_written(config, style) -> None:
    text = yaml.safe_dump(config, sort_keys=False, **style)
    parsed = parse_config(text)
    build = config["build"]
    assert parsed.build.gpu is build["gpu"]
    assert parsed.build.python_version == build["python_version"]
    assert parsed.build.python_packages == tuple(build["python_packages"])
    assert parsed.build.system_packages == tuple(build["system_packages"])
    commands = [item if isinstance(item, str) else item["command"] for item in build["run"]]
    assert [item.command for item in parsed.build.run] == commands
    assert parsed.predict == config["predict"]
    assert parsed.environment == tuple(config["environment"])


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list(" \n-:#[]{},'\"|>&*!?<abc123.\t")), max_size=40))
def test_any_text_is_read_or_refused_with_a_config_error_naming_the_line(text: str) -> None:
    reason = "line "
    try:
        parse_yaml(text)
    except ConfigError as exc:
        reason = str(exc)
    assert reason.startswith("line ")
