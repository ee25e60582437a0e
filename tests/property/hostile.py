"""Hostile inputs for the four parsers of outside text, and what each may raise.

Shared by the property tests (``test_hostile_inputs.py``, a few hundred inputs per parser in
CI) and the fuzz runner (``tests/benchmarks/fuzz_hostile.py``, 100,000 and more on demand).
Each generator takes a ``random.Random`` and returns one input: a valid sample, a mutation of
one (characters inserted, deleted, replaced, repeated, lines shuffled), or one of the shapes
that broke things before (numbers past 64 bits or float64, nesting thousands deep, chains of
models, imports and classes, surrogates, control characters, sizes at and past the limits).

Each parser is a function from that input to nothing, doing everything a caller would do with
the result, and ``ALLOWED[name]`` is the error types its documentation promises. Anything else
escaping is a bug.
"""

from __future__ import annotations

import contextlib
import json
import random
import string
from collections.abc import Callable

from domain.cogyaml.label import config_from_label, config_to_label
from domain.cogyaml.parse import parse_config
from domain.cogyaml.requirements import parse_requirements_text
from domain.cogyaml.validation import validate_and_complete, validate_python_version
from domain.errors import (
    ConfigError,
    InvalidLabelError,
    InvalidReferenceError,
    SchemaError,
)
from domain.gojson import dumps as go_json
from domain.image import Image
from domain.image_source import ImageSource
from domain.labels import LABEL_CONFIG, LABEL_OPENAPI_SCHEMA
from domain.limits import MAX_COG_YAML_BYTES, MAX_COG_YAML_DEPTH, MAX_COG_YAML_NODES
from domain.openapi import generate_for_config, validate_document
from domain.reference import parse_ref
from domain.registry_host import registry_port
from domain.safe_text import shown

Generator = Callable[[random.Random], object]

# ------------------------------------------------------------------ shared mutations

_NASTY_CHARS = [
    "\x00", "\x1b", "\r", "\n", "\t", "\x7f", "\x85", "\u2028", "\u202e", "\ufeff", "\ud800",
    "\udfff", "\U0001f600", "é", "模", "\\", '"', "'", "`", "$", "%", "&", "*", "!", "|", ">",
    "#", "@", ":", "/", "[", "]", "{", "}", ",", "-", "?", "=", "+", ".", " ", "0", "9",
]  # fmt: skip
_HOSTILE_NUMBERS = [
    "9" * 30, "9" * 5_000, "-" + "9" * 400, "1e400", "-1e999", "1e-400", "0x" + "f" * 40,
    "0o" + "7" * 40, "0b" + "1" * 100, "00000000000000000000007", "18446744073709551616",
    "9223372036854775808", "-9223372036854775809", ".nan", ".inf", "-.inf", "NaN", "Infinity",
    "1_000_000", "0", "-0", "1.5e308", "4.9e-324",
]  # fmt: skip


def mutate(text: str, rng: random.Random, rounds: int | None = None) -> str:
    """``text`` after a few random edits."""
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        if not text:
            text = rng.choice(_NASTY_CHARS)
            continue
        where = rng.randrange(len(text) + 1)
        op = rng.randrange(8)
        if op == 0:
            text = text[:where] + rng.choice(_NASTY_CHARS) + text[where:]
        elif op == 1:
            text = text[:where] + text[where + rng.randint(1, 8) :]
        elif op == 2:
            text = text[:where] + rng.choice(_HOSTILE_NUMBERS) + text[where:]
        elif op == 3:  # repeat a slice
            end = min(len(text), where + rng.randint(1, 30))
            text = text[:where] + text[where:end] * rng.randint(2, 50) + text[end:]
        elif op == 4:  # swap two lines
            lines = text.split("\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif op == 5:
            text = text[:where]
        elif op == 6:
            text = text[:where] + rng.choice(string.printable) * rng.randint(1, 3) + text[where:]
        else:
            text = text[:where] + text[where:].upper()
    return text


def _random_text(rng: random.Random, alphabet: str, most: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, most)))


# ------------------------------------------------------------------ references

