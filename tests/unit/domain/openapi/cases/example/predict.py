"""A small Cog model with no dependencies beyond Cog: it formats text and returns a file.

Predict: ``cog predict -i text="hello world" -i style=title -i repeat=2``.
Train:   ``cog train -i corpus=@words.txt`` writes a vocabulary (JSON) of the corpus.

It exercises the schema's common cases: a required string, choices, integer bounds, a float
with bounds, an optional string, an optional file with ``accept``, and a file output.
"""

# ruff: noqa: B008, PLR0917, UP045 - written the way Cog users write predictors

import json
import tempfile
import textwrap
from collections import Counter
from typing import Optional

from cog import BasePredictor, Input, Path

STYLES = ["plain", "upper", "title", "reverse"]


class Predictor(BasePredictor):
    def setup(self) -> None:
        self.transforms = {
            "plain": lambda line: line,
            "upper": str.upper,
            "title": str.title,
            "reverse": lambda line: line[::-1],
        }

    def predict(
        self,
        text: str = Input(description="Text to format"),
        style: str = Input(
            description="How to transform each line", choices=STYLES, default="plain"
        ),
        repeat: int = Input(description="How many times to write the text", ge=1, le=10, default=1),
        width: int = Input(
            description="Wrap lines at this width (0: no wrapping)", ge=0, le=200, default=0
        ),
        spacing: float = Input(
            description="Blank lines between copies", ge=0.0, le=3.0, default=1.0
        ),
        prefix: Optional[str] = Input(description="Put before every line", default=None),
        appendix: Optional[Path] = Input(
            description="A text file added after the text", accept="text/plain", default=None
        ),
    ) -> Path:
        body = text
        if appendix is not None:
            body += "\n" + Path(appendix).read_text()
        lines = []
        for line in body.splitlines():
            lines.extend(textwrap.wrap(line, width) if width and line else [line])
        transform = self.transforms[style]
        rendered = [(prefix or "") + transform(line) for line in lines]
        gap = "\n" * (1 + int(spacing))
        out = Path(tempfile.mkdtemp()) / "output.txt"
        out.write_text(gap.join(["\n".join(rendered)] * repeat) + "\n")
        return out


def train(
    corpus: Path = Input(description="A text file to learn a vocabulary from", accept="text/plain"),
    min_count: int = Input(
        description="Keep words seen at least this often", ge=1, le=100, default=1
    ),
    lowercase: bool = Input(description="Fold words to lower case", default=True),
) -> Path:
    words = Path(corpus).read_text().split()
    counts = Counter(word.lower() if lowercase else word for word in words)
    vocabulary = {word: n for word, n in counts.most_common() if n >= min_count}
    out = Path(tempfile.mkdtemp()) / "vocabulary.json"
    out.write_text(json.dumps(vocabulary, indent=2))
    return out
