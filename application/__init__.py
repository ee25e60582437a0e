"""The application layer: the ports and the use cases over them. Imports domain only.

- ``ports/`` — one ``typing.Protocol`` per file: what the use cases need from the outside world,
  in domain types; each docstring is the contract the kit in ``adapters/contract`` checks.
- ``resolver.py`` — :class:`Resolver`: inspect, pull, push, build and resolve Cog models, with
  one fallback rule between the local engine and the registry (:class:`Preference`, in
  ``preference.py``); its builds are ``building.py``, its batch look-up's threads
  ``in_order.py``.
- ``predictor.py`` — :class:`Predictor`: run a prediction or training of a model, its inputs
  checked before anything starts (``prediction_inputs.py``), its result a :class:`Prediction`
  (``prediction.py``).

>>> from application import Preference, Resolver
>>> Preference.PREFER_LOCAL.name
'PREFER_LOCAL'

Names are re-exported lazily: ``import application.resolver`` (what ``inspect`` needs) does not
load the prediction service.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "Prediction": "application.prediction",
    "PredictionOptions": "application.prediction",
    "Predictor": "application.predictor",
    "Preference": "application.preference",
    "Reporter": "application.prediction",
    "Resolver": "application.resolver",
}

__all__ = [
    "Prediction",
    "PredictionOptions",
    "Predictor",
    "Preference",
    "Reporter",
    "Resolver",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'application' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from application.prediction import Prediction, PredictionOptions, Reporter
    from application.predictor import Predictor
    from application.preference import Preference
    from application.resolver import Resolver
