"""``DockerfileFactory``: Cog's build backend on the builder, image and container ports.

A model build, in order (docs/decisions/0008 explains the counts):

1. the predictor's metadata (``@cog.concurrent``) and the effective config (concurrency rules,
   :mod:`adapters.dockerfile.concurrency`);
2. the OpenAPI schema, statically from the source (or ``--openapi-schema``/``COG_OPENAPI_SCHEMA``),
   validated as Cog validates it, also written to ``<project>/.cog/openapi_schema.json``
   (:mod:`adapters.dockerfile.model_schema`); a bad schema fails here, before any build;
3. the labels that do not need the image (config, schema, version, has_init, git, annotations);
4. with ``--separate-weights``, the weights image when the weights changed
   (:mod:`adapters.dockerfile.separate_weights`);
5. ONE engine build of the generated Dockerfile with the labels; ``run.cog.pip_freeze`` is then
   proved or fixed by :class:`~adapters.dockerfile.settle.LabelSettler` (0 or 1 run, and a
   second, fully cached build only when the freeze label changed);
6. the result is inspected by image id.

``--dockerfile`` builds the user's Dockerfile verbatim and adds the schema, the concurrency and
the labels in a one-line second build; ``build_base`` builds the dev image (no ``/src``, no
labels) in one build.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import platformdirs

from adapters.dockerfile import model_schema, planning, separate_weights
from adapters.dockerfile.base_image import BaseImageChooser
from adapters.dockerfile.cacert import CA_CERT_ENV, read_ca_cert
from adapters.dockerfile.concurrency import effective_config, max_concurrency
from adapters.dockerfile.context import secret_files, stage_context
from adapters.dockerfile.generator import (
    BaseImage,
    DockerfilePlan,
    DockerfileRequest,
    Target,
    generate,
)
from adapters.dockerfile.hermetic import HostPip, hermetic_set
from adapters.dockerfile.labels import LabelInputs, git_labels
from adapters.dockerfile.local_artifacts import resolve_local_artifacts, rewrite_requirements
from adapters.dockerfile.runtime import (
    CogRuntime,
    resolve_runtime,
    warn_if_cog_runtime,
    without_managed_packages,
)
from adapters.dockerfile.settle import LabelSettler
from adapters.dockerfile.user_dockerfile import build_user_dockerfile, read_dockerfile
from adapters.dockerfile.weights import WeightPaths
from application.ports.container_runner import ContainerRunner
from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.local_images import LocalImages
from application.ports.model_factory import ModelFactory, PlannedDockerfiles
from application.ports.remote_images import RemoteImages
from domain.cogyaml.models import CogConfig
from domain.digest import Digest, ImageId
from domain.errors import InvalidInputError, SchemaError
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_HAS_INIT
from domain.options import BuildBaseOptions, BuildOptions, docker_image_name
from domain.progress import ProgressSink
from domain.reference import ParsedRef, parse_ref
from domain.source import Source

_log = logging.getLogger(__name__)


class DockerfileFactory:
    """Builds Cog model images from a project with a generated Dockerfile."""

    def __init__(
        self,
        *,
        builder: ImageBuilder,
        local: LocalImages,
        runner: ContainerRunner,
        remote: RemoteImages | None = None,
        runtime: CogRuntime | None = None,
        host_pip: HostPip | None = None,
        environ: Mapping[str, str] | None = None,
        registry_host: str = "r8.im",
        progress: ProgressSink | None = None,
        run_timeout: float = 300.0,
    ) -> None:
        """Wire the factory to its ports.

        ``remote`` lets it find ``r8.im/cog-base`` images in their registry (without it, only
        local ones are used). ``runtime`` is the Cog runtime installed unless cog.yaml pins
        ``build.sdk_version``. Default: ``cog`` 0.23.1. ``host_pip`` downloads wheels for
        hermetic builds. Default: this Python's pip, cached in the user cache directory.
        ``environ`` is where ``COG_CA_CERT``, ``COG_OPENAPI_SCHEMA``, ``GITHUB_SHA`` and
        ``GITHUB_REF_NAME`` are read. Default: the process environment, at build time.
        """
        self._builder = builder
        self._local = local
        self._runtime = runtime or CogRuntime()
        self._host_pip = host_pip
        self._environ = environ
        self._progress = progress
        self._bases = BaseImageChooser(local=local, remote=remote, registry_host=registry_host)
        self.settler = LabelSettler(
            builder=builder, local=local, runner=runner, run_timeout=run_timeout
        )

    @property
    def name(self) -> str:
        """``dockerfile``."""
        return "dockerfile"

    def build(self, source: Source, options: BuildOptions) -> Image:
        """See :meth:`application.ports.model_factory.ModelFactory.build`."""
        project = Path(source.project_dir)
        raw_name = options.image_name or docker_image_name(project)
        name = parse_ref(raw_name)
        prepared = self._prepare(source, options)
        if options.dockerfile_file:
            if options.separate_weights:
                _log.warning("--separate-weights is ignored with --dockerfile, as in Cog")
            image_id = build_user_dockerfile(
                builder=self._builder,
                local=self._local,
                settler=self.settler,
                project=project,
                name=name,
                options=options,
                inputs=replace(prepared.inputs, has_init=False),  # its entrypoint is the user's
                progress=self._progress,
                max_concurrency=max_concurrency(prepared.config),
            )
            return self._finish(image_id, name)
        image_id = self._build_model(project, raw_name, prepared, options)
        return self._finish(image_id, name)

    def plan(self, source: Source, options: BuildOptions) -> PlannedDockerfiles:
        """See :meth:`application.ports.model_factory.ModelFactory.plan`: the Dockerfiles of
        :meth:`build`, made by the same steps up to the engine build."""
        project = Path(source.project_dir)
        raw_name = options.image_name or docker_image_name(project)
        if options.dockerfile_file:
            return PlannedDockerfiles(dockerfile=read_dockerfile(Path(options.dockerfile_file)))
        prepared = self._prepare(source, options)
        assert prepared.request is not None  # not a --dockerfile build
        plan, weights = self._plan_model(project, raw_name, prepared.request, options)
        return PlannedDockerfiles(
            dockerfile=plan.dockerfile,
            weights_dockerfile=plan.weights_dockerfile,
            weights_exclude=weights.exclude_patterns if weights is not None else (),
        )

    def build_base(self, source: Source, options: BuildBaseOptions) -> Image:
        """See :meth:`application.ports.model_factory.ModelFactory.build_base`."""
        project = Path(source.project_dir)
        name = parse_ref(options.image_name or f"{docker_image_name(project)}-base")
        environ = self._env()
        info = model_schema.predictor_metadata(source, required=False)
        config = effective_config(_config(source), info)
        source = replace(source, config=config)
        runtime = (
            resolve_runtime(config.build.sdk_version, self._runtime, environ=environ)
            if options.requires_cog
            else None
        )
        try:
            version = runtime.label_version if runtime else ""
            model_schema.model_schema(source, BuildOptions(), environ, version)
        except SchemaError as exc:  # the dev image itself does not need it
            _log.warning("no OpenAPI schema for dev runs: %s", exc)
        base = self._choose(source, options.use_cog_base_image, options.use_cuda_base_image)
        request = self._request(source, base, runtime, environ, hermetic=options.hermetic)
        plan = generate(
            replace(
                request,
                target=Target.BASE,
                use_cuda_base_image=options.use_cuda_base_image != "false",
            )
        )
        with stage_context(project, plan.files, include_source=False) as context:
            self.settler.builds += 1
            image_id = self._builder.build(
                BuildRequest(
                    context_dir=context.path,
                    dockerfile=plan.dockerfile,
                    tags=(name,),
                    # Not Cog's labels (a dev image has none), but the truth runners need: the
                    # generated entrypoint is tini, so no second init process is wanted.
                    labels={LABEL_HAS_INIT: "true"},
                    progress=self._progress,
                )
            )
        return self._finish(image_id, name)

    # ------------------------------------------------------------------ steps

    def _prepare(self, source: Source, options: BuildOptions) -> _Prepared:
        """Everything a model build decides before the engine builds: the effective config,
        the schema, the label inputs and (unless ``--dockerfile``) the Dockerfile request.

        Raises:
            InvalidInputError: secrets without a builder that can mount them.
            ConfigError, SchemaError: the project cannot be built as asked.
        """
        project = Path(source.project_dir)
        environ = self._env()
        if options.secrets and not self._builder.supports_mounts:
            raise InvalidInputError(
                f"build secrets (--secret) need BuildKit, and this build uses the "
                f"{self._builder.name} builder; build with --builder buildkit",
                reason="secrets need BuildKit",
            )
        warn_if_cog_runtime(_config(source))
        generated = model_schema.given_schema(options, environ) is None
        info = model_schema.predictor_metadata(source, required=generated)
        config = effective_config(_config(source), info)
        if generated:
            model_schema.check_sdk_gate(source, environ)
        runtime = resolve_runtime(config.build.sdk_version, self._runtime, environ=environ)
        schema = model_schema.model_schema(source, options, environ, runtime.label_version)
        inputs = LabelInputs(
            version=runtime.label_version,
            config_json=planning.config_json(config),
            schema_json=schema,
            git=git_labels(project, environ),
            annotations=options.annotations,
        )
        if options.dockerfile_file:
            return _Prepared(config=config, inputs=inputs, request=None)
        source = replace(source, config=config)
        base = self._choose(source, options.use_cog_base_image, options.use_cuda_base_image)
        if base.cog_base:
            inputs = replace(inputs, cog_base_image=base.name)
        request = self._request(source, base, runtime, environ, hermetic=options.hermetic)
        request = replace(
            request,
            use_cuda_base_image=options.use_cuda_base_image != "false",
            schema=schema.encode() if schema else None,
            strip=options.strip,
            precompile=options.precompile,
        )
        return _Prepared(config=config, inputs=inputs, request=request)

    def _plan_model(
        self, project: Path, raw_name: str, request: DockerfileRequest, options: BuildOptions
    ) -> tuple[DockerfilePlan, WeightPaths | None]:
        """The model's Dockerfile plan, with its weights when they go in their own image."""
        weights = separate_weights.to_separate(project) if options.separate_weights else None
        weights_image = raw_name + separate_weights.SUFFIX
        plan = generate(replace(request, weights=weights, weights_image=weights_image))
        return plan, weights

    def _build_model(
        self, project: Path, raw_name: str, prepared: _Prepared, options: BuildOptions
    ) -> Digest:
        """The generated model image (after its weights image, with ``--separate-weights``)."""
        name = parse_ref(raw_name)
        assert prepared.request is not None  # not a --dockerfile build
        plan, weights = self._plan_model(project, raw_name, prepared.request, options)
        weights_image = raw_name + separate_weights.SUFFIX
        if weights is not None and plan.weights_dockerfile is not None:
            separate_weights.build_weights_image(
                builder=self._builder,
                local=self._local,
                project=project,
                weights=weights,
                dockerfile=plan.weights_dockerfile,
                image_name=weights_image,
                options=options,
                progress=self._progress,
            )
        previous = self.settler.previous(name)
        left_out = secret_files(project, options.secrets) | frozenset(
            weights.paths if weights else ()
        )
        with stage_context(
            project,
            plan.files,
            include_source=True,
            exclude=left_out,
            ignore=weights.exclude_patterns if weights else (),
        ) as context:
            build = BuildRequest(
                context_dir=context.path,
                dockerfile=plan.dockerfile,
                tags=(name,),
                secrets=options.secrets,
                no_cache=options.no_cache,
                progress=self._progress,
            )
            return self.settler.settle(build, prepared.inputs, previous)

    def _env(self) -> Mapping[str, str]:
        return dict(os.environ) if self._environ is None else self._environ

    def _choose(self, source: Source, use_cog_base: bool | None, use_cuda: str) -> BaseImage:
        return self._bases.choose(
            source, use_cog_base_image=use_cog_base, use_cuda_base_image=use_cuda
        )

    def _request(
        self,
        source: Source,
        base: BaseImage,
        runtime: CogRuntime | None,
        environ: Mapping[str, str],
        *,
        hermetic: bool,
    ) -> DockerfileRequest:
        config = _config(source)
        project = Path(source.project_dir)
        artifacts = resolve_local_artifacts(project, config, source.requirements)
        text = without_managed_packages(planning.requirements_text(source), runtime)
        requirements = rewrite_requirements(text, artifacts, host=False)
        wheels = None
        if hermetic:
            wheels = hermetic_set(
                self._host_pip
                or HostPip(cache_dir=Path(platformdirs.user_cache_dir("cogmodel")) / "wheels"),
                python_version=config.build.python_version,
                requirements=text,
                runtime=runtime,
                artifacts=artifacts,
            )
        return DockerfileRequest(
            config=config,
            base=base,
            requirements=requirements,
            runtime=runtime,
            mounts=self._builder.supports_mounts,
            config_filename=source.config_filename,
            ca_cert=read_ca_cert(environ.get(CA_CERT_ENV)),
            wheels=wheels,
            artifacts=artifacts,
        )

    def _finish(self, image_id: Digest, name: ParsedRef) -> Image:
        image = self._local.inspect_id(ImageId(image_id))
        return replace(image, reference=name, source=ImageSource.BUILD)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Prepared:
    """What :meth:`DockerfileFactory._prepare` decided (``request`` is ``None`` for a user's
    Dockerfile)."""

    config: CogConfig
    inputs: LabelInputs
    request: DockerfileRequest | None


def _config(source: Source) -> CogConfig:
    return source.config if source.config is not None else CogConfig()


_: type[ModelFactory] = DockerfileFactory
