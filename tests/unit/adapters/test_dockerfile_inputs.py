"""The Dockerfile backend's small input rules: .dockerignore patterns, COG_CA_CERT, the runtime."""

from __future__ import annotations

import base64
import doctest
import logging
from pathlib import Path

import pytest

from adapters.dockerfile import dockerignore, hermetic
from adapters.dockerfile.cacert import read_ca_cert
from adapters.dockerfile.dockerignore import (
    can_skip_directory,
    is_excluded,
    parse_patterns,
    rewrite_under,
)
from adapters.dockerfile.runtime import CogRuntime, resolve_runtime, without_managed_packages
from domain.errors import ConfigError, InvalidInputError

PEM = "-----BEGIN CERTIFICATE-----\nMIIBxTCCAWugAwIBAgIU\n-----END CERTIFICATE-----"

# --------------------------------------------------------------------------- .dockerignore


@pytest.mark.parametrize(
    ("pattern", "path", "excluded"),
    [
        (".cog", ".cog/tmp/build1/requirements.txt", True),  # a directory takes its contents
        ("*.pyc", "a.pyc", True),
        ("*.pyc", "sub/a.pyc", False),  # * stays in one segment, anchored at the root
        ("**/*.pyc", "sub/deep/a.pyc", True),
        ("**/*.pyc", "a.pyc", True),  # **/ may match no directory
        ("weights/**", "weights", False),
        ("weights/**", "weights/a/b.bin", True),
        ("/build/", "build/x", True),  # leading slash and trailing slash are cleaned away
        ("./a//b", "a/b", True),
        ("data?", "data1", True),
        ("data?", "data/1", False),
        ("[ab].txt", "b.txt", True),
        ("[^ab].txt", "b.txt", False),
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
    ],
)
def test_patterns_match_as_the_engine_matches(pattern: str, path: str, excluded: bool) -> None:
    assert is_excluded(parse_patterns(pattern), path) is excluded


def test_the_last_matching_pattern_wins() -> None:
    patterns = parse_patterns("*.md\n!README.md\n")
    assert is_excluded(patterns, "NOTES.md")
    assert not is_excluded(patterns, "README.md")
    assert is_excluded(parse_patterns("!README.md\n*.md\n"), "README.md")


def test_comments_and_blank_lines_are_not_patterns() -> None:
    assert parse_patterns("# all\n\n   \n") == ()


def test_a_hash_after_leading_spaces_is_a_pattern_as_for_the_engine() -> None:
    assert is_excluded(parse_patterns("  # notes.txt\n"), "# notes.txt")


def test_a_byte_order_mark_is_not_part_of_the_first_pattern() -> None:
    # Excel and Notepad write one; the engine drops it, so `secret.txt` is still excluded.
    patterns = parse_patterns("\ufeffsecret.txt\r\n*.log\r\n")
    assert is_excluded(patterns, "secret.txt")
    assert is_excluded(patterns, "debug.log")
    assert rewrite_under(patterns, "src") == "src/secret.txt\nsrc/*.log\n"


def test_a_directory_is_skipped_only_when_no_exception_could_bring_files_back() -> None:
    assert can_skip_directory(parse_patterns("node_modules\n"), "node_modules")
    assert not can_skip_directory(parse_patterns("data\n!data/keep\n"), "data")


def test_patterns_moved_under_a_prefix_keep_their_meaning() -> None:
    moved = parse_patterns(rewrite_under(parse_patterns("*.pyc\n!keep.pyc\n../up\n"), "src"))
    assert is_excluded(moved, "src/a.pyc")
    assert not is_excluded(moved, "src/keep.pyc")
    assert not is_excluded(moved, "cog/requirements.txt")
    assert [p.text for p in moved] == ["src/*.pyc", "src/keep.pyc"]


# --------------------------------------------------------------------------- COG_CA_CERT


def test_no_value_means_no_certificate() -> None:
    assert read_ca_cert(None) is None
    assert read_ca_cert("") is None


def test_a_certificate_file_is_read_trimmed_with_one_final_newline(tmp_path: Path) -> None:
    cert = tmp_path / "proxy.crt"
    cert.write_text(f"\n\n{PEM}\n\n")
    assert read_ca_cert(str(cert)) == f"{PEM}\n".encode()


