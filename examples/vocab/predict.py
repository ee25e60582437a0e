"""Find the words of a text that the vocabulary knows, most frequent first."""

import json
import os

from cog import BaseRunner, Input

DEFAULT_VOCABULARY = {"cog": 3, "model": 2, "image": 1}


class Predictor(BaseRunner):
    def setup(self) -> None:
        path = os.environ.get("VOCABULARY", "")
        self.vocabulary = json.loads(open(path).read()) if path else DEFAULT_VOCABULARY

    def run(
        self,
        text: str = Input(description="Text to look at", min_length=1),
        top: int = Input(description="How many words to return", default=3, ge=1, le=10),
    ) -> list[str]:
        words = {word.strip(".,;:!?").lower() for word in text.split()}
        known = sorted(words & self.vocabulary.keys(), key=lambda w: (-self.vocabulary[w], w))
        return known[:top]
