"""The contract kit fails backends that break their port (a kit that cannot fail proves nothing).

Each case runs one contract test twice, as a backend author's ``Test*`` subclass would run it:
against an in-memory fake (it must pass, which proves the harness here is right) and against the
same fake with one behaviour broken (it must fail).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from adapters.contract import (
    ContainerRunnerContract,
    ImageBuilderContract,
    InputFilesContract,
    LocalImagesContract,
    ModelApiContract,
    ModelFactoryContract,
    RemoteImagesContract,
)
from adapters.memory import (
    InMemoryContainerRunner,
    InMemoryImageBuilder,
    InMemoryInputFiles,
    InMemoryLocalImages,
    InMemoryModelApi,
    InMemoryModelFactory,
    InMemoryRemoteImages,
)
from adapters.memory.container_runner import InMemoryContainer
from application.ports.container_runner import (
    AttachedContainer,
    ContainerSpec,
    RunningContainer,
    RunResult,
    Stdio,
)
from application.ports.image_builder import BuildRequest
from application.ports.model_api import Address
from domain.cogyaml.models import CogConfig
from domain.digest import Digest, ImageId
from domain.errors import AmbiguousImageIdError, BuildError, CogModelError, ImageNotFoundError
from domain.image import Image
from domain.image_source import ImageSource
from domain.options import BuildOptions
from domain.platform import Platform, parse_platform
from domain.prediction import HealthStatus, InputFile, PredictionResponse
from domain.progress import ProgressSink
from domain.reference import ParsedRef, parse_ref
from domain.source import Source
from tests.contract.fake_shell import fake_interactive_shell, fake_shell
from tests.contract.vocab_model import vocab_model

_names = itertools.count(1)
AMD64 = parse_platform("linux/amd64")
BUSYBOX = parse_ref("kit-can-fail/busybox:1")
# What makes pytest report a contract test as failed: an assertion, "did not raise", or a domain
# error escaping the test (the healthy run shows the harness itself raises none of them).
FAILED = (AssertionError, pytest.fail.Exception, CogModelError)


def _fresh(prefix: str) -> ParsedRef:
    return parse_ref(f"registry.memory.test/kit/{prefix}:v{next(_names)}")


def _passes_then_fails(run: Callable[[bool], None]) -> None:
    """``run(broken=False)`` must pass and ``run(broken=True)`` must fail."""
    run(False)
    with pytest.raises(FAILED):
        run(True)


# --------------------------------------------------------------------------- RemoteImages


class _RemoteMissSaysLocal(InMemoryRemoteImages):
    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        try:
            return super().inspect(ref, platform=platform)
        except ImageNotFoundError as exc:
            raise ImageNotFoundError(exc.ref, ImageSource.LOCAL) from exc


class _RemoteAlwaysExists(InMemoryRemoteImages):
    def exists(self, ref: ParsedRef) -> bool:
        return True


class _RemoteIgnoresPlatform(InMemoryRemoteImages):
    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        return super().inspect(ref)


class _RemoteDropsEmptyLabels(InMemoryRemoteImages):
    def inspect(self, ref: ParsedRef, *, platform: Platform | None = None) -> Image:
        image = super().inspect(ref, platform=platform)
        return replace(image, labels={k: v for k, v in image.labels.items() if v})


def _publish(backend: InMemoryRemoteImages) -> Callable[[Mapping[str, str]], ParsedRef]:
    def publish(labels: Mapping[str, str]) -> ParsedRef:
        image = Image(
            reference=_fresh("single"),
            image_id=None,
            source=ImageSource.REMOTE,
            labels=labels,
            platform=AMD64,
        )
        return backend.add(image)

    return publish


def _publish_index(
    backend: InMemoryRemoteImages,
) -> Callable[[Sequence[tuple[Platform, Mapping[str, str]]]], ParsedRef]:
    def publish_index(entries: Sequence[tuple[Platform, Mapping[str, str]]]) -> ParsedRef:
        images = [
            Image(reference=None, image_id=None, source=ImageSource.REMOTE, labels=lab, platform=p)
            for p, lab in entries
        ]
        return backend.add_index(_fresh("index"), images)

    return publish_index


REMOTE_CASES: list[tuple[type[InMemoryRemoteImages], str]] = [
    (_RemoteMissSaysLocal, "test_missing_image_raises_image_not_found_in_the_registry"),
    (_RemoteAlwaysExists, "test_exists_answers_false_for_a_missing_image"),
    (_RemoteIgnoresPlatform, "test_single_image_for_another_platform_is_platform_not_found"),
    (_RemoteIgnoresPlatform, "test_index_with_a_platform_picks_that_entry"),
    (_RemoteIgnoresPlatform, "test_index_without_the_platform_names_the_platforms_it_has"),
    (_RemoteDropsEmptyLabels, "test_labels_come_back_unchanged"),
]


@pytest.mark.parametrize(("broken", "test"), REMOTE_CASES, ids=[t for _, t in REMOTE_CASES])
def test_remote_images_contract_fails_a_broken_registry(
    broken: type[InMemoryRemoteImages], test: str
) -> None:
    def run(use_broken: bool) -> None:
        backend = broken() if use_broken else InMemoryRemoteImages()
        fixtures: dict[str, Any] = {
            "backend": backend,
            "publish": _publish(backend),
            "publish_index": _publish_index(backend),
            "missing_ref": _fresh("missing"),
        }
        _call(RemoteImagesContract(), test, fixtures)

    _passes_then_fails(run)


# --------------------------------------------------------------------------- LocalImages


class _LocalFirstMatchWins(InMemoryLocalImages):
    def inspect_id(self, image_id: ImageId) -> Image:
        try:
            return super().inspect_id(image_id)
        except AmbiguousImageIdError as exc:
            return super().inspect_id(ImageId(exc.matches[0]))


class _LocalRemoveForgets(InMemoryLocalImages):
    def remove(self, image: ParsedRef | ImageId, *, force: bool = False) -> None:
        self.inspect(image) if isinstance(image, ParsedRef) else self.inspect_id(image)


class _LocalPullMissSaysLocal(InMemoryLocalImages):
    def pull(
        self,
        ref: ParsedRef,
        *,
        platform: Platform | None = None,
        progress: ProgressSink | None = None,
    ) -> Image:
        try:
            return super().pull(ref, platform=platform, progress=progress)
        except ImageNotFoundError as exc:
            raise ImageNotFoundError(exc.ref, ImageSource.LOCAL) from exc


class _LocalPushGoesNowhere(InMemoryLocalImages):
    def push(self, ref: ParsedRef, *, progress: ProgressSink | None = None) -> Digest:
        return Digest.of(self.inspect(ref).labels.get("k", "").encode())


LOCAL_CASES: list[tuple[type[InMemoryLocalImages], str]] = [
    (_LocalFirstMatchWins, "test_prefix_shared_by_two_images_is_ambiguous"),
    (_LocalRemoveForgets, "test_removed_name_is_gone"),
    (
        _LocalPullMissSaysLocal,
        "test_pulling_a_missing_image_raises_image_not_found_in_the_registry",
    ),
    (_LocalPushGoesNowhere, "test_pushed_image_can_be_pulled_back"),
]


@pytest.mark.parametrize(("broken", "test"), LOCAL_CASES, ids=[t for _, t in LOCAL_CASES])
def test_local_images_contract_fails_a_broken_engine(
    broken: type[InMemoryLocalImages], test: str
) -> None:
    def run(use_broken: bool) -> None:
        registry = InMemoryRemoteImages()
        backend = (broken if use_broken else InMemoryLocalImages)(registry=registry)

        def seed(labels: Mapping[str, str], name: ParsedRef | None = None) -> ParsedRef:
            ref = name or parse_ref(f"kit/local-{next(_names)}:latest")
            backend.add(
                Image(reference=ref, image_id=None, source=ImageSource.LOCAL, labels=labels)
            )
            return ref

        fixtures: dict[str, Any] = {
            "backend": backend,
            "seed": seed,
            "missing_ref": parse_ref(f"kit/missing-{next(_names)}:latest"),
            "publish_remote": _publish(registry),
            "push_target": lambda: _fresh("push"),
        }
        _call(LocalImagesContract(), test, fixtures)

    _passes_then_fails(run)


# --------------------------------------------------------------------------- ModelFactory


class _FactorySaysLocal(InMemoryModelFactory):
    def build(self, source: Source, options: BuildOptions) -> Image:
        return replace(super().build(source, options), source=ImageSource.LOCAL)


class _FactoryDropsAnnotations(InMemoryModelFactory):
    def build(self, source: Source, options: BuildOptions) -> Image:
        return super().build(source, replace(options, annotations={}))


FACTORY_CASES: list[tuple[type[InMemoryModelFactory], str]] = [
    (_FactorySaysLocal, "test_build_returns_the_named_built_image"),
    (_FactoryDropsAnnotations, "test_annotations_become_labels"),
]


@pytest.mark.parametrize(("broken", "test"), FACTORY_CASES, ids=[t for _, t in FACTORY_CASES])
def test_model_factory_contract_fails_a_broken_factory(
    broken: type[InMemoryModelFactory], test: str, tmp_path: Path
) -> None:
    def run(use_broken: bool) -> None:
        local = InMemoryLocalImages()
        fixtures: dict[str, Any] = {
            "factory": (broken if use_broken else InMemoryModelFactory)(local),
            "local_images": local,
            "project": Source.from_config(CogConfig(predict="predict.py:Predictor"), tmp_path),
            "image_name": f"kit/model-{next(_names)}",
        }
        _call(ModelFactoryContract(), test, fixtures)

    _passes_then_fails(run)


# --------------------------------------------------------------------------- ContainerRunner


class _RunnerNeverStops(InMemoryContainerRunner):
    def start(self, spec: ContainerSpec) -> RunningContainer:
        container = super().start(spec)
        container.stop = lambda timeout=5.0: None  # type: ignore[method-assign]
        return container


class _RunnerDropsEnv(InMemoryContainerRunner):
    def run(self, spec: ContainerSpec, *, timeout: float | None = None) -> RunResult:
        return super().run(replace(spec, env={}), timeout=timeout)


class _RunnerExitsZero(InMemoryContainerRunner):
    def run(self, spec: ContainerSpec, *, timeout: float | None = None) -> RunResult:
        return replace(super().run(spec, timeout=timeout), exit_code=0)


class _RunnerIgnoresGpus(InMemoryContainerRunner):
    def start(self, spec: ContainerSpec) -> RunningContainer:
        return super().start(replace(spec, gpus=None))


class _RunnerPublishesWhenExited(InMemoryContainerRunner):
    def start(self, spec: ContainerSpec) -> RunningContainer:
        container = super().start(spec)
        assert isinstance(container, InMemoryContainer)
        container.host_port = lambda port: container.ports[port]  # type: ignore[method-assign]
        return container


class _RunnerIgnoresStdin(InMemoryContainerRunner):
    def attach(self, spec: ContainerSpec, stdio: Stdio) -> AttachedContainer:
        return super().attach(spec, replace(stdio, stdin=None))


class _RunnerMixesStderrIn(InMemoryContainerRunner):
    def attach(self, spec: ContainerSpec, stdio: Stdio) -> AttachedContainer:
        return super().attach(spec, replace(stdio, stderr=stdio.stdout))


class _RunnerDropsSignals(InMemoryContainerRunner):
    def attach(self, spec: ContainerSpec, stdio: Stdio) -> AttachedContainer:
        container = super().attach(spec, stdio)
        container.signal = lambda signum: None  # type: ignore[method-assign]
        return container


RUNNER_CASES: list[tuple[type[InMemoryContainerRunner], str]] = [
    (_RunnerIgnoresStdin, "test_attached_stdin_reaches_the_command_and_its_exit_code_comes_back"),
    (_RunnerMixesStderrIn, "test_attached_stdout_and_stderr_stay_apart_without_a_terminal"),
    (_RunnerDropsSignals, "test_a_signal_asked_for_stops_the_attached_container"),
    (_RunnerNeverStops, "test_started_container_stops_when_its_block_ends"),
    (_RunnerNeverStops, "test_started_container_stops_when_an_exception_escapes"),
    (_RunnerDropsEnv, "test_environment_reaches_the_command"),
    (_RunnerExitsZero, "test_run_returns_the_exit_code"),
    (_RunnerIgnoresGpus, "test_a_gpu_request_without_a_gpu_runtime_is_a_container_error"),
    (_RunnerPublishesWhenExited, "test_a_container_that_has_exited_publishes_no_port"),
]


@pytest.mark.parametrize(("broken", "test"), RUNNER_CASES, ids=[t for _, t in RUNNER_CASES])
def test_container_runner_contract_fails_a_broken_runner(
    broken: type[InMemoryContainerRunner], test: str
) -> None:
    def run(use_broken: bool) -> None:
        local = InMemoryLocalImages()
        local.add(Image(reference=BUSYBOX, image_id=None, source=ImageSource.LOCAL))
        runner = (broken if use_broken else InMemoryContainerRunner)(local, fake_shell)
        runner.interactive = fake_interactive_shell
        runner.gpus_available = False
        _call(ContainerRunnerContract(), test, {"runner": runner, "shell_image": BUSYBOX})

    _passes_then_fails(run)


# --------------------------------------------------------------------------- ModelApi


class _ApiAlwaysReady(InMemoryModelApi):
    def health(self, address: Address) -> HealthStatus | None:
        return HealthStatus.READY


class _ApiLosesTheId(InMemoryModelApi):
    def predict(
        self, address: Address, inputs: Mapping[str, object], *, prediction_id: str
    ) -> PredictionResponse:
        return replace(super().predict(address, inputs, prediction_id="x"), id="x")


class _ApiTakesEveryInputLiterally(InMemoryModelApi):
    def _as_the_runtime_does(self, mode: Any, inputs: Mapping[str, object]) -> Any:
        return {**super()._as_the_runtime_does(mode, inputs), "top": inputs.get("topp", 3)}


API_CASES: list[tuple[type[InMemoryModelApi], str]] = [
    (_ApiAlwaysReady, "test_nothing_answering_is_no_status_yet"),
    (_ApiLosesTheId, "test_a_prediction_returns_the_models_output"),
    (_ApiTakesEveryInputLiterally, "test_the_runtime_drops_inputs_it_does_not_know"),
]


@pytest.mark.parametrize(("broken", "test"), API_CASES, ids=[t for _, t in API_CASES])
def test_model_api_contract_fails_a_broken_api(broken: type[InMemoryModelApi], test: str) -> None:
    def run(use_broken: bool) -> None:
        local = InMemoryLocalImages()
        local.add(Image(reference=BUSYBOX, image_id=None, source=ImageSource.LOCAL))
        runner = InMemoryContainerRunner(local)
        container = runner.start(ContainerSpec(image=BUSYBOX, ports={5000: None}))
        model = Address(runner.published_host, container.host_port(5000))
        fixtures = {
            "api": (broken if use_broken else InMemoryModelApi)(runner, vocab_model()),
            "model": model,
            "trainer": model,
            "silent": Address("127.0.0.1", 9),
        }
        _call(ModelApiContract(), test, fixtures)

    _passes_then_fails(run)


# --------------------------------------------------------------------------- InputFiles


class _FilesAllOctetStream(InMemoryInputFiles):
    def read(self, path: str) -> InputFile:
        return replace(super().read(path), media_type="application/octet-stream")


class _FilesMissingAreEmpty(InMemoryInputFiles):
    def read(self, path: str) -> InputFile:
        return InputFile(name=path, content=self.files.get(path, b""))


FILES_CASES: list[tuple[type[InMemoryInputFiles], str]] = [
    (_FilesAllOctetStream, "test_the_media_type_is_guessed_from_the_name"),
    (_FilesMissingAreEmpty, "test_a_missing_file_is_invalid_input"),
    (_FilesMissingAreEmpty, "test_a_directory_is_invalid_input"),
]


@pytest.mark.parametrize(("broken", "test"), FILES_CASES, ids=[t for _, t in FILES_CASES])
def test_input_files_contract_fails_a_broken_backend(
    broken: type[InMemoryInputFiles], test: str
) -> None:
    def run(use_broken: bool) -> None:
        files = (broken if use_broken else InMemoryInputFiles)()

        def seed(name: str, content: bytes) -> str:
            if name.endswith("/"):
                files.add(f"{name}inside.txt", b"")
                return name.rstrip("/")
            files.add(name, content)
            return name

        _call(InputFilesContract(), test, {"files": files, "seed": seed})

    _passes_then_fails(run)


# --------------------------------------------------------------------------- ImageBuilder


class _BuilderAltersLabels(InMemoryImageBuilder):
    def build(self, request: BuildRequest) -> Digest:
        labels = {key: value.upper() for key, value in request.labels.items()}
        return super().build(replace(request, labels=labels))


class _BuilderIgnoresFailures(InMemoryImageBuilder):
    def build(self, request: BuildRequest) -> Digest:
        try:
            return super().build(request)
        except BuildError:
            return super().build(replace(request, dockerfile=f"FROM {BUSYBOX}\n"))


BUILDER_CASES: list[tuple[type[InMemoryImageBuilder], str]] = [
    (_BuilderAltersLabels, "test_build_returns_the_image_id_of_an_image_with_the_labels"),
    (_BuilderIgnoresFailures, "test_failing_step_raises_build_error_with_the_step_and_output"),
    (_BuilderIgnoresFailures, "test_missing_context_file_raises_build_error"),
]


@pytest.mark.parametrize(("broken", "test"), BUILDER_CASES, ids=[t for _, t in BUILDER_CASES])
def test_image_builder_contract_fails_a_broken_builder(
    broken: type[InMemoryImageBuilder], test: str, tmp_path: Path
) -> None:
    (tmp_path / "hello.txt").write_text("hello\n")

    def run(use_broken: bool) -> None:
        local = InMemoryLocalImages()
        local.add(Image(reference=BUSYBOX, image_id=None, source=ImageSource.LOCAL))
        fixtures: dict[str, Any] = {
            "builder": (broken if use_broken else InMemoryImageBuilder)(local),
            "local_images": local,
            "base_image": BUSYBOX,
            "context": tmp_path,
        }
        _call(ImageBuilderContract(), test, fixtures)

    _passes_then_fails(run)


# --------------------------------------------------------------------------- harness


def _call(contract: object, test: str, fixtures: Mapping[str, Any]) -> None:
    """Call the contract's test method with the fixtures it names, as pytest would."""
    method = getattr(contract, test)
    names = method.__code__.co_varnames[1 : method.__code__.co_argcount]
    method(**{name: fixtures[name] for name in names})
