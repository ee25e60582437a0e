"""A world of in-memory fakes for DockerfileFactory tests: engine, builder, runner, a project."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from adapters.dockerfile import DockerfileFactory
from adapters.memory import InMemoryContainerRunner, InMemoryImageBuilder, InMemoryLocalImages
from application.ports.container_runner import ContainerSpec, RunResult
from application.ports.image_builder import BuildRequest
from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import parse_requirements_text
from domain.cogyaml.validation import validate_and_complete
from domain.digest import Digest
from domain.image import Image
from domain.image_source import ImageSource
from domain.reference import parse_ref
from domain.source import Source

PREDICT = """
from cog import BasePredictor, Input, Path

class Predictor(BasePredictor):
    def predict(self, text: str = Input(description="Text <b>", max_length=20)) -> Path:
        ...
"""
COG_YAML = """build:
  python_version: "3.11"
  python_requirements: requirements.txt
predict: "predict.py:Predictor"
"""
FREEZE = "cog==0.23.1\ncoglet==0.23.1\nnumpy==2.1.0\n"


@dataclass
class Recorded:
    """One build as the builder saw it (the context is gone after the build)."""

    dockerfile: str
    labels: dict[str, str]
    tags: tuple[str, ...]
    files: dict[str, bytes]
    context_dir: Path
    image_id: Digest | None = None


@dataclass
class RecordingBuilder:
    """The in-memory builder, remembering every request."""

    inner: InMemoryImageBuilder
    requests: list[Recorded] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def supports_mounts(self) -> bool:
        return self.inner.supports_mounts

    def build(self, request: BuildRequest) -> Digest:
        root = request.context_dir
        files = {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and ".cog" not in p.relative_to(root).parts[:1]
        }
        record = Recorded(
            dockerfile=request.dockerfile,
            labels=dict(request.labels),
            tags=tuple(str(t) for t in request.tags),
            files=files,
            context_dir=root,
        )
        self.requests.append(record)
        record.image_id = self.inner.build(request)
        return record.image_id


class World:
    """An engine with python:3.11-slim, a recording builder, a runner printing ``freeze``."""

    def __init__(self, tmp_path: Path, *, mounts: bool = True) -> None:
        self.local = InMemoryLocalImages()
        self.local.add(
            Image(reference=None, image_id=None, source=ImageSource.LOCAL, labels={"base": "1"}),
            parse_ref("python:3.11-slim"),
        )
        self.builder = RecordingBuilder(InMemoryImageBuilder(self.local, supports_mounts=mounts))
        self.freeze = FREEZE
        self.runs: list[ContainerSpec] = []
        self.runner = InMemoryContainerRunner(self.local, self._program)
        self.project = tmp_path / "my-model"
        self.project.mkdir()
        (self.project / "predict.py").write_text(PREDICT)
        (self.project / "requirements.txt").write_text("numpy==2.1.0\n")
        (self.project / "cog.yaml").write_text(COG_YAML)
        self.environ: dict[str, str] = {}

    def _program(self, spec: ContainerSpec) -> RunResult:
        self.runs.append(spec)
        return RunResult(exit_code=0, stdout=self.freeze, stderr="")

    def factory(self, **options: object) -> DockerfileFactory:
        return DockerfileFactory(
            builder=self.builder,
            local=self.local,
            runner=self.runner,
            environ=self.environ,
            **options,  # type: ignore[arg-type]
        )

    def source(self, cog_yaml: str | None = None) -> Source:
        if cog_yaml is not None:
            (self.project / "cog.yaml").write_text(cog_yaml)
        config = parse_config((self.project / "cog.yaml").read_text())
        lines: tuple[str, ...] = ()
        if config.build.python_requirements:
            path = self.project / config.build.python_requirements
            lines = parse_requirements_text(path.read_text())
        return Source(
            config=validate_and_complete(config, lines),
            project_dir=self.project,
            requirements=lines,
        )
