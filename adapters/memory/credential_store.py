"""A credential store in memory. Passes CredentialStoreContract; ``saved`` shows what it holds."""

from __future__ import annotations

from application.ports.credential_store import CredentialStore


class InMemoryCredentialStore:
    """Keeps credentials in a dict: registry host to ``(username, secret)``."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[str, str]] = {}

    def store(self, registry: str, username: str, secret: str) -> str:
        """See :meth:`application.ports.credential_store.CredentialStore.store`."""
        self.saved[registry] = (username, secret)
        return "memory"

    def lookup(self, registry: str) -> tuple[str, str] | None:
        """What it holds for ``registry``."""
        return self.saved.get(registry)


_: type[CredentialStore] = InMemoryCredentialStore
