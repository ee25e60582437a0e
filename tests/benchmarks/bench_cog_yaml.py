"""How long reading cog.yaml takes: the YAML reader and the whole pipeline, next to PyYAML.

Run: ``.venv/bin/python tests/benchmarks/bench_cog_yaml.py [--runs R] [--count N]``

Prints, per cog.yaml (a small CPU one, a GPU one with every common key, and a large one with
200 packages and 50 run commands):

* ``parse_yaml``: the reader alone (text to node tree), with PyYAML's libyaml parser (if PyYAML
  was built with it) and with its pure-Python parser;
* ``yaml.safe_load`` with PyYAML's libyaml ``CSafeLoader`` and pure-Python loader, for scale;
* ``parse_config``: reading + schema check + decoding into the pydantic models;
* ``validate_and_complete``: requirements, CUDA/cuDNN completion, environment;
* ``config_to_label``: the ``run.cog.config`` bytes.

Each figure is the best of ``--runs`` passes of ``--count`` calls, in microseconds per call.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import yaml

from domain.cogyaml import yaml_reader
from domain.cogyaml.label import config_to_label
from domain.cogyaml.parse import parse_config
from domain.cogyaml.validation import validate_and_complete

SMALL = 'build:\n  python_version: "3.12"\npredict: "predict.py:Predictor"\n'
LARGE = """\
# Configuration for Cog ⚙️
build:
  gpu: true
  python_version: "3.11"
  system_packages:
    - "libgl1-mesa-glx"
    - "libglib2.0-0"
    - ffmpeg
  python_packages:
    - "torch==2.3.1"
    - "torchvision==0.18.1"
    - "transformers>=4.40,<5"
    - "diffusers==0.27.2"
  run:
    - curl -o /usr/local/bin/pget -L "https://github.com/replicate/pget/releases/download/v0.8.1/pget_linux_x86_64"
    - command: pip install -r /tmp/extra.txt
      mounts:
        - type: secret
          id: hf_token
          target: /run/secrets/hf
predict: "predict.py:Predictor"
train: "train.py:train"
concurrency:
  max: 4
environment:
  - HF_HOME=/src/.cache
  - TOKENIZERS_PARALLELISM=false
"""


HUGE = (
    "build:\n  gpu: true\n  python_version: '3.11'\n  python_packages:\n"
    + "".join(f'    - "package-{i}=={i}.0.{i % 7}"\n' for i in range(200))
    + "  run:\n"
    + "".join(f"    - echo step {i} && pip install --no-cache-dir extra-{i}\n" for i in range(50))
    + "predict: predict.py:Predictor\n"
)


def with_parser(parser: type) -> Callable[[str], object]:
    def read(text: str) -> object:
        yaml_reader.PARSER = parser
        try:
            return yaml_reader.parse_yaml(text)
        finally:
            yaml_reader.PARSER = default

    default = yaml_reader.PARSER
    return read


def best_us(call: Callable[[], object], runs: int, count: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(count):
            call()
        best = min(best, time.perf_counter() - start)
    return best / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    for name, text in (
        ("small cog.yaml", SMALL),
        ("GPU cog.yaml", LARGE),
        ("large cog.yaml", HUGE),
    ):
        config = parse_config(text)
        completed = validate_and_complete(config, ())
        rows: list[tuple[str, Callable[[], object]]] = []
        if yaml.__with_libyaml__:
            read_c = with_parser(yaml.CBaseLoader)
            rows.append(("parse_yaml (libyaml parser)", lambda t=text, r=read_c: r(t)))
        read_py = with_parser(yaml.BaseLoader)
        rows.append(("parse_yaml (pure-Python parser)", lambda t=text, r=read_py: r(t)))
        if yaml.__with_libyaml__:
            rows.append(
                ("yaml.safe_load (libyaml)", lambda t=text: yaml.load(t, Loader=yaml.CSafeLoader))
            )
        rows.append(
            ("yaml.safe_load (pure Python)", lambda t=text: yaml.load(t, Loader=yaml.SafeLoader))
        )
        rows += [
            ("parse_config", lambda t=text: parse_config(t)),
            ("validate_and_complete", lambda c=config: validate_and_complete(c, ())),
            ("config_to_label", lambda c=completed: config_to_label(c)),
        ]
        print(f"{name} ({len(text)} bytes)")
        for label, call in rows:
            print(f"  {label:<40} {best_us(call, args.runs, args.count):9.1f} µs/call")


if __name__ == "__main__":
    main()
