"""The application layer: the ports and the use cases over them. Imports domain only.

- ``ports/`` — one ``typing.Protocol`` per file: what the use cases need from the outside world,
  in domain types; each docstring is the contract the kit in ``adapters/contract`` checks.
- ``resolver.py`` — :class:`Resolver`: inspect, pull, push, build and resolve Cog models, with
  one fallback rule between the local engine and the registry (:class:`Preference`).
- ``predictor.py`` — :class:`Predictor`: run a prediction or training of a model, its inputs
  checked before anything starts (``prediction_inputs.py``), its result a :class:`Prediction`
  (``prediction.py``).

>>> from application import Preference, Resolver
>>> Preference.PREFER_LOCAL.name
'PREFER_LOCAL'
"""

from application.prediction import Prediction, PredictionOptions, Reporter
from application.predictor import Predictor
from application.resolver import Preference, Resolver

__all__ = [
    "Prediction",
    "PredictionOptions",
    "Predictor",
    "Preference",
    "Reporter",
    "Resolver",
]
