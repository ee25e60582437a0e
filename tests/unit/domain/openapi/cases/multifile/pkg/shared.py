# ruff: noqa: UP045 - written the way Cog users write predictors
from typing import Optional

from cog import BasePredictor

from .labels import Label


class SharedPredictor(BasePredictor):
    def run(self, prompt: str, limit: Optional[int] = None) -> Label:
        raise NotImplementedError
