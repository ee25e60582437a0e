"""Staging the build context: the project under src/, generated files under cog/, ignores moved."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path, PurePath

import pytest

from adapters.dockerfile.context import secret_files, stage_context, staging_dir
from adapters.dockerfile.dockerignore import is_excluded, parse_patterns
from adapters.dockerfile.hermetic import HostPip, WheelTarget
from domain.errors import BuildError
from domain.options import BuildSecret


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "model"
    (root / "weights").mkdir(parents=True)
    (root / "predict.py").write_text("print('hi')\n")
    (root / "weights" / "w.bin").write_bytes(b"\0" * 1024)
    (root / ".cog" / "cache").mkdir(parents=True)
    (root / ".cog" / "cache" / "old.json").write_text("{}")
    (root / "link.py").symlink_to("predict.py")
    return root


def test_the_staging_directory_is_the_same_for_every_build(project: Path) -> None:
    with stage_context(project, {}, include_source=True) as context:
        first = context.path
    with stage_context(project, {}, include_source=True) as context:
        assert context.path == first == staging_dir(project) == project / ".cog" / "build"


def test_a_directory_left_by_a_killed_build_is_replaced(project: Path) -> None:
    (project / ".cog" / "build" / "stale").mkdir(parents=True)
    with stage_context(project, {}, include_source=True) as context:
        assert not (context.path / "stale").exists()


def test_concurrent_builds_of_one_project_wait_for_each_other(project: Path) -> None:
    script = (
        "import sys, time; from pathlib import Path;"
        "from adapters.dockerfile.context import stage_context;"
        "c = stage_context(Path(sys.argv[1]), {}, include_source=False);"
        "print('in', flush=True); time.sleep(1.0); c.close()"
    )
    other = subprocess.Popen(
        [sys.executable, "-c", script, str(project)], stdout=subprocess.PIPE, text=True
    )
    assert other.stdout is not None
    assert other.stdout.readline().strip() == "in"
    start = time.monotonic()
    with stage_context(project, {}, include_source=False):
        waited = time.monotonic() - start
    other.wait(timeout=10)
    assert waited > 0.5


def test_the_project_is_mirrored_under_src_with_hard_links(project: Path) -> None:
    with stage_context(project, {}, include_source=True) as context:
        staged = context.path / "src"
        assert (staged / "predict.py").read_text() == "print('hi')\n"
        assert os.path.samefile(staged / "weights" / "w.bin", project / "weights" / "w.bin")
        assert os.readlink(staged / "link.py") == "predict.py"
        assert context.copied_files == 0


def test_excluded_paths_stay_out_of_src(project: Path) -> None:
    (project / "token.txt").write_text("s3cret")
    exclude = frozenset({"token.txt", "weights/w.bin"})
    with stage_context(project, {}, include_source=True, exclude=exclude) as context:
        assert not (context.path / "src" / "token.txt").exists()
        assert not (context.path / "src" / "weights" / "w.bin").exists()
        assert (context.path / "src" / "predict.py").exists()
    assert (project / "token.txt").read_text() == "s3cret"


def test_secret_files_inside_the_project_are_named_relative_to_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)  # a relative src is read from the current directory
    secrets = (
        BuildSecret(id="a", src="token.txt"),
        BuildSecret(id="b", src=str(project / "weights" / "key")),
        BuildSecret(id="c", src=str(tmp_path / "outside.txt")),
        BuildSecret(id="d", env="TOKEN"),
    )
    assert secret_files(project, secrets) == {"token.txt", "weights/key"}


def test_the_projects_own_cog_directory_stays_out(project: Path) -> None:
    with stage_context(project, {}, include_source=True) as context:
        assert not (context.path / "src" / ".cog").exists()


def test_generated_files_land_under_their_context_paths(project: Path, tmp_path: Path) -> None:
    wheel = tmp_path / "x-1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    files: dict[str, bytes | PurePath] = {
        "cog/requirements.txt": b"numpy",
        "cog/wheels/runtime/x-1.0-py3-none-any.whl": wheel,
    }
    with stage_context(project, files, include_source=False) as context:
        assert (context.path / "cog/requirements.txt").read_bytes() == b"numpy"
        assert (context.path / "cog/wheels/runtime" / wheel.name).read_bytes() == b"wheel"
        assert not (context.path / "src").exists()


def test_closing_removes_the_staging_directory_and_never_the_project(project: Path) -> None:
    with stage_context(project, {"cog/a": b"a"}, include_source=True) as context:
        path = context.path
    assert not path.exists()
    assert (project / "weights" / "w.bin").read_bytes() == b"\0" * 1024
    assert (project / "predict.py").exists()


def test_the_projects_dockerignore_is_moved_under_src(project: Path) -> None:
    (project / ".dockerignore").write_text("weights\n*.log\n!keep.log\n.cog\n")
    with stage_context(project, {"cog/requirements.txt": b"x"}, include_source=True) as ctx:
        patterns = parse_patterns((ctx.path / ".dockerignore").read_text())
        assert is_excluded(patterns, "src/weights/w.bin")
        assert is_excluded(patterns, "src/debug.log")
        assert not is_excluded(patterns, "src/keep.log")
        assert not is_excluded(patterns, "cog/requirements.txt")  # `.cog` cannot break a build


def test_a_directory_the_project_excludes_outright_is_not_walked(project: Path) -> None:
    (project / ".dockerignore").write_text("weights\n")
    with stage_context(project, {}, include_source=True) as context:
        assert not (context.path / "src" / "weights").exists()
        assert (context.path / "src" / "predict.py").exists()


def test_an_unwritable_project_is_a_build_error(project: Path) -> None:
    (project / ".cog" / "build.lock").mkdir()  # a directory where the lock file must go
    with pytest.raises(BuildError) as info:
        stage_context(project, {}, include_source=True)
    assert info.value.step == "build context"


def test_a_build_that_never_got_the_lock_leaves_the_staging_directory_alone(
    project: Path,
) -> None:
    # Without the lock the directory may be a concurrent build's context, mid-build.
    (project / ".cog" / "build").mkdir()
    (project / ".cog" / "build" / "Dockerfile").write_text("FROM x\n")
    (project / ".cog" / "build.lock").mkdir()
    with pytest.raises(BuildError):
        stage_context(project, {}, include_source=True)
    assert (project / ".cog" / "build" / "Dockerfile").read_text() == "FROM x\n"


class Interrupted(Mapping[str, bytes | PurePath]):
    """Generated files whose listing is cut short by Ctrl-C."""

    def __getitem__(self, key: str) -> bytes:
        raise KeyError(key)

    def __len__(self) -> int:
        return 1

    def __iter__(self) -> Iterator[str]:
        raise KeyboardInterrupt


def test_an_interrupted_staging_leaves_no_mirror_and_releases_the_lock(project: Path) -> None:
    with pytest.raises(KeyboardInterrupt):
        stage_context(project, Interrupted(), include_source=True)
    assert not staging_dir(project).exists()
    start = time.monotonic()
    with stage_context(project, {}, include_source=False):
        assert time.monotonic() - start < 0.5  # the lock was released


# --------------------------------------------------------------------------- hermetic wheels

FAKE_PIP = """
import os, pathlib, sys
args = sys.argv[1:]
winner = os.environ.get("FAKE_PIP_WINNER")
if winner:  # a concurrent download of the same set finishes first
    pathlib.Path(winner).mkdir(parents=True)
    (pathlib.Path(winner) / "winner-1.0-py3-none-any.whl").write_bytes(b"w")
    (pathlib.Path(winner) / ".complete").write_text("")
