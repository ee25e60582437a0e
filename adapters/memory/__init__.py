"""In-memory fakes of every port, held to the same contract kit as the real adapters.

They hold state and behave (raise the same domain errors as the real backends); seed them through
the constructor or ``add``. Library users may use them in their own tests.
"""

from adapters.memory.container_runner import (
    InMemoryAttachedContainer,
    InMemoryContainer,
    InMemoryContainerRunner,
    Program,
)
from adapters.memory.credential_store import InMemoryCredentialStore
from adapters.memory.image_builder import InMemoryImageBuilder
from adapters.memory.input_files import InMemoryInputFiles
from adapters.memory.local_images import InMemoryLocalImages
from adapters.memory.model_api import InMemoryModelApi, Job, ScriptedModel
from adapters.memory.model_factory import InMemoryModelFactory
from adapters.memory.remote_images import InMemoryRemoteImages

__all__ = [
    "InMemoryAttachedContainer",
    "InMemoryContainer",
    "InMemoryContainerRunner",
    "InMemoryCredentialStore",
    "InMemoryImageBuilder",
    "InMemoryInputFiles",
    "InMemoryLocalImages",
    "InMemoryModelApi",
    "InMemoryModelFactory",
    "InMemoryRemoteImages",
    "Job",
    "Program",
    "ScriptedModel",
]