_REF_ALPHABET = string.ascii_letters + string.digits + "._-/:@+ " + "".join(_NASTY_CHARS)
_REFERENCES = [
    "ubuntu", "r8.im/acme/model:v1", "docker.io/library/ubuntu:22.04", "localhost:5000/x/y",
    "127.0.0.1:99999/a/b:c", "[::1]:5000/a", "[::1]:70000/a", "gcr.io/p/i@sha256:" + "a" * 64,
    "r8.im/a/b:tag@sha256:" + "0" * 64, "a" * 300, "host:" + "9" * 5000 + "/a",
    "UPPER/case", "x/" + "/".join(["a"] * 200), "reg.io/a:" + "t" * 129, "a@sha512:" + "b" * 128,
]  # fmt: skip


def reference_input(rng: random.Random) -> str:
    choice = rng.randrange(4)
    if choice == 0:
        return mutate(rng.choice(_REFERENCES), rng)
    if choice == 1:
        return _random_text(rng, _REF_ALPHABET, 80)
    registry = rng.choice(["", "r8.im/", "localhost:", "10.0.0.1:", "[::1]:", "host:", "a.b.c/"])
    if registry.endswith(":"):
        registry += rng.choice(["5000", "", "0", "65535", "65536", "99999", "9" * 30]) + "/"
    path = "/".join(_random_text(rng, "abc09._-", 12) for _ in range(rng.randint(1, 5)))
    tag = rng.choice(["", ":latest", ":" + _random_text(rng, "aZ09._-", 140)])
    digest = rng.choice(["", "@sha256:" + "f" * rng.choice([63, 64, 65]), "@md5:abc"])
    text = registry + path + tag + digest
    return mutate(text, rng) if choice == 3 else text


def parse_reference(text: object) -> None:
    assert isinstance(text, str)
    ref = parse_ref(text)
    registry_port(ref.registry)
    shown(str(ref))
    assert parse_ref(str(ref)) == ref


# ------------------------------------------------------------------ cog.yaml

_COG_YAMLS = [
    "build:\n  python_version: '3.12'\npredict: predict.py:Predictor\n",
    "build:\n  gpu: true\n  cuda: '12.1'\n  python_version: '3.11'\n  system_packages:\n"
    "    - ffmpeg\n    - libgl1\n  python_packages:\n    - torch==2.1.0\n  run:\n"
    "    - echo hi\n    - command: pip install x\n      mounts:\n        - type: secret\n"
    "          id: tok\n          target: /run/secrets/tok\n"
    "predict: predict.py:Predictor\ntrain: train.py:train\nconcurrency:\n  max: 4\n"
    "environment:\n  - A=1\n  - B=two\n",
    "model: r8.im/acme/model\nweights:\n  - name: base\n    target: /src/weights\n"
    "    source:\n      uri: hf://acme/w\n      include: ['*.bin']\n"
    "  - name: lora\n    target: /src/weights/lora\n    source: {uri: s3://b/l}\n",
    "base: &b {gpu: yes, python_version: 3.10}\nbuild:\n  <<: *b\n  cuda: 11.8\n",
    "build:\nimage: r8.im/acme/x\n",
    "build:\n  python_version: !!str 3.12\n  fast: on\n  cog_runtime: !!bool false\n",
]
_YAML_SCALARS = [
    *_HOSTILE_NUMBERS, "y", "~", "!!binary aGVsbG8=", "!!int 1.5", "!weird x", "&a 1", "*a",
    "'quoted'", '"esc \\x00 \\ud800"', "|\n  block\n", ">-\n  folded\n", "{}", "[]", "<<",
    "a" * 1000, "2001-02-03", "12:30:00", "'" + "b" * 70_000 + "'",
]  # fmt: skip


