"""Files as ``data:`` URLs, both ways."""

from __future__ import annotations

import pytest

from domain.errors import ProtocolError
from domain.prediction import InputFile, OutputFile, decode_data_url, is_data_url


def test_an_input_file_travels_as_a_base64_data_url() -> None:
    file = InputFile(name="a.png", content=b"\x89PNG", media_type="image/png")
    assert file.data_url() == "data:image/png;base64,iVBORw=="
    assert decode_data_url(file.data_url()) == OutputFile(
        content=b"\x89PNG", media_type="image/png"
    )


def test_a_percent_encoded_data_url_decodes_too() -> None:
    assert decode_data_url("data:text/plain,a%20b").content == b"a b"


@pytest.mark.parametrize("header", ["data:;base64", "data:None;base64"])
def test_no_media_type_is_octet_stream(header: str) -> None:
    assert decode_data_url(f"{header},AA==").media_type == "application/octet-stream"


@pytest.mark.parametrize("url", ["data:image/png;base64", "data:x;base64,!!!", "http://x,y"])
def test_a_malformed_data_url_is_a_protocol_error(url: str) -> None:
    with pytest.raises(ProtocolError):
        decode_data_url(url)


def test_only_strings_shaped_like_data_urls_are_data_urls() -> None:
    assert is_data_url("data:a,b")
    assert not is_data_url("data: nothing")
    assert not is_data_url(b"data:a,b")
