"""Which files are weights for ``--separate-weights``: Cog's ``FindWeights`` cases, and more.

The ``find_weights`` cases are those of Cog's ``weights_test.go`` (``weightslegacy`` at HEAD);
the exclude patterns those of ``TestGenerateWithLargeModels``.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from adapters.dockerfile.dockerignore import parse_patterns
from adapters.dockerfile.weights import (
    SIZE_THRESHOLD,
    WeightPaths,
    find_weights,
    manifest_text,
    project_files,
    weights_manifest,
)

BIG, SMALL = SIZE_THRESHOLD, SIZE_THRESHOLD - 1


@pytest.mark.parametrize(
    ("files", "dirs", "top"),
    [
        ([("large-a", BIG), ("large-b", BIG), ("small", SMALL)], (), ("large-a", "large-b")),
        (
            [("models/large-a", BIG), ("models/large-b", BIG), ("models/small", SMALL)],
            ("models",),
            (),
        ),
        ([("root-large", BIG), ("models/large-a", BIG)], ("models",), ("root-large",)),
        ([("root-large", BIG), ("predict.py", 1024)], (), ("root-large",)),
        ([("models/root-large", BIG), ("models/predict.py", 1024)], (), ()),
        ([("models/root-large", BIG), ("models/code/predict.py", 1024)], (), ()),
        (
            [("models2/b/large", BIG), ("models2/a/large", BIG), ("models/large", BIG)],
            ("models", "models2/a", "models2/b"),
            (),
        ),
        (
            [("models/b/large", BIG), ("models/a/large", BIG), ("models/large", BIG)],
            ("models",),
            (),
        ),
        (
            [(".git/root-large", BIG), ("root-large", BIG), ("predict.py", 1024)],
            (),
            ("root-large",),
        ),
    ],
)
def test_cogs_weight_cases(
    files: list[tuple[str, int]], dirs: tuple[str, ...], top: tuple[str, ...]
) -> None:
    assert find_weights(files) == WeightPaths(dirs=dirs, files=top)


@pytest.mark.parametrize(
    "path",
    [
        "model.py",
        "photo.JPG.png",
        "clip.mp4",
        "song.flac",
        "train.log",
        "sdk.whl",
        ".cog/cache/big",
        ".cogs/big",
        "__pycache__/x",
        "sub/.git/objects/pack",
    ],
)
def test_code_media_logs_and_cog_git_caches_are_never_weights(path: str) -> None:
    assert find_weights([(path, BIG)]) == WeightPaths()


def test_a_code_file_anywhere_under_a_prefix_keeps_its_directory_out_cogs_text_test() -> None:
    found = find_weights([("models/w.bin", BIG), ("models2/x.py", 10)])
    assert found == WeightPaths()  # "models2/x.py" starts with "models": Cog's quirk, kept


def test_the_exclude_patterns_are_cogs() -> None:
    weights = find_weights(
        [("checkpoints/large-a", BIG), ("models/large-b", BIG), ("root-large", BIG)]
    )
    assert weights.paths == ("checkpoints", "models", "root-large")
    assert weights.exclude_patterns == (
        "checkpoints",
        "checkpoints/**/*",
        "models",
        "models/**/*",
        "root-large",
    )


def test_the_project_is_walked_as_the_engine_sees_it(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "w.bin").write_bytes(b"x" * 10)
    (tmp_path / "ignored").mkdir()
    (tmp_path / "ignored" / "w.bin").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "pack").write_bytes(b"x")
    (tmp_path / ".cog").mkdir()
    (tmp_path / ".cog" / "build").write_bytes(b"x")
    (tmp_path / "link.py").symlink_to(tmp_path / "models" / "w.bin")
    found = dict(project_files(tmp_path, parse_patterns("ignored\n")))
    assert found == {"models/w.bin": 10, "link.py": len(str(tmp_path / "models" / "w.bin"))}


def test_the_manifest_is_cogs_crc32_little_endian_hex_per_file(tmp_path: Path) -> None:
    (tmp_path / "models" / "sub").mkdir(parents=True)
    (tmp_path / "models" / "sub" / "a").write_bytes(b"hello")
    (tmp_path / "top.bin").write_bytes(b"")
    manifest = weights_manifest(tmp_path, WeightPaths(dirs=("models",), files=("top.bin",)))
    crc = zlib.crc32(b"hello").to_bytes(4, "little").hex()
    assert manifest == {"files": {"top.bin": {"crc32": "00000000"}, "models/sub/a": {"crc32": crc}}}
    assert json.loads(manifest_text(manifest)) == manifest
    assert manifest_text(manifest).endswith("}}}\n")