def _yaml_hostile(rng: random.Random) -> str:
    depth = rng.choice([10, MAX_COG_YAML_DEPTH - 1, MAX_COG_YAML_DEPTH, 200, 2000])
    count = rng.choice([100, MAX_COG_YAML_NODES - 10, MAX_COG_YAML_NODES + 1, 60_000])
    width = rng.choice([9, 99, 999])
    targets = rng.choices(["/a", "/a/b", "//a", "/", "a", "/a/../b", "/w/" + "x/" * 50], k=30)
    number = rng.choice(_HOSTILE_NUMBERS)
    field = rng.choice(["concurrency:\n  max", "build:\n  python_version", "build:\n  cuda"])
    makers: list[Callable[[], str]] = [
        lambda: "build:\nx: " + "[" * depth + "]" * depth + "\n",
        lambda: "".join(" " * i + "a:\n" for i in range(min(depth, 400))),
        lambda: "build:\n  system_packages: [" + "a," * count + "]\n",
        lambda: (
            "a: &a ["
            + ",".join(["x"] * width)
            + "]\n"  # aliases: wide and many
            + "b: ["
            + ",".join(["*a"] * rng.choice([10, 100, 1000]))
            + "]\n"
        ),
        lambda: (
            "model: r8.im/a/b\nweights:\n"
            + "".join(
                f"  - name: w{i}\n    target: '{t}'\n    source: {{uri: x}}\n"
                for i, t in enumerate(targets)
            )
        ),
        lambda: "image: " + "a" * rng.choice([MAX_COG_YAML_BYTES - 16, MAX_COG_YAML_BYTES]) + "\n",
        lambda: ("build:\n  gpu: true\n" if "cuda" in field else "") + f"{field}: {number}\n",
        lambda: "".join(rng.choice(_NASTY_CHARS) for _ in range(rng.randint(0, 200))),
    ]
    return rng.choice(makers)()


def cog_yaml_input(rng: random.Random) -> str:
    choice = rng.randrange(5)
    if choice == 0:
        return _yaml_hostile(rng)
    text = rng.choice(_COG_YAMLS)
    if choice == 1:  # a scalar replaced by a hostile one
        lines = text.split("\n")
        i = rng.randrange(len(lines))
        key = lines[i].split(":")[0] if ":" in lines[i] else "  - "
        lines[i] = f"{key}: {rng.choice(_YAML_SCALARS)}"
        return "\n".join(lines)
    return mutate(text, rng, rng.randint(1, 6))


def parse_cog_yaml(text: object) -> None:
    assert isinstance(text, str)
    config = parse_config(text)
    # The same hostile text, read as the python_requirements file too.
    requirements = parse_requirements_text(text)
    config = validate_and_complete(config, (*requirements, "torch==2.1.0", "numpy"))
    validate_python_version(config)
    assert config_from_label(config_to_label(config)) is not None


# ------------------------------------------------------------------ predictor sources

# Parameters: a type and a default that go together, mostly; hostile ones now and then.
_PARAMS = [
    "int = 1", "int = -1", "float = 1.5", "str = 'text'", "bool = True", "Path", "File = None",
    "Secret = None", "Any = {'a': 1}", "dict = {}", "list[int] = [1, 2]", "List[str] = CONST",
    "Optional[int] = None", "int | None = None", "str | int = 'a'", "Literal['a', 'b'] = 'a'",
    "Annotated[dict, cog.Opaque]", "TD", "int = Input(default=3, ge=1, le=9)",
    "str = Input(choices=['a', 'b'])", "str = Input(choices=A + B + ['c'])",
    "str = Input(description='d', regex='^a+$', min_length=1, max_length=9)",
    "int = Inputs.seed", "int = Inputs.steps(7)", "list[float] = DEEP0",
]  # fmt: skip
_HOSTILE_PARAMS = [
    "float = 1e400", "float = -1e999", "int = 0x" + "f" * 30, "Any = " + "[" * 40 + "]" * 40,
    "Any = DEEP", "float = Input(default=3, ge=1, le=1e999)", "float = Input(choices=[-1e999])",
    "str = Input(min_length=1e400)", "list = Input(default_factory=list)",
    "int = " + "-" * 50 + "1",
    "str = '\\ud800'", "int = " + "1+" * 200 + "1", "Literal[1, 1e400]",
    "list[" * 40 + "int" + "]" * 40, "'\\udc80'", " | ".join(["int"] * 300), "x.y.z.W",
    "Secret | int", "Optional[list[Optional[int]]]", "'Out'",
]  # fmt: skip
_RETURNS = [
    "str", "int", "Path", "list[Path]", "dict[str, list[Out]]", "Out", "'Out'", "Node",
    "Iterator[str]", "ConcatenateIterator[str]", "Any", "dict", "list[\"Out\"]",
]  # fmt: skip
_HOSTILE_RETURNS = [
    "Optional[str]", "str | int", "Chain0", "list[" * 40 + "int" + "]" * 40, "'\\udc80'",
    "ConcatenateIterator[int]", "x.y.Z",
]  # fmt: skip
_PREDICTOR_HEADER = (
    "from typing import Annotated, Any, Dict, Iterator, List, Literal, Optional, Union\n"
    "import cog\nfrom cog import BaseModel, BasePredictor, ConcatenateIterator, File, Input, "
    "Path, Secret\nfrom typing import TypedDict\n"
    "CONST = ['1', '2']\nA = ['x']\nB = ['y']\nDEEP0 = [1.0]\n"
    "DEEP = " + "[" * 30 + "]" * 30 + "\n"
    "class Out(BaseModel):\n    a: int\n    b: 'Optional[Out]' = None\n"
    "class Node(BaseModel):\n    child: 'list[Node]'\n"
    "class TD(TypedDict, total=False):\n    k: str\n"
    "class Inputs:\n    seed = Input(default=None)\n"
    "    def steps(n=5):\n        return Input(default=n, ge=1)\n"
)


