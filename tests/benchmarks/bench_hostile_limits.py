"""The worst inputs each parser accepts or refuses at its limits, and what they cost.

Run: ``.venv/bin/python tests/benchmarks/bench_hostile_limits.py [--runs R]``

For each case (issue 15's reproducers, and inputs built to be as expensive as the limits of
``domain/limits.py`` allow), prints the outcome (``ok`` or the error type), the best CPU time of
``--runs`` runs (``time.process_time``, untraced) and the peak of ``tracemalloc`` in one more
run. The goal is 2 s and 500 MB per input on this 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from domain.cogyaml.models import CogConfig, WeightSource, WeightSourceConfig
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete
from domain.cogyaml.weights import weights_problems
from domain.image import Image
from domain.image_source import ImageSource
from domain.json_text import read_json
from domain.limits import (
    MAX_COG_YAML_BYTES,
    MAX_COG_YAML_DEPTH,
    MAX_COG_YAML_NODES,
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    MAX_JSON_STRUCTURE,
    MAX_SOURCE_BYTES,
)
from domain.openapi import generate_for_config
from domain.reference import parse_ref
from domain.safe_text import shown

HEAD = "from cog import BasePredictor\nclass Predictor(BasePredictor):\n"
PREDICT = HEAD + "    def predict(self, x: int = 1) -> str: ...\n"


def _cog_yaml(text: str) -> Callable[[], object]:
    return lambda: validate_and_complete(parse_config(text), ())


def _predictor(source: str) -> Callable[[], object]:
    return lambda: generate_for_config("predict.py:Predictor", None, {"predict.py": source}.get)


def _label(schema: str) -> Callable[[], object]:
    labels = {"run.cog.config": "{}", "run.cog.openapi_schema": schema}
    image = Image(reference=None, image_id=None, source=ImageSource.REMOTE, labels=labels)
    return image.to_model


def _weights(count: int) -> Callable[[], object]:
    source = (WeightSourceConfig(uri="s3://b/w"),)
    weights = tuple(
        WeightSource(name=f"w{i}", target=f"/w/{i}/x", source=source) for i in range(count)
    )
    config = CogConfig(model="r8.im/acme/m", weights=weights)
    return lambda: weights_problems(config)


def _fill(prefix: str, unit: str, suffix: str, budget: int) -> str:
    return prefix + unit * ((budget - len(prefix) - len(suffix)) // len(unit)) + suffix


def cases() -> list[tuple[str, Callable[[], object]]]:
    nodes = MAX_COG_YAML_NODES - 10
    nest = MAX_COG_YAML_DEPTH - 1
    aliases = "a: &a [" + ",".join(["x"] * 99) + "]\nb: [" + ",".join(["*a"] * 97) + "]\n"
    models = "from pydantic import BaseModel\n" + "".join(
        f"class M{i}(BaseModel):\n    x: 'M{i + 1}'\n" for i in range(300)
    )
    room = MAX_SOURCE_BYTES - len(PREDICT) - 10
    deep = MAX_JSON_DEPTH - 1
    return [
        (
            "cog.yaml: concurrency.max of 5,000 digits",
            _cog_yaml("concurrency:\n  max: " + "9" * 5000),
        ),
        ("cog.yaml: a scalar of 1 MiB", _cog_yaml(_fill("image: ", "a", "\n", MAX_COG_YAML_BYTES))),
        ("cog.yaml: 10 MB scalar (refused unread)", _cog_yaml("image: " + "a" * 10_000_000)),
        (
            f"cog.yaml: {nodes:,} list items",
            _cog_yaml(_fill("build:\n  system_packages: [", "a,", "]\n", 2 * nodes + 27)),
        ),
        (
            "cog.yaml: 100,000 list items (refused)",
            _cog_yaml("build:\n  system_packages:\n" + "    - a\n" * 100_000),
        ),
        (f"cog.yaml: {nest} levels", _cog_yaml("build:\nx: " + "[" * nest + "]" * nest)),
        ("cog.yaml: 9,900 nodes through aliases (schema)", _cog_yaml(aliases)),
        ("weights: 10,000 entries (validation)", _weights(10_000)),
        ("weights: 100,000 entries (validation)", _weights(100_000)),
        ("predict.py: 100,000 lines (refused)", _predictor(PREDICT + "x = 1\n" * 100_000)),
        (
            "predict.py: 256 KiB of list items",
            _predictor(PREDICT + _fill("x = [", "1,", "]\n", room)),
        ),
        ("predict.py: 256 KiB of calls", _predictor(PREDICT + _fill("", "f()\n", "", room))),
        ("predict.py: 10,000 minus signs", _predictor("X = " + "-" * 10_000 + "1\n" + PREDICT)),
        (
            "predict.py: 300 chained models",
            _predictor(models + HEAD + "    def predict(self) -> M0: ...\n"),
        ),
        (
            "label: 1 MiB of structure (tiny arrays)",
            _label(_fill('{"a": [', "[1],", "[]]}", MAX_JSON_STRUCTURE - 10)),
        ),
        (
            "label: 8 MiB, mostly strings",
            _label(_fill('{"a": [', '"' + "<" * 1000 + '",', '""]}', MAX_JSON_BYTES - 10)),
        ),
        (f"label: {deep} levels", _label('{"a":' + "[" * (deep - 1) + "]" * (deep - 1) + "}")),
        ("label: 100,000 levels (refused)", _label('{"a":' + "[" * 100_000 + "]" * 100_000 + "}")),
        (
            "read_json: 1 MiB of brackets",
            lambda: read_json(_fill("[", "[],", "[]]", MAX_JSON_STRUCTURE), what="x"),
        ),
        ("reference: 1 MB registry", lambda: parse_ref("a" * 1_000_000 + ".io/x")),
        ("shown(): 1 MB of hostile text", lambda: shown('"token": "' + "a:b@" * 250_000)),
    ]


def measure(run: Callable[[], object], runs: int) -> tuple[str, float, float]:
    outcome, best = "ok", float("inf")
    for _ in range(runs):
        start = time.process_time()
        try:
            run()
        except Exception as exc:
            outcome = type(exc).__name__
        best = min(best, time.process_time() - start)
    tracemalloc.start()
    with contextlib.suppress(Exception):
        run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return outcome, best, peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'case':<48} {'outcome':<22} {'CPU s':>8} {'peak MB':>8}")
    for name, run in cases():
        outcome, cpu, peak = measure(run, args.runs)
        print(f"{name:<48} {outcome:<22} {cpu:8.3f} {peak:8.1f}")


if __name__ == "__main__":
    main()
