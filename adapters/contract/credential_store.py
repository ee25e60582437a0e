"""CredentialStoreContract: behaviour every CredentialStore backend must show.

Subclass it in a ``Test*`` class and override ``store`` (the store under test) and ``lookup``
(a function that reads back, as the store's readers would, what a registry host has:
``(username, secret)`` or ``None``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from application.ports.credential_store import CredentialStore

Lookup = Callable[[str], "tuple[str, str] | None"]


class CredentialStoreContract:
    """Behaviour every CredentialStore backend must show."""

    @pytest.fixture
    def store(self) -> CredentialStore:
        """The store under test."""
        raise NotImplementedError("override the 'store' fixture to return your CredentialStore")

    @pytest.fixture
    def lookup(self) -> Lookup:
        """Reads back what the store holds for a registry host."""
        raise NotImplementedError("override 'lookup' with a reader of your store")

    def test_stored_credentials_are_read_back(self, store: CredentialStore, lookup: Lookup) -> None:
        where = store.store("registry.example:5000", "alice", "s3cret: with spaces")
        assert isinstance(where, str)
        assert where
        assert lookup("registry.example:5000") == ("alice", "s3cret: with spaces")

    def test_storing_again_replaces_the_credentials(
        self, store: CredentialStore, lookup: Lookup
    ) -> None:
        store.store("registry.example", "alice", "old")
        store.store("registry.example", "bob", "new")
        assert lookup("registry.example") == ("bob", "new")

    def test_each_registry_keeps_its_own(self, store: CredentialStore, lookup: Lookup) -> None:
        store.store("one.example", "alice", "a")
        store.store("two.example", "bob", "b")
        assert lookup("one.example") == ("alice", "a")
        assert lookup("two.example") == ("bob", "b")
        assert lookup("three.example") is None
