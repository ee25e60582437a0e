"""What a model is asked to do: predict, or train. Each mode has its own schema components.

Cog's schema names a prediction's inputs ``Input`` and its output ``Output``; a training's are
``TrainingInput`` and ``TrainingOutput``. Schemas written before Cog split them have only
``Input``/``Output``, which Cog then uses for training too (``pkg/predict``); so does this.
"""

from __future__ import annotations

from enum import Enum


class Mode(Enum):
    """A prediction (``POST /predictions``) or a training (``POST /trainings``)."""

    PREDICT = "predict"
    TRAIN = "train"

    @property
    def input_components(self) -> tuple[str, ...]:
        """The schema components that may hold the inputs, in the order Cog tries them."""
        return ("Input",) if self is Mode.PREDICT else ("TrainingInput", "Input")

    @property
    def output_components(self) -> tuple[str, ...]:
        """The schema components that may hold the output, in the order they are tried."""
        return ("Output",) if self is Mode.PREDICT else ("TrainingOutput", "Output")

    @property
    def endpoint(self) -> str:
        """The path of Cog's HTTP API that runs one (``predictions`` or ``trainings``)."""
        return "predictions" if self is Mode.PREDICT else "trainings"

    @property
    def noun(self) -> str:
        """``prediction`` or ``training``, for messages."""
        return "prediction" if self is Mode.PREDICT else "training"