def _pick(rng: random.Random, good: list[str], hostile: list[str]) -> str:
    return rng.choice(hostile if rng.random() < 0.1 else good)


def _predictor_source(rng: random.Random) -> str:
    params = [f"p{i}: {_pick(rng, _PARAMS, _HOSTILE_PARAMS)}" for i in range(rng.randint(0, 5))]
    params.sort(key=lambda p: "=" in p)  # no default before a parameter without one
    decorator = rng.choice(["", "", "    @cog.streaming\n", "    @cog.concurrent(max=4)\n"])
    returns = _pick(rng, _RETURNS, _HOSTILE_RETURNS)
    if "streaming" in decorator:
        returns = "Iterator[str]"
    base = rng.choice(["BasePredictor", "BasePredictor", "Base0", "helpers.Base"])
    depth = rng.choice([0] * 8 + [3, 40])
    bases = "".join(f"class Base{i}(Base{i + 1}):\n    pass\n" for i in range(depth))
    bases += f"class Base{depth}:\n    pass\n"
    chain = rng.choice([0] * 8 + [5, 40])
    models = "".join(f"class Chain{i}(BaseModel):\n    x: 'Chain{i + 1}'\n" for i in range(chain))
    models += f"class Chain{chain}(BaseModel):\n    x: int\n"
    signature = ", ".join(["self", *params])
    train = f"def train({', '.join(params)}) -> {returns}:\n    ...\n"
    return (
        _PREDICTOR_HEADER
        + rng.choice(["", "import helpers\n", "from helpers import Shared\n"])
        + bases
        + models
        + f"class Predictor({base}):\n{decorator}    async def run({signature}) -> {returns}:\n"
        + "        ...\n"
        + (train if rng.random() < 0.5 else "")
    )


def _helper_files(rng: random.Random) -> dict[str, str]:
    chain = rng.choice([0] * 8 + [3, 40])
    files = {f"h{i}.py": f"from h{i + 1} import *\nimport h{i + 1}\n" for i in range(chain)}
    files[f"h{chain}.py"] = "class Shared(BaseModel):\n    x: int\n"
    files["helpers.py"] = (
        "from cog import BaseModel\n"
        + ("import h0\n" if chain else "")
        + "class Base:\n    def predict(self) -> str: ...\nclass Shared(BaseModel):\n    y: str\n"
    )
    return files


def predictor_input(rng: random.Random) -> tuple[str, dict[str, str], str | None]:
    """(``predict.py``, the other project files, the ``train`` reference or None)."""
    source = _predictor_source(rng)
    choice = rng.randrange(4)
    if choice == 1:
        source = mutate(source, rng, rng.randint(1, 8))
    elif choice == 2:
        source = source + "x = 1\n" * rng.choice([10, 90_000])
    train = rng.choice([None, None, None, "predict.py:train", "predict.py:Predictor"])
    return source, _helper_files(rng), train


def generate_schema(value: object) -> None:
    assert isinstance(value, tuple)
    source, files, train = value
    project = {**files, "predict.py": source}
    schema = generate_for_config("predict.py:Predictor", train, project.get)
    validate_document(json.loads(schema))


