"""How long static schema generation takes for a realistic predictor (goal: under 50 ms).

Run: ``.venv/bin/python -m tests.benchmarks.bench_schema``. Prints the first (cold) call,
which includes importing ``domain.openapi``, and the median and worst of warm calls for: the
example model's predict schema as bytes, the merged predict + train bytes, and a predictor
with 40 inputs and a nested output model.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "unit" / "domain" / "openapi" / "cases" / "example"
RUNS = 200


def _large_predictor() -> str:
    params = ",\n".join(
        f'        p{i}: {kind} = Input(description="input {i}", {extra})'
        for i in range(40)
        for kind, extra in [
            [
                ("int", f"ge=0, le={i + 10}, default=1"),
                ("float", "ge=0.0, le=1.0, default=0.5"),
                ("str", 'choices=["a", "b", "c"], default="a"'),
                ("Optional[Path]", 'accept="image/*", default=None'),
            ][i % 4]
        ]
    )
    return f"""
from typing import Optional
from cog import BaseModel, BasePredictor, Input, Path

class Box(BaseModel):
    x: int
    y: int
    label: Optional[str] = None

class Result(BaseModel):
    image: Path
    boxes: list[Box]
    scores: dict[str, float]

class Predictor(BasePredictor):
    def predict(
        self,
{params},
    ) -> Result:
        ...
"""


def _time(label: str, call: Callable[[], object]) -> None:
    start = time.perf_counter()
    call()
    cold = time.perf_counter() - start
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    median, worst = statistics.median(samples), max(samples)
    print(
        f"{label:<42} cold {cold * 1e3:7.2f} ms   "
        f"median {median * 1e3:6.2f} ms   max {worst * 1e3:6.2f} ms   ({RUNS} runs)"
    )


def main() -> None:
    import_start = time.perf_counter()
    from domain.openapi import encode, generate_for_config, openapi_schema

    print(f"import domain.openapi: {(time.perf_counter() - import_start) * 1e3:.2f} ms")

    def read(path: str) -> str | None:
        file = EXAMPLE / path
        return file.read_text() if file.is_file() else None

    example = (EXAMPLE / "predict.py").read_text()
    large = _large_predictor()
    _time("example predict -> bytes", lambda: encode(openapi_schema(example, "Predictor")))
    _time(
        "example predict + train (merged) -> bytes",
        lambda: generate_for_config("predict.py:Predictor", "predict.py:train", read),
    )
    _time("40 inputs + nested output -> bytes", lambda: encode(openapi_schema(large, "Predictor")))


if __name__ == "__main__":
    main()
