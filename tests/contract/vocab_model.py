"""The ``examples/vocab`` model as a :class:`ScriptedModel`: what ModelApiContract expects.

Its schema is the one cogmodel generates from the example's source (what the image's label and
the real runtime's ``/openapi.json`` hold); its answers do what ``predict.py`` and ``train.py``
do.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from adapters.memory import Job, ScriptedModel
from adapters.memory.model_api import succeeded
from domain.openapi import generate_for_config
from domain.prediction import HealthStatus, Mode, PredictionResponse, data_url

VOCAB = Path(__file__).resolve().parents[2] / "examples" / "vocab"
VOCABULARY = {"cog": 3, "model": 2, "image": 1}


def vocab_schema() -> dict[str, object]:
    """The example's OpenAPI schema (predict and train, merged), as Cog generates it."""

    def read(path: str) -> str | None:
        file = VOCAB / path
        return file.read_text() if file.is_file() else None

    document: dict[str, object] = json.loads(
        generate_for_config("predict.py:Predictor", "train.py:train", read)
    )
    return document


def vocab_respond(job: Job) -> PredictionResponse:
    """What the example's predictor and trainer answer."""
    if job.mode is Mode.TRAIN:
        corpus = str(job.inputs["corpus"])
        minimum = int(job.inputs.get("min_count", 1))  # type: ignore[call-overload]
        counts = Counter(word.strip(".,;:!?").lower() for word in corpus.split())
        vocabulary = {w: n for w, n in counts.items() if w and n >= minimum}
        weights = json.dumps(vocabulary, sort_keys=True).encode()
        output = {"weights": data_url(weights, "application/json"), "words": len(vocabulary)}
        return succeeded(job, output)
    words = {word.strip(".,;:!?").lower() for word in str(job.inputs["text"]).split()}
    known = sorted(words & VOCABULARY.keys(), key=lambda w: (-VOCABULARY[w], w))
    top = int(job.inputs.get("top", 3))  # type: ignore[call-overload]
    return succeeded(job, known[:top])


def vocab_model() -> ScriptedModel:
    """The example, ready at once."""
    return ScriptedModel(health=(HealthStatus.READY,), respond=vocab_respond, schema=vocab_schema())