# ------------------------------------------------------------------ labels

_SCHEMA_SOURCE = (
    _PREDICTOR_HEADER
    + "class Predictor(BasePredictor):\n"
    + "    def predict(self, a: int = Input(default=3, ge=1, le=9), b: str = Input(choices=A),"
    + " c: Optional[Path] = None, d: list[float] = [1.5]) -> Out:\n        ...\n"
)
_VALID_SCHEMA = json.loads(
    generate_for_config("predict.py:Predictor", None, {"predict.py": _SCHEMA_SOURCE}.get)
)
_JSON_ODDITIES = [
    None, True, 0, -1, 1.5, "x", "", [], {}, [1, "a", None], {"x-order": None}, "\x1b[2J",
    2**70, -(2**63), 1e308, {"type": 5}, {"enum": "abc"}, {"properties": []},
]  # fmt: skip


def _replace_somewhere(document: object, rng: random.Random) -> object:
    """``document`` with one randomly chosen sub-value replaced by an odd value."""
    if not isinstance(document, dict | list) or rng.random() < 0.2:
        return rng.choice(_JSON_ODDITIES)
    keys = list(document) if isinstance(document, dict) else list(range(len(document)))
    if not keys:
        return rng.choice(_JSON_ODDITIES)
    key = rng.choice(keys)
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[key] = _replace_somewhere(copy[key], rng)  # type: ignore[index]
    return copy


def _label_hostile(rng: random.Random) -> str:
    depth = rng.choice([99, 100, 101, 900, 100_000])
    return rng.choice(
        [
            '{"a":' + "[" * depth + "]" * depth + "}",
            '{"x": NaN}', '{"x": Infinity}', '{"x": 1e400}', '{"x": ' + "9" * 5000 + "}",
            '{"x": "\\ud800\\udfff\\u0000\\u001b"}', '{"x": "' + "a" * 4_200_000 + '"}',
            '{"components": "x"}', '{"components": {"schemas": {"Input": {"properties": 1}}}}',
            "[" * 150 + "]" * 150, "", "null", "\ufeff{}",
            '{"a": [' + "[1]," * rng.choice([200_000, 300_000]) + "[]]}",
        ]
    )  # fmt: skip


def label_input(rng: random.Random) -> tuple[str, str]:
    """(``run.cog.openapi_schema``, ``run.cog.config``) label values."""
    choice = rng.randrange(5)
    configs = ['{"build":{"gpu":true}}', "{}", "", '{"build":' + "[" * 300 + "]" * 300 + "}"]
    config = rng.choices(configs, weights=[4, 4, 4, 1])[0]
    if choice == 0:
        return _label_hostile(rng), config
    if choice == 1:
        return mutate(json.dumps(_VALID_SCHEMA), rng, rng.randint(1, 5)), mutate(config, rng, 1)
    document = _VALID_SCHEMA
    for _ in range(rng.randint(1, 4)):
        document = _replace_somewhere(document, rng)
    return json.dumps(document), config


def read_labels(value: object) -> None:
    assert isinstance(value, tuple)
    schema, config = value
    labels = {LABEL_OPENAPI_SCHEMA: schema, LABEL_CONFIG: config}
    image = Image(reference=None, image_id=None, source=ImageSource.REMOTE, labels=labels)
    model = image.to_model()
    text = model.schema_json()
    if text is not None:
        text.encode("utf-8")  # printable as UTF-8: no lone surrogate got through
        go_json(dict(model.schema or {}))
        # A schema a build would refuse is allowed here: it is only being read.
        with contextlib.suppress(SchemaError):
            validate_document(model.schema or {})


# ------------------------------------------------------------------ the table

PARSERS: dict[str, tuple[Generator, Callable[[object], None]]] = {
    "references": (reference_input, parse_reference),
    "cog.yaml": (cog_yaml_input, parse_cog_yaml),
    "predictor sources": (predictor_input, generate_schema),
    "labels": (label_input, read_labels),
}
ALLOWED: dict[str, tuple[type[BaseException], ...]] = {
    "references": (InvalidReferenceError,),
    "cog.yaml": (ConfigError,),
    "predictor sources": (SchemaError,),
    "labels": (InvalidLabelError,),
}
