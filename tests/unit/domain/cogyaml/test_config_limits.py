"""cog.yaml is outside input: every hostile document is a ConfigError naming its line and the
limit it passed, in bounded time (issue 15; decision 0034).

Time is never measured against a goal here (that is tests/benchmarks/); where a defect was
quadratic, a CPU-time bound tens of times above today's cost tells the two apart.
"""

from __future__ import annotations

import posixpath
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from domain.cogyaml.models import CogConfig, WeightSource, WeightSourceConfig
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete, validate_python_version
from domain.cogyaml.versions import parse_version
from domain.cogyaml.weights import weights_problems
from domain.errors import ConfigError
from domain.limits import MAX_COG_YAML_BYTES, MAX_COG_YAML_DEPTH, MAX_COG_YAML_NODES


def _config_error(text: str) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        validate_and_complete(parse_config(text), ())
    return info.value


# ------------------------------------------------------------------ numbers beyond 64 bits


@pytest.mark.parametrize("digits", [400, 4_301, 100_000])
def test_an_integer_of_thousands_of_digits_is_a_type_error_not_a_crash(digits: int) -> None:
    # It was a ValueError of Python's 4,300-digit conversion limit. yaml.v2 resolves such a
    # scalar as neither int nor float (out of range) but as a string: the schema says so.
    error = _config_error("concurrency:\n  max: " + "9" * digits + "\n")
    assert error.field == "concurrency.max"


@pytest.mark.parametrize(
    "text", ["0x" + "f" * 5_000, "0o" + "7" * 5_000, "0b" + "1" * 5_000, "0" + "7" * 5_000]
)
def test_long_integers_in_other_bases_are_out_of_range_too(text: str) -> None:
    assert _config_error(f"concurrency:\n  max: {text}\n").field == "concurrency.max"


def test_a_python_version_of_thousands_of_digits_is_out_of_range() -> None:
    config = parse_config("build:\n  python_version: '3." + "1" * 5_000 + "'\n")
    with pytest.raises(ConfigError) as info:
        validate_python_version(config)
    assert info.value.field == "build.python_version"


def test_a_cuda_version_of_thousands_of_digits_is_an_invalid_major_version() -> None:
    error = _config_error("build:\n  gpu: true\n  cuda: '" + "1" * 5_000 + ".8'\n")
    assert error.field == "build.cuda"


@pytest.mark.parametrize(
    ("text", "value"),
    [("12", 12), ("-9223372036854775808", -(2**63)), ("9223372036854775808", None)],
)
def test_go_atoi_holds_64_bits(text: str, value: int | None) -> None:
    from domain.cogyaml.versions import go_atoi

    assert go_atoi(text) == value


def test_a_version_part_of_thousands_of_digits_does_not_parse() -> None:
    assert parse_version("1" * 5_000 + ".2") is None


# ------------------------------------------------------------------ size, nodes, depth


def test_text_over_the_size_limit_is_refused_before_it_is_read() -> None:
    error = _config_error("image: " + "a" * MAX_COG_YAML_BYTES + "\n")
    assert error.field == ""
    assert str(MAX_COG_YAML_BYTES) in error.reason