pathlib.Path(sys.argv[0]).with_suffix(".log").open("a").write(" ".join(args) + "\\n")
dest = next(a.split("=", 1)[1] for a in args if a.startswith("--dest="))
requirements = pathlib.Path(args[args.index("--requirement") + 1]).read_text().split()
if "missing" in requirements:
    print("ERROR: No matching distribution found for missing", file=sys.stderr)
    sys.exit(1)
pathlib.Path(dest).mkdir(parents=True, exist_ok=True)
for line in requirements:
    name, _, version = line.partition("==")
    (pathlib.Path(dest) / f"{name}-{version or '1.0'}-py3-none-any.whl").write_bytes(b"w")
"""


@pytest.fixture
def fake_pip(tmp_path: Path) -> tuple[HostPip, Path]:
    script = tmp_path / "pip.py"
    script.write_text(FAKE_PIP)
    return HostPip(cache_dir=tmp_path / "cache", command=(sys.executable, str(script))), (
        script.with_suffix(".log")
    )


def test_wheels_are_downloaded_for_the_images_python_and_platform(
    fake_pip: tuple[HostPip, Path],
) -> None:
    pip, log = fake_pip
    wheels = pip.download("numpy==2.1.0\nrich", WheelTarget(python_version="3.11"))
    assert [w.name for w in wheels] == ["numpy-2.1.0-py3-none-any.whl", "rich-1.0-py3-none-any.whl"]
    call = log.read_text()
    assert "--only-binary=:all:" in call
    assert "--python-version=3.11" in call
    assert "--platform=manylinux2014_x86_64" in call


def test_an_unchanged_wheel_set_comes_from_the_cache_without_running_pip(
    fake_pip: tuple[HostPip, Path],
) -> None:
    pip, log = fake_pip
    target = WheelTarget(python_version="3.11")
    first = pip.download("numpy==2.1.0", target)
    assert pip.download("numpy==2.1.0", target) == first
    assert len(log.read_text().splitlines()) == 1
    pip.download("numpy==2.1.0", WheelTarget(python_version="3.12"))  # another key
    pip.download("numpy==2.1.0", target, refresh=True)
    assert len(log.read_text().splitlines()) == 3


def test_a_download_that_loses_a_race_keeps_the_winners_wheels(
    fake_pip: tuple[HostPip, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pip, log = fake_pip
    target = WheelTarget(python_version="3.11")
    script = (sys.executable, str(log.with_suffix(".py")))
    elsewhere = HostPip(cache_dir=tmp_path / "elsewhere", command=script)
    key = elsewhere.download("numpy==2.1.0", target)[0].parent.name  # the set's cache key
    monkeypatch.setenv("FAKE_PIP_WINNER", str(tmp_path / "cache" / key))
    wheels = pip.download("numpy==2.1.0", target)
    assert [w.name for w in wheels] == ["winner-1.0-py3-none-any.whl"]
    assert all(w.is_file() for w in wheels)
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [key]  # no work dir left


def test_a_failed_download_is_a_build_error_with_pips_last_lines(
    fake_pip: tuple[HostPip, Path],
) -> None:
    pip, _ = fake_pip
    with pytest.raises(BuildError) as info:
        pip.download("missing", WheelTarget(python_version="3.11"))
    assert info.value.step == "pip download"
    assert any("missing" in line for line in info.value.log_tail)
    assert pip.download("numpy==1", WheelTarget(python_version="3.11"))  # cache left usable


def test_a_pip_that_cannot_start_is_a_build_error(tmp_path: Path) -> None:
    pip = HostPip(cache_dir=tmp_path, command=(str(tmp_path / "no-such-pip"),))
    with pytest.raises(BuildError) as info:
        pip.download("numpy", WheelTarget(python_version="3.11"))
    assert info.value.step == "pip download"
