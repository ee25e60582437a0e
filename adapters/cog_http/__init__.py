"""Cog's HTTP protocol: the :class:`~application.ports.model_api.ModelApi` of a running model.

Standard library only (``http.client``): a model answers on a nearby host, and importing an
HTTP client library would slow every prediction's start for nothing.
"""

from adapters.cog_http.model_api import CogHttpModelApi

__all__ = ["CogHttpModelApi"]
