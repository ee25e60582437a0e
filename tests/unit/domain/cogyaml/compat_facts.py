"""Run a test on another commit's compatibility facts: Cog 0447eb11's, or rows a test makes up.

The package ships Cog HEAD's facts (``domain/cogyaml/data``). ``compat_0447eb11/`` holds Cog
0447eb11's, in its file names and newest-first order, as this repository shipped them before
decision 0033: the loaders depend on the shape of the files only, so the 0447eb11 cases whose
answer HEAD changed through its data alone still get 0447eb11's answer from 0447eb11's facts.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from domain.cogyaml import cog_base, compat

FACTS_0447EB11 = Path(__file__).parent / "compat_0447eb11"
FILES_0447EB11 = {
    compat.CUDA_IMAGES_FILE: "cuda_base_images.json",
    compat.TORCH_FILE: "torch_compatibility_matrix.json",
    compat.TENSORFLOW_FILE: "tf_compatibility_matrix.json",
}
# Everything computed from the facts and remembered.
CACHED = (
    compat.cuda_images,
    compat.torch_builds,
    compat.tensorflow_builds,
    cog_base.cog_base_configurations,
)


@contextlib.contextmanager
def facts(load: Callable[[str], list[dict[str, Any]]]) -> Iterator[None]:
    """Within the block, the loaders read their files through ``load(file name)``."""
    original = compat._load
    _forget()
    compat._load = load
    try:
        yield
    finally:
        compat._load = original
        _forget()


def facts_at_0447eb11() -> contextlib.AbstractContextManager[None]:
    """Within the block, the loaders read Cog 0447eb11's facts."""
    return facts(lambda name: json.loads((FACTS_0447EB11 / FILES_0447EB11[name]).read_text()))


def rows(data: Mapping[str, list[dict[str, Any]]]) -> contextlib.AbstractContextManager[None]:
    """Within the block, the loaders read ``data`` (file name → rows); other files are empty."""
    return facts(lambda name: data.get(name, []))


def _forget() -> None:
    for cached in CACHED:
        cached.cache_clear()
