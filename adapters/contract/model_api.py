"""ModelApiContract: behaviour every ModelApi backend must show, against a real model's answers.

The model is Cog's ``examples/vocab`` of this repository, served by the backend: a predictor
``run(text: str (min_length=1), top: int = 3 (1..10)) -> list[str]`` that returns the words of
``text`` its vocabulary knows (``{"cog": 3, "model": 2, "image": 1}``), most frequent first;
and a trainer ``train(corpus: str, min_count: int = 1) -> {weights: Path, words: int}`` whose
weights are a JSON file of word counts. Subclass the contract in a ``Test*`` class and override:

- ``api``: the backend under test;
- ``model``: the :class:`Address` of that model, ready, serving predictions;
- ``trainer``: the same model serving trainings (Cog's train mode);
- ``silent``: an address where nothing answers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping

import pytest

from application.ports.model_api import Address, ModelApi
from domain.errors import BackendUnavailableError, InvalidInputError
from domain.prediction.health import HealthStatus
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionStatus
from domain.prediction.schema import is_file, read_input_schema, read_output_schema
from domain.prediction.values import decode_data_url

TEXT = "a cog model reads an image; the model is a cog"


def _id() -> str:
    return f"contract-{uuid.uuid4().hex[:12]}"


class ModelApiContract:
    """Behaviour every ModelApi backend must show."""

    @pytest.fixture
    def api(self) -> ModelApi:
        """The backend under test."""
        raise NotImplementedError("override the 'api' fixture to return your ModelApi")

    @pytest.fixture
    def model(self) -> Address:
        """Where the vocab example model serves predictions, ready."""
        raise NotImplementedError("override 'model' with the address of a ready vocab model")

    @pytest.fixture
    def trainer(self) -> Address:
        """Where the vocab example model serves trainings, ready."""
        raise NotImplementedError("override 'trainer' with the address of a vocab trainer")

    @pytest.fixture
    def silent(self) -> Address:
        """An address where nothing answers."""
        raise NotImplementedError("override 'silent' with an address where nothing listens")

    def test_a_ready_model_says_ready(self, api: ModelApi, model: Address) -> None:
        assert api.health(model) is HealthStatus.READY

    def test_nothing_answering_is_no_status_yet(self, api: ModelApi, silent: Address) -> None:
        assert api.health(silent) is None

    def test_the_schema_names_the_inputs_and_the_output(
        self, api: ModelApi, model: Address
    ) -> None:
        document = api.openapi(model)
        schema = read_input_schema(document)
        assert schema is not None
        assert list(schema.fields) == ["text", "top"]
        assert schema.required == ("text",)
        output = read_output_schema(document)
        assert output is not None
        assert output["type"] == "array"

    def test_a_prediction_returns_the_models_output(self, api: ModelApi, model: Address) -> None:
        job = _id()
        answer = api.predict(model, {"text": TEXT, "top": 2}, prediction_id=job)
        assert answer.status is PredictionStatus.SUCCEEDED
        assert answer.output == ["cog", "model"]
        assert answer.id == job
        assert answer.document["status"] == "succeeded"

    def test_the_runtime_drops_inputs_it_does_not_know(self, api: ModelApi, model: Address) -> None:
        # Why inputs must be checked before a model runs: a typo is not an error to the model.
        answer = api.predict(model, {"text": TEXT, "topp": 1}, prediction_id=_id())
        assert answer.status is PredictionStatus.SUCCEEDED
        assert answer.output == ["cog", "model", "image"]  # top kept its default, 3

    def test_a_missing_required_input_is_refused(self, api: ModelApi, model: Address) -> None:
        with pytest.raises(InvalidInputError) as info:
            api.predict(model, {"top": 1}, prediction_id=_id())
        assert "text" in str(info.value)

    def test_a_training_returns_its_files_as_data_urls(
        self, api: ModelApi, trainer: Address
    ) -> None:
        answer = api.train(trainer, {"corpus": "the cat and the hat"}, training_id=_id())
        assert answer.status is PredictionStatus.SUCCEEDED
        assert isinstance(answer.output, dict)
        assert answer.output["words"] == 4
        weights = decode_data_url(answer.output["weights"])
        assert json.loads(weights.content) == {"and": 1, "cat": 1, "hat": 1, "the": 2}

    def test_the_training_schema_has_a_file_in_its_output(
        self, api: ModelApi, trainer: Address
    ) -> None:
        document = api.openapi(trainer)
        inputs = read_input_schema(document, Mode.TRAIN)
        assert inputs is not None
        assert list(inputs.fields) == ["corpus", "min_count"]
        output = read_output_schema(document, Mode.TRAIN)
        assert output is not None
        properties = output["properties"]
        assert isinstance(properties, Mapping)
        assert is_file(properties["weights"])

    def test_cancelling_what_is_not_running_cancels_nothing(
        self, api: ModelApi, model: Address
    ) -> None:
        assert api.cancel(model, _id()) is False

    def test_a_prediction_where_nothing_answers_is_backend_unavailable(
        self, api: ModelApi, silent: Address
    ) -> None:
        with pytest.raises(BackendUnavailableError):
            api.predict(silent, {"text": TEXT}, prediction_id=_id())
