"""A model factory that "builds" by writing Cog's labels onto an image in memory.

It passes ModelFactoryContract: a build stores an image carrying ``run.cog.config`` (the
source's config), ``run.cog.version`` and, when ``options.schema_file`` names a file, the schema,
under the options' image name in the attached :class:`InMemoryLocalImages`. ``fail_next`` makes
the next build fail with a given error, to model a broken project.
"""

from __future__ import annotations

import json
from pathlib import Path

from adapters.host_files import read_file
from adapters.memory.local_images import InMemoryLocalImages
from application.ports.model_factory import ModelFactory, PlannedDockerfiles
from domain.digest import Digest
from domain.errors import CogModelError, SourceError
from domain.image import Image
from domain.image_source import ImageSource
from domain.json_text import read_json
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA, LABEL_VERSION
from domain.limits import MAX_JSON_BYTES
from domain.options import BuildBaseOptions, BuildOptions
from domain.reference import parse_ref
from domain.source import Source


class InMemoryModelFactory:
    """Builds model images into an in-memory image store."""

    def __init__(self, local: InMemoryLocalImages, *, cog_version: str = "0.0.0-memory") -> None:
        """Build into ``local``; built images carry ``run.cog.version`` = ``cog_version``."""
        self._local = local
        self._cog_version = cog_version
        self._failure: CogModelError | None = None
        self.builds = 0

    @property
    def name(self) -> str:
        """See :attr:`application.ports.model_factory.ModelFactory.name`."""
        return "memory"

    def fail_next(self, error: CogModelError) -> None:
        """Make the next build (or base build) raise ``error``."""
        self._failure = error

    def build(self, source: Source, options: BuildOptions) -> Image:
        """See :meth:`application.ports.model_factory.ModelFactory.build`."""
        self._maybe_fail()
        if source.config is None or not options.image_name:
            raise SourceError("the memory factory needs a config and an image name")
        labels = {
            LABEL_CONFIG: source.config.model_dump_json(exclude_defaults=True),
            LABEL_VERSION: self._cog_version,
        }
        if options.schema_file:
            schema_path = Path(source.project_dir, options.schema_file)
            data = read_file(schema_path, what="the OpenAPI schema file", limit=MAX_JSON_BYTES)
            labels[LABEL_OPENAPI_SCHEMA] = json.dumps(read_json(data, what=str(schema_path)))
        labels.update(options.annotations)
        return self._store(options.image_name, labels, source)

    def plan(self, source: Source, options: BuildOptions) -> PlannedDockerfiles:
        """See :meth:`application.ports.model_factory.ModelFactory.plan`: the "Dockerfile" of
        the memory factory names what its build would store."""
        self._maybe_fail()
        if source.config is None or not options.image_name:
            raise SourceError("the memory factory needs a config and an image name")
        lines = [
            "# cogmodel's in-memory factory: no engine builds this",
            f"# image {options.image_name}",
            f"LABEL {LABEL_CONFIG}={source.config.model_dump_json(exclude_defaults=True)}",
        ]
        return PlannedDockerfiles(dockerfile="\n".join(lines) + "\n")

    def build_base(self, source: Source, options: BuildBaseOptions) -> Image:
        """See :meth:`application.ports.model_factory.ModelFactory.build_base`."""
        self._maybe_fail()
        if not options.image_name:
            raise SourceError("the memory factory needs an image name")
        return self._store(options.image_name, {}, source)

    def _maybe_fail(self) -> None:
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure
        self.builds += 1

    def _store(self, name: str, labels: dict[str, str], source: Source) -> Image:
        ref = parse_ref(name)
        identity = json.dumps({"labels": labels, "dir": str(source.project_dir)}, sort_keys=True)
        image_id = Digest.of(identity.encode())
        self._local.add(
            Image(reference=ref, image_id=image_id, source=ImageSource.LOCAL, labels=labels)
        )
        return Image(reference=ref, image_id=image_id, source=ImageSource.BUILD, labels=labels)


_: type[ModelFactory] = InMemoryModelFactory
