"""redact() and escape_controls(): the two things done to outside text before it is shown.

The secrets below are the ones issue 15 saw leak: a password in ``DOCKER_HOST``, and a
registry's 401 body echoing the Authorization header (Basic credential or Bearer token).
"""

from __future__ import annotations

import base64
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.safe_text import MASK, escape_controls, redact, shown

PASSWORD = "s3cr3t-P4ss"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl"
BASIC = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()


@pytest.mark.parametrize(
    "text",
    [
        f"Cannot connect to tcp://alice:{PASSWORD}@10.0.0.5:2376: refused",
        f"DOCKER_HOST=ssh://alice:{PASSWORD}@build-box",
        f"https://{TOKEN}@github.com/acme/model.git",
        f"Authorization: Basic {BASIC}",
        f"authorization: bearer {TOKEN}",
        f"Proxy-Authorization: Basic {BASIC}",
        f'{{"errors":[{{"code":"UNAUTHORIZED","detail":{{"Authorization":["Basic {BASIC}"]}}}}]}}',
        f"{{'Authorization': 'Bearer {TOKEN}'}}",
        f"echoed request header was Basic {BASIC} (rejected)",
        f"upstream said: Bearer {TOKEN}",
        f'{{"token":"{TOKEN}","access_token":"{TOKEN}","expires_in":300}}',
        f'{{"auths":{{"r8.im":{{"auth":"{BASIC}"}}}}}}',
        f'{{"username":"alice","password":"{PASSWORD}"}}',
        f"GET /token?service=r8.im&access_token={TOKEN}&scope=x",
        f"password={PASSWORD}&user=alice",
        f"identitytoken: {TOKEN}",
    ],
)
def test_no_credential_survives(text: str) -> None:
    redacted = redact(text)
    assert PASSWORD not in redacted
    assert TOKEN not in redacted
    assert BASIC not in redacted
    assert MASK in redacted


@pytest.mark.parametrize(
    "text",
    [
        "http://localhost:5000/v2/acme/model/manifests/latest",
        "https://r8.im/v2/",
        "Basic authentication is required",
        'WWW-Authenticate: Bearer realm="https://auth.r8.im/token",service="r8.im"',
        "pushing r8.im/acme/model:latest",
        "git@github.com:acme/model.git",
        "authorization failed for r8.im",
        "image a@sha256:" + "0" * 64,
    ],
)
def test_text_without_credentials_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_a_url_keeps_its_user_and_loses_its_password() -> None:
    assert redact(f"tcp://alice:{PASSWORD}@host:1") == f"tcp://alice:{MASK}@host:1"


def test_values_the_caller_knows_are_masked_however_they_are_framed() -> None:
    text = f"denied: the server echoed <{PASSWORD}> in its body"
    assert redact(text, known=[PASSWORD]) == f"denied: the server echoed <{MASK}> in its body"


def test_known_values_too_short_to_be_secrets_are_ignored() -> None:
    assert redact("a b c", known=["a", ""]) == "a b c"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("\x1b[2J\x1b[H", "\\x1b[2J\\x1b[H"),  # clear the screen
        ("\x1b]0;owned\x07", "\\x1b]0;owned\\x07"),  # retitle the terminal
        ("ok\rFAILED", "ok\\rFAILED"),  # overwrite the line
        ("\x9b31m", "\\x9b31m"),  # the 8-bit CSI
        ("file\u202egnp.exe", "file\\u202egnp.exe"),  # right-to-left override
        ("a\x00b\x7f", "a\\x00b\\x7f"),
        ("bad\udc80name", "bad\\udc80name"),  # a lone surrogate: no encoding can print it
        ("one\ntwo\tthree", "one\\ntwo\\tthree"),
        ("plain text, ünïcödé, 模型", "plain text, ünïcödé, 模型"),
    ],
)
def test_control_characters_are_written_as_visible_escapes(text: str, escaped: str) -> None:
    assert escape_controls(text) == escaped


def test_newlines_and_tabs_can_be_kept_for_multi_line_output() -> None:
    assert escape_controls("a\tb\nc\rd\x1b", keep_newlines=True) == "a\tb\nc\\rd\\x1b"


def test_shown_redacts_then_escapes() -> None:
    assert shown(f"\x1b[31mAuthorization: Basic {BASIC}") == "\\x1b[31mAuthorization: Basic ***"


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=200))  # surrogates included
def test_escaped_text_holds_no_control_character_and_prints_as_utf8(text: str) -> None:
    out = escape_controls(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    out.encode("utf-8")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_redaction_is_stable(text: str) -> None:
    # Applying it twice changes nothing more: a mask never looks like a secret again.
    once = redact(text)
    assert redact(once) == once


@pytest.mark.parametrize(
    "text",
    [
        "a." * 200_000 + "://x",  # scheme candidates at every dot
        "x://" + "u" * 400_000,  # user information that never reaches '@'
        '"token": "' + "a" * 400_000,  # an unterminated secret field
        "Authorization: " + "A" * 400_000,
        "Basic " * 100_000,
    ],
    ids=["schemes", "userinfo", "field", "header", "basic"],
)
def test_hostile_text_is_redacted_in_linear_time_and_memory(text: str) -> None:
    # No pattern may backtrack quadratically: 400 KB of worst case stays well under a second
    # (a bound ten times that, in CPU time, still tells linear from quadratic: quadratic is
    # minutes here) and under 20 MB.
    import time

    tracemalloc.start()
    start = time.process_time()
    shown(text)
    elapsed = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 10
    assert peak < 20 * 2**20