def test_the_size_limit_counts_utf8_bytes() -> None:
    # 350,000 three-byte characters: a third of the limit in characters, over it in bytes.
    with pytest.raises(ConfigError):
        parse_config("image: " + "€" * (MAX_COG_YAML_BYTES // 3 + 1) + "\n")


def test_a_document_at_the_size_limit_is_read() -> None:
    text = "image: " + "a" * (MAX_COG_YAML_BYTES - 8) + "\n"
    assert len(parse_config(text).image) == MAX_COG_YAML_BYTES - 8


@pytest.mark.parametrize(
    "text",
    [
        "build:\n  system_packages:\n" + "    - a\n" * (MAX_COG_YAML_NODES + 1),
        "environment: [" + "A=1, " * (MAX_COG_YAML_NODES + 1) + "]\n",
        # Few nodes written, many decoded: each alias counts its target again (yaml.v2's rule).
        "a: &a [" + ", ".join(["x"] * 99) + "]\nb: [" + ", ".join(["*a"] * 300) + "]\n",
    ],
    ids=["block-list", "flow-list", "aliases"],
)
def test_more_nodes_than_the_limit_are_refused_at_the_line_that_passes_it(text: str) -> None:
    error = _config_error(text)
    assert error.line is not None
    assert str(MAX_COG_YAML_NODES) in error.reason


def test_an_alias_counts_its_depth_where_it_is_used() -> None:
    deep = "[" * 40 + "]" * 40
    error = _config_error(f"a: &a {deep}\nb: {'[' * 30}*a{']' * 30}\n")
    assert error.line == 2
    assert str(MAX_COG_YAML_DEPTH) in error.reason


def test_nesting_at_the_depth_limit_is_read() -> None:
    # The root mapping is one level: a list nested up to the limit fits under an unknown key
    # when build is null (the only place Cog's schema allows it).
    depth = MAX_COG_YAML_DEPTH - 1
    config = parse_config("build:\nx: " + "[" * depth + "]" * depth + "\n")
    assert config.build.python_version


# ------------------------------------------------------------------ weights in linear time


def _weight(i: int, target: str) -> WeightSource:
    return WeightSource(name=f"w{i}", target=target, source=(WeightSourceConfig(uri="s3://x"),))


def test_ten_thousand_weights_validate_in_linear_time() -> None:
    # Cog compares every target with every earlier one: 10,000 took 15-30 s of CPU here.
    # Linear, it takes a fraction of a second; 5 s of CPU is a bound no loaded machine misses.
    config = CogConfig(
        model="r8.im/acme/m", weights=tuple(_weight(i, f"/w/{i}") for i in range(10_000))
    )
    start = time.process_time()
    assert weights_problems(config) == []
    assert time.process_time() - start < 5


def _cogs_first_overlap(previous: list[str], cleaned: str) -> str | None:
    """Cog's loop (pkg/config/validate.go), kept as the oracle."""

    def is_subpath(child: str, parent: str) -> bool:
        return child != parent and child.startswith(parent + "/")

    return next((p for p in previous if is_subpath(cleaned, p) or is_subpath(p, cleaned)), None)


_parts = st.sampled_from(["a", "b", "ab", "..", "."])
_paths = st.lists(_parts, min_size=0, max_size=4).map("/".join)
_targets = st.tuples(st.sampled_from(["/", "", "//"]), _paths).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_targets, max_size=12))
@example(["/a", "/a/b", "/b", "/a"])
@example(["/a/b", "/a/c", "/a"])
@example(["//a", "/a/b"])
def test_the_first_overlapping_target_is_the_one_cogs_loop_finds(targets: list[str]) -> None:
    from domain.cogyaml.weights import _Targets

    tree, seen_in_order = _Targets(), []
    for target in targets:
        cleaned = posixpath.normpath(target) if target else "."
        cleaned = "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned
        if cleaned in tree.seen:
            continue
        assert tree.first_overlap(cleaned) == _cogs_first_overlap(seen_in_order, cleaned)
        tree.add(cleaned)
        seen_in_order.append(cleaned)


def test_a_leading_double_slash_folds_as_in_go() -> None:
    config = CogConfig(model="r8.im/acme/m", weights=(_weight(0, "/a"), _weight(1, "//a")))
    assert [field for field, _ in weights_problems(config)] == ["weights.1.target"]


def test_a_lone_surrogate_is_a_config_error_on_its_line() -> None:
    # Was: UnicodeEncodeError from libyaml (a str handed to the library; no file holds one).
    error = _config_error("build:\n  python_version: '3.12'\nimage: 'a\udc80'\n")
    assert error.line == 3
