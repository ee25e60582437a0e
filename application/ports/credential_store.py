"""Port: where registry credentials are kept (``login``), for the engine and the registry client."""

from __future__ import annotations

from typing import Protocol


class CredentialStore(Protocol):
    """Keeps a user name and secret per registry host, where the readers of them look."""

    def store(self, registry: str, username: str, secret: str) -> str:
        """Keep ``username`` and ``secret`` for ``registry`` (``host[:port]``), replacing any
        credentials it had; return where they went, in words (for a message).

        Raises:
            AuthenticationError: the store refused them or could not be written.
        """
        ...
