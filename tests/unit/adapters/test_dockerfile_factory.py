"""DockerfileFactory on in-memory ports: the labels it writes, builds and runs it spends."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from adapters.dockerfile import CogRuntime
from adapters.memory import InMemoryRemoteImages
from application.resolver import Resolver
from domain.errors import (
    AuthenticationError,
    BackendUnavailableError,
    BuildError,
    ConfigError,
    InvalidInputError,
    SchemaError,
)
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import (
    LABEL_COG_BASE_IMAGE_NAME,
    LABEL_CONFIG,
    LABEL_HAS_INIT,
    LABEL_OCI_REVISION,
    LABEL_OCI_VERSION,
    LABEL_OPENAPI_SCHEMA,
    LABEL_PIP_FREEZE,
    LABEL_VERSION,
)
from domain.options import BuildBaseOptions, BuildOptions, BuildSecret
from domain.reference import parse_ref
from tests.unit.adapters.dockerfile_fakes import FREEZE, World

GOLDEN = Path(__file__).parent / "golden"
NO_COG_BASE = BuildOptions(use_cog_base_image=False)


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


def test_a_model_carries_every_cog_label_byte_for_byte(world: World) -> None:
    image = world.factory().build(world.source(), NO_COG_BASE)
    schema = (world.project / ".cog" / "openapi_schema.json").read_text()
    assert image.labels[LABEL_CONFIG] == (
        '{"build":{"python_version":"3.11","python_requirements":"requirements.txt"},'
        '"predict":"predict.py:Predictor"}'
    )
    assert image.labels[LABEL_OPENAPI_SCHEMA] == schema
    assert "Text \\u003cb\\u003e" in schema  # Go's HTML escaping, as Cog writes it
    assert json.loads(schema)["info"]["version"] == "0.23.1"
    assert image.labels[LABEL_VERSION] == "0.23.1"
    assert image.labels[LABEL_PIP_FREEZE] == FREEZE
    assert image.labels[LABEL_HAS_INIT] == "true"


def test_the_schema_is_inside_the_image_at_src_cog(world: World) -> None:
    world.factory().build(world.source(), NO_COG_BASE)
    build = world.builder.requests[-1]
    assert "COPY cog/openapi_schema.json /src/.cog/openapi_schema.json" in build.dockerfile
    assert build.files["cog/openapi_schema.json"].decode() == build.labels[LABEL_OPENAPI_SCHEMA]


def test_the_result_is_the_built_image_named_and_from_a_build(world: World) -> None:
    image = world.factory().build(world.source(), BuildOptions(image_name="acme/model:1"))
    assert image.source is ImageSource.BUILD
    assert image.reference == parse_ref("acme/model:1")
    assert image.image_id == world.builder.requests[-1].image_id
    assert world.local.inspect(parse_ref("acme/model:1")).image_id == image.image_id


def test_a_first_build_costs_two_builds_and_one_run(world: World) -> None:
    factory = world.factory()
    factory.build(world.source(), NO_COG_BASE)
    assert (factory.settler.builds, factory.settler.runs) == (2, 1)
    assert world.runs[0].command == ("python", "-m", "pip", "freeze")


def test_an_unchanged_rebuild_costs_one_build_and_no_run(world: World) -> None:
    first = world.factory().build(world.source(), NO_COG_BASE)
    factory = world.factory()
    again = factory.build(world.source(), NO_COG_BASE)
    assert (factory.settler.builds, factory.settler.runs) == (1, 0)
    assert again.image_id == first.image_id
    assert again.labels[LABEL_PIP_FREEZE] == FREEZE


def test_a_source_change_costs_one_build_and_one_run(world: World) -> None:
    world.factory().build(world.source(), NO_COG_BASE)
    (world.project / "README.md").write_text("a new file: a new image id\n")
    factory = world.factory()
    image = factory.build(world.source(), NO_COG_BASE)
    assert (factory.settler.builds, factory.settler.runs) == (1, 1)
    assert image.labels[LABEL_PIP_FREEZE] == FREEZE


def test_a_changed_environment_is_built_again_with_the_new_freeze(world: World) -> None:
    first = world.factory().build(world.source(), NO_COG_BASE)
    # A new system package: a new image, whose freeze differs from the previous one's.
    (world.project / "cog.yaml").write_text(
        (world.project / "cog.yaml")
        .read_text()
        .replace("build:\n", "build:\n  system_packages: [git]\n")
    )
    world.freeze = "cog==0.23.1\nnumpy==2.2.0\n"
    factory = world.factory()
    image = factory.build(world.source(), NO_COG_BASE)
    assert (factory.settler.builds, factory.settler.runs) == (2, 1)
    assert image.labels[LABEL_PIP_FREEZE] == world.freeze
    assert image.image_id != first.image_id


def test_the_intermediate_image_is_removed(world: World) -> None:
    world.factory().build(world.source(), NO_COG_BASE)
    first = world.builder.requests[0].image_id
    assert first not in {image.image_id for image in world.local.images()}


def test_an_unpinned_runtime_takes_its_version_from_the_freeze(world: World) -> None:
    world.freeze = "cog==0.24.0\n"
    image = world.factory(runtime=CogRuntime(version="")).build(world.source(), NO_COG_BASE)
    assert image.labels[LABEL_VERSION] == "0.24.0"
    # The schema is made before the build, when the version is not known yet (decision 0009).
    assert json.loads(image.labels[LABEL_OPENAPI_SCHEMA])["info"]["version"] == "0.1.0"


def test_annotations_come_last_and_may_override(world: World) -> None:
    options = BuildOptions(
        use_cog_base_image=False, annotations={LABEL_VERSION: "mine", "team": "vision"}
    )
    image = world.factory().build(world.source(), options)
    assert (image.labels[LABEL_VERSION], image.labels["team"]) == ("mine", "vision")


def test_git_revision_and_version_labels_come_from_the_project(world: World) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(world.project), *args], check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-q", "--allow-empty", "-m", "x")
    git("tag", "v1.2.3")
    head = subprocess.run(
        ["git", "-C", str(world.project), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    image = world.factory().build(world.source(), NO_COG_BASE)
    assert image.labels[LABEL_OCI_REVISION] == head
    assert image.labels[LABEL_OCI_VERSION] == "v1.2.3"  # untracked files do not make it dirty


def test_github_variables_win_over_git(world: World) -> None:
    world.environ.update(GITHUB_SHA="abc123", GITHUB_REF_NAME="release")
    image = world.factory().build(world.source(), NO_COG_BASE)
    assert (image.labels[LABEL_OCI_REVISION], image.labels[LABEL_OCI_VERSION]) == (
        "abc123",
        "release",
    )


def test_outside_a_work_tree_there_are_no_git_labels(world: World) -> None:
    image = world.factory().build(world.source(), NO_COG_BASE)
    assert LABEL_OCI_REVISION not in image.labels


def test_a_schema_file_is_used_verbatim(world: World, tmp_path: Path) -> None:
    given = tmp_path / "schema.json"
    given.write_bytes(b'{ "openapi": "3.0.2",  "paths": {} }')
    options = BuildOptions(use_cog_base_image=False, schema_file=str(given))
    image = world.factory().build(world.source(), options)
    assert image.labels[LABEL_OPENAPI_SCHEMA] == given.read_text()


def test_cog_openapi_schema_in_the_environment_bypasses_generation(
    world: World, tmp_path: Path
) -> None:
    given = tmp_path / "schema.json"
    given.write_text('{"openapi":"3.0.2"}')
    world.environ["COG_OPENAPI_SCHEMA"] = str(given)
    (world.project / "predict.py").write_text("this is not python(")
    image = world.factory().build(world.source(), NO_COG_BASE)
    assert image.labels[LABEL_OPENAPI_SCHEMA] == '{"openapi":"3.0.2"}'


def test_a_schema_file_that_is_not_a_json_object_is_invalid_input(
    world: World, tmp_path: Path
) -> None:
    given = tmp_path / "schema.json"
    given.write_text("[1, 2]")
    with pytest.raises(InvalidInputError):
        world.factory().build(world.source(), BuildOptions(schema_file=str(given)))


def test_a_schema_file_that_is_not_utf8_is_invalid_input(world: World, tmp_path: Path) -> None:
    given = tmp_path / "schema.json"
    given.write_bytes('{"openapi": "3.0.2"}'.encode("utf-16"))  # JSON, but not a label's text
    with pytest.raises(InvalidInputError):
        world.factory().build(world.source(), BuildOptions(schema_file=str(given)))


def test_a_predictor_that_is_not_utf8_is_a_schema_error_naming_it(world: World) -> None:
    (world.project / "predict.py").write_bytes("# café\n".encode("latin-1"))
    with pytest.raises(SchemaError) as info:
        world.factory().build(world.source(), NO_COG_BASE)
    assert info.value.file == "predict.py"


def test_secrets_need_a_builder_with_mounts(tmp_path: Path) -> None:
    world = World(tmp_path, mounts=False)
    secret = BuildSecret(id="token", src="/dev/null")
    with pytest.raises(InvalidInputError):
        world.factory().build(world.source(), BuildOptions(secrets=(secret,)))
    assert world.builder.requests == []


def test_run_secret_mounts_on_a_classic_builder_are_a_config_error(tmp_path: Path) -> None:
    world = World(tmp_path, mounts=False)
    cog_yaml = """build:
  python_version: "3.11"
  run:
    - command: cat /run/secrets/token
      mounts:
        - type: secret
          id: token
          target: /run/secrets/token
