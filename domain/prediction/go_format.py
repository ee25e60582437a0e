"""Numbers and values as Go's ``fmt`` prints them, for messages in Cog's (kin-openapi's) words.

Cog's input messages come from Go: a bound in ``number must be at most 1024`` is a float64
printed with ``%g``, a choice in ``must be one of: 1, 2`` a decoded JSON value printed with
``%v``. Printing them the same way keeps the messages Cog's, character for character.
"""

from __future__ import annotations

from decimal import Decimal


def go_value(value: object) -> str:
    """A JSON value as Go's ``%v`` prints what ``encoding/json`` decoded."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return go_g(value)
    if value is None:
        return "<nil>"
    return str(value)


def go_g(number: object) -> str:
    """``number`` as Go's ``%g`` prints a float64: its shortest digits, in exponent form when
    the decimal exponent is below -4 or 6 and above (Go's rule for the shortest precision).

    >>> [go_g(x) for x in (16, 1024.0, 0.5, 1e-05, 1e6, 123456789, 2.5e-7, -0.25, 100000)]
    ['16', '1024', '0.5', '1e-05', '1e+06', '1.23456789e+08', '2.5e-07', '-0.25', '100000']
    """
    value = float(number)  # type: ignore[arg-type]
    if value == 0:
        return "0"
    prefix = "-" if value < 0 else ""
    _, digits, exponent = Decimal(repr(abs(value))).normalize().as_tuple()
    text = "".join(map(str, digits))
    assert isinstance(exponent, int)  # a finite number
    exp10 = len(text) + exponent - 1
    if exp10 < -4 or exp10 >= 6:
        head = text[0] + ("." + text[1:] if len(text) > 1 else "")
        return f"{prefix}{head}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    if exponent >= 0:
        return prefix + text + "0" * exponent
    point = len(text) + exponent
    if point > 0:
        return f"{prefix}{text[:point]}.{text[point:]}"
    return f"{prefix}0.{'0' * -point}{text}"
