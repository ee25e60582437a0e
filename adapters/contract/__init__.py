"""The contract-test kit: one ``<Port>Contract`` pytest class per port.

A backend author subclasses a contract in a ``Test*`` class and overrides its fixtures (the
backend and a way to seed it); capabilities are typed class attributes, and a test whose
capability is off is skipped with a reason. Needs the ``contract`` extra (pytest); nothing else in
cogmodel imports pytest. See docs/backends.md.
"""

from adapters.contract.container_runner import ContainerRunnerContract
from adapters.contract.credential_store import CredentialStoreContract
from adapters.contract.image_builder import ImageBuilderContract
from adapters.contract.input_files import InputFilesContract
from adapters.contract.local_images import LocalImagesContract
from adapters.contract.model_api import ModelApiContract
from adapters.contract.model_factory import ModelFactoryContract
from adapters.contract.remote_images import RemoteImagesContract

__all__ = [
    "ContainerRunnerContract",
    "CredentialStoreContract",
    "ImageBuilderContract",
    "InputFilesContract",
    "LocalImagesContract",
    "ModelApiContract",
    "ModelFactoryContract",
    "RemoteImagesContract",
]