def test_a_directory_gives_its_crt_and_pem_files_in_name_order(tmp_path: Path) -> None:
    (tmp_path / "b.pem").write_text(PEM.replace("MIIB", "BBBB"))
    (tmp_path / "a.crt").write_text(PEM)
    (tmp_path / "notes.txt").write_text("not a certificate")
    data = read_ca_cert(str(tmp_path))
    assert data is not None
    assert data.index(b"MIIB") < data.index(b"BBBB")
    assert b"not a certificate" not in data


def test_inline_and_base64_pem_are_accepted() -> None:
    assert read_ca_cert(PEM) == f"{PEM}\n".encode()
    assert read_ca_cert(base64.b64encode(PEM.encode()).decode()) == f"{PEM}\n".encode()


@pytest.mark.parametrize(
    "value",
    [
        "not a path, not pem",
        base64.b64encode(b"hello").decode(),
        "-----BEGIN CERTIFICATE-----\nMIIB but no end",
        "-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----",
    ],
)
def test_anything_else_is_a_clear_invalid_input_error(value: str) -> None:
    with pytest.raises(InvalidInputError):
        read_ca_cert(value)


def test_a_directory_without_certificates_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError):
        read_ca_cert(str(tmp_path))


def test_a_bad_certificate_in_a_directory_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bad.crt").write_text("garbage")
    with pytest.raises(InvalidInputError):
        read_ca_cert(str(tmp_path))


def test_an_invalid_certificate_file_is_refused_in_cogs_words(tmp_path: Path) -> None:
    (tmp_path / "bad.crt").write_text("garbage")
    (tmp_path / "open.crt").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n")
    messages = []
    for value in (str(tmp_path / "bad.crt"), str(tmp_path / "open.crt"), "-----BEGIN X"):
        with pytest.raises(InvalidInputError) as info:
            read_ca_cert(value)
        messages.append(str(info.value))
    assert messages == [
        "invalid PEM: must start with '-----BEGIN CERTIFICATE-----'",
        "invalid PEM: must contain '-----END CERTIFICATE-----'",
        "invalid PEM: must start with '-----BEGIN CERTIFICATE-----'",
    ]


def test_an_invalid_certificate_in_a_directory_is_named_as_cog_names_it(tmp_path: Path) -> None:
    (tmp_path / "a.pem").write_text("garbage")
    with pytest.raises(InvalidInputError) as info:
        read_ca_cert(str(tmp_path))
    assert str(info.value) == (
        f"COG_CA_CERT: invalid certificate in {tmp_path / 'a.pem'}: "
        "invalid PEM: must start with '-----BEGIN CERTIFICATE-----'"
    )


# --------------------------------------------------------------------------- runtime


def test_the_configured_runtime_is_used_when_cog_yaml_pins_nothing() -> None:
    default = CogRuntime(version="0.23.1")
    assert resolve_runtime("", default) == default


def test_sdk_version_in_cog_yaml_wins() -> None:
    assert resolve_runtime("0.17.0", CogRuntime()).requirement == "cog==0.17.0"


def test_sdk_version_prerelease_means_the_newest_prerelease() -> None:
    runtime = resolve_runtime("prerelease", CogRuntime())
    assert (runtime.requirement, runtime.pip_flags) == ("cog", "--pre ")


def test_a_prerelease_pin_installs_with_pre() -> None:
    assert resolve_runtime("0.24.0b1", CogRuntime()).pip_flags == "--pre "


def test_an_sdk_older_than_cog_supports_is_a_config_error_on_sdk_version() -> None:
    with pytest.raises(ConfigError) as info:
        resolve_runtime("0.15.9", CogRuntime())
    assert info.value.field == "build.sdk_version"


def test_cog_and_coglet_lines_are_dropped_from_requirements_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = "--extra-index-url https://x\ncog==0.9.0\nCoglet[extra]>=1\nnumpy\n# cog\ncogs==1"
    with caplog.at_level(logging.WARNING):
        kept = without_managed_packages(text)
    assert kept == "--extra-index-url https://x\nnumpy\n# cog\ncogs==1"
    assert len(caplog.records) == 2


# --------------------------------------------------------------------------- doc examples


@pytest.mark.parametrize("module", [dockerignore, hermetic])
def test_the_examples_in_the_docstrings_hold(module: object) -> None:
    assert doctest.testmod(module).failed == 0  # type: ignore[arg-type]