predict: "predict.py:Predictor"
"""
    with pytest.raises(ConfigError) as info:
        world.factory().build(world.source(cog_yaml), NO_COG_BASE)
    assert info.value.field == "build.run"
    assert world.builder.requests == []


def test_secrets_reach_the_builder(world: World) -> None:
    secret = BuildSecret(id="token", src="/dev/null")
    seen = []
    inner = world.builder.build

    def spy(request):  # type: ignore[no-untyped-def]
        seen.append(request.secrets)
        return inner(request)

    world.builder.build = spy  # type: ignore[method-assign]
    world.factory().build(world.source(), BuildOptions(use_cog_base_image=False, secrets=(secret,)))
    assert seen[0] == (secret,)


def test_a_secret_file_inside_the_project_is_not_copied_into_the_image(world: World) -> None:
    (world.project / "token.txt").write_text("s3cret")
    secret = BuildSecret(id="token", src=str(world.project / "token.txt"))
    world.factory().build(world.source(), BuildOptions(use_cog_base_image=False, secrets=(secret,)))
    staged = world.builder.requests[0].files
    assert "src/predict.py" in staged
    assert "src/token.txt" not in staged


def test_a_local_cog_base_image_is_used_and_named_in_a_label(world: World) -> None:
    world.local.add(
        Image(reference=None, image_id=None, source=ImageSource.LOCAL, labels={"cog": "base"}),
        parse_ref("r8.im/cog-base:python3.11"),
    )
    image = world.factory().build(world.source(), BuildOptions())
    assert world.builder.requests[0].dockerfile.startswith("FROM r8.im/cog-base:python3.11\n")
    assert image.labels[LABEL_COG_BASE_IMAGE_NAME] == "r8.im/cog-base:python3.11"


def test_a_missing_cog_base_falls_back_to_python_slim_unless_asked_for(world: World) -> None:
    world.factory().build(world.source(), BuildOptions())
    assert world.builder.requests[0].dockerfile.startswith("FROM python:3.11-slim\n")
    with pytest.raises(ConfigError):
        world.factory().build(world.source(), BuildOptions(use_cog_base_image=True))


@pytest.mark.parametrize("failure", ["unavailable", "denied"])
def test_a_registry_failure_while_looking_for_cog_base_is_only_a_warning_unless_asked_for(
    world: World, failure: str
) -> None:
    remote = InMemoryRemoteImages()
    if failure == "unavailable":
        remote.unavailable = True
    else:
        remote.denied.add("r8.im/cog-base")
    factory = world.factory(remote=remote)
    factory.build(world.source(), BuildOptions())
    assert world.builder.requests[0].dockerfile.startswith("FROM python:3.11-slim\n")
    expected = BackendUnavailableError if failure == "unavailable" else AuthenticationError
    with pytest.raises(expected):
        factory.build(world.source(), BuildOptions(use_cog_base_image=True))


def test_the_registry_is_asked_when_the_engine_has_no_cog_base(world: World) -> None:
    remote = InMemoryRemoteImages()
    remote.add(
        Image(
            reference=parse_ref("r8.im/cog-base:python3.11"),
            image_id=None,
            source=ImageSource.REMOTE,
        )
    )
    world.local.registry = remote
    factory = world.factory(remote=remote)
    with pytest.raises(BuildError):  # the in-memory engine does not pull FROM images
        factory.build(world.source(), BuildOptions())
    assert world.builder.requests[0].dockerfile.startswith("FROM r8.im/cog-base:python3.11\n")


def test_a_users_dockerfile_is_built_verbatim_then_labelled(world: World) -> None:
    text = "FROM python:3.11-slim\nRUN echo mine\n"
    (world.project / "Dockerfile.mine").write_text(text)
    options = BuildOptions(dockerfile_file=str(world.project / "Dockerfile.mine"))
    image = world.factory().build(world.source(), options)
    user, label_step = world.builder.requests[:2]
    assert user.dockerfile == text
    assert user.context_dir == world.project
    assert user.tags[0].startswith("index.docker.io/library/cog-tmp:")
    golden = (GOLDEN / "user-dockerfile-label-step.Dockerfile").read_text()
    assert label_step.dockerfile + "\n" == golden.replace("<hash>", user.tags[0].split(":")[-1])
    assert LABEL_HAS_INIT not in image.labels
    assert image.labels[LABEL_PIP_FREEZE] == FREEZE
    with pytest.raises(LookupError):
        world.local.inspect(parse_ref(user.tags[0]))  # the temporary name is gone


def test_an_unreadable_user_dockerfile_is_invalid_input(world: World) -> None:
    options = BuildOptions(dockerfile_file=str(world.project / "missing"))
    with pytest.raises(InvalidInputError):
        world.factory().build(world.source(), options)


def test_a_user_dockerfile_that_is_not_utf8_is_invalid_input(world: World) -> None:
    (world.project / "Dockerfile.latin1").write_bytes("FROM x\n# café\n".encode("latin-1"))
    options = BuildOptions(dockerfile_file=str(world.project / "Dockerfile.latin1"))
    with pytest.raises(InvalidInputError):
        world.factory().build(world.source(), options)
    assert world.builder.requests == []


def test_the_dev_image_is_one_build_without_cog_labels_or_source(world: World) -> None:
    factory = world.factory()
    image = factory.build_base(world.source(), BuildBaseOptions(use_cog_base_image=False))
    (build,) = world.builder.requests
    assert "COPY src" not in build.dockerfile
    assert build.labels == {LABEL_HAS_INIT: "true"}  # only what runners need: tini is PID 1
    assert image.has_init
    assert build.tags == ("index.docker.io/library/cog-my-model-base:latest",)
    assert (factory.settler.builds, factory.settler.runs) == (1, 0)
    assert image.source is ImageSource.BUILD
    assert (world.project / ".cog" / "openapi_schema.json").is_file()  # for mounted dev runs


def test_a_dev_image_without_cog_installs_no_runtime(world: World) -> None:
    world.factory().build_base(
        world.source(), BuildBaseOptions(use_cog_base_image=False, requires_cog=False)
    )
    assert "cog==" not in world.builder.requests[0].dockerfile


def test_the_resolver_builds_a_model_whose_labels_round_trip(world: World) -> None:
    resolver = Resolver(
        local=world.local,
        remote=InMemoryRemoteImages(),
        factory=world.factory(),
    )
    model = resolver.build(world.source(), NO_COG_BASE)
    assert model.config == world.source().config
    assert model.cog_version == "0.23.1"
    assert model.schema is not None
    assert model.schema_json() is not None
    assert model.image.image_id == world.builder.requests[-1].image_id


@pytest.mark.parametrize("mounts", [True, False], ids=["buildkit", "classic"])
def test_the_planned_dockerfile_is_the_one_built(tmp_path: Path, mounts: bool) -> None:
    world = World(tmp_path, mounts=mounts)
    factory = world.factory()
    planned = factory.plan(world.source(), NO_COG_BASE)
    assert planned.weights_dockerfile is None
    assert world.builder.requests == []  # planning builds nothing
    factory.build(world.source(), NO_COG_BASE)
    assert {request.dockerfile for request in world.builder.requests} == {planned.dockerfile}
    assert ("--mount=" in planned.dockerfile) is mounts


def test_the_planned_dockerfiles_of_separate_weights_are_the_ones_built(world: World) -> None:
    (world.project / "model.bin").write_bytes(b"w" * (11 * 1024 * 1024))
    options = BuildOptions(use_cog_base_image=False, separate_weights=True, image_name="acme/m")
    factory = world.factory()
    planned = factory.plan(world.source(), options)
    assert planned.weights_dockerfile is not None
    assert planned.weights_exclude
    factory.build(world.source(), options)
    built = [request.dockerfile for request in world.builder.requests]
    assert built[0] == planned.weights_dockerfile
    assert set(built[1:]) == {planned.dockerfile}
