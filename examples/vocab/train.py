"""Learn a vocabulary (word → count) from a corpus; the result is a JSON file."""

import json
import tempfile
from collections import Counter

from cog import BaseModel, Input, Path


class TrainingOutput(BaseModel):
    weights: Path
    words: int


def train(
    corpus: str = Input(description="Text to learn words from"),
    min_count: int = Input(description="Keep words seen at least this often", default=1, ge=1, le=100),
) -> TrainingOutput:
    counts = Counter(word.strip(".,;:!?").lower() for word in corpus.split())
    vocabulary = {word: n for word, n in counts.items() if word and n >= min_count}
    weights = Path(tempfile.mkdtemp()) / "vocabulary.json"
    weights.write_text(json.dumps(vocabulary, sort_keys=True))
    return TrainingOutput(weights=weights, words=len(vocabulary))
