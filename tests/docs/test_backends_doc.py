"""docs/backends.md runs: its two Python blocks, saved as the two files they name, are a passing
contract test module (nothing is added to them)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "backends.md"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_the_backend_example_passes_the_contract(tmp_path: Path) -> None:
    for block in _python_blocks(DOC.read_text()):
        name = re.match(r"# (\S+\.py) ", block)
        assert name is not None, "each block starts with the name of the file it is"
        (tmp_path / name.group(1)).write_text(block)
    assert sorted(p.name for p in tmp_path.glob("*.py")) == [
        "acme_mirror.py",
        "test_acme_mirror.py",
    ]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            "--rootdir",
            str(tmp_path),
            "-c",
            "/dev/null",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = int(re.search(r"(\d+) passed", result.stdout).group(1))  # type: ignore[union-attr]
    assert passed >= 15
    assert "skipped" not in result.stdout
