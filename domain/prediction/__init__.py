"""Predictions: a model's inputs checked before anything runs, and what a model answers.

Pure, like the rest of the domain: the prediction *service* (``application/predictor.py``)
starts containers and talks HTTP; this package holds the rules it applies. Read in this order:

1. ``mode.py`` — :class:`Mode`: predict or train, and the schema components of each.
2. ``values.py`` — :class:`LocalFile`, :class:`FlagValue`, :class:`InputFile`,
   :class:`OutputFile`, and files as ``data:`` URLs.
3. ``schema.py`` — :func:`read_input_schema`: the inputs a model's OpenAPI schema declares,
   shape-checked (the schema is untrusted data: an odd shape is an ``InvalidLabelError``).
4. ``flags.py`` — ``-i NAME=VALUE`` and ``--json`` inputs, and typing text by the schema, with
   Cog's rules.
5. ``validation.py`` — :func:`check_inputs`: every problem with the inputs at once, in Cog's
   words (``unknown input "siz"``, ``missing required input "image"``, …), numbers printed as
   Go prints them (``go_format.py``).
6. ``health.py``, ``response.py`` — Cog's health statuses and prediction responses.

It builds on the core (errors, labels) and on nothing else: not on the OpenAPI generator
(``domain.openapi``), whose output it reads as plain JSON.
"""

from domain.prediction.flags import inputs_from_json, parse_input_flags, typed
from domain.prediction.health import HealthStatus
from domain.prediction.mode import Mode
from domain.prediction.response import PredictionResponse, PredictionStatus
from domain.prediction.schema import InputSchema, is_file, read_input_schema, read_output_schema
from domain.prediction.validation import CheckedInputs, check_inputs
from domain.prediction.values import (
    FlagValue,
    InputFile,
    LocalFile,
    OutputFile,
    data_url,
    decode_data_url,
    is_data_url,
)

__all__ = [
    "CheckedInputs",
    "FlagValue",
    "HealthStatus",
    "InputFile",
    "InputSchema",
    "LocalFile",
    "Mode",
    "OutputFile",
    "PredictionResponse",
    "PredictionStatus",
    "check_inputs",
    "data_url",
    "decode_data_url",
    "inputs_from_json",
    "is_data_url",
    "is_file",
    "parse_input_flags",
    "read_input_schema",
    "read_output_schema",
    "typed",
]
