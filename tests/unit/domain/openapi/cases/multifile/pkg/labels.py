# ruff: noqa: UP035 - written the way Cog users write predictors
from typing import TypedDict

from typing_extensions import NotRequired


class Label(TypedDict):
    name: str
    confidence: NotRequired[float]
