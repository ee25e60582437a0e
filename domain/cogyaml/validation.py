"""Step 2 and 3 of Cog's cog.yaml pipeline: validate and complete a parsed config.

:func:`validate_and_complete` is Cog's ``ValidateAndComplete`` at 0447eb11. It collects *every*
problem before failing (Cog joins them with newlines), in Cog's order: the schema check of the
config as Go would serialise it (this catches bad ``environment`` items even when ``build:`` was
null), the ``predict`` form, ``python_packages`` versus ``python_requirements``, the
requirements file, CUDA/cuDNN completion for GPU builds (:mod:`domain.cogyaml.cuda`),
``environment``
(:mod:`domain.cogyaml.environment`); then HEAD's ``model`` and ``weights`` rules
(:mod:`domain.cogyaml.weights`). Deprecation and compatibility warnings, which Cog prints, are
returned in :attr:`CogConfig.warnings`.

:func:`validate_python_version` is ``ValidateModelPythonVersion``, which only ``cog build``
runs at 0447eb11. :func:`check_python_version` is Cog HEAD's check, which ``ValidateConfigFile``
makes for every command that reads cog.yaml, in HEAD's words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NoReturn

from domain.cogyaml.cuda import complete_cuda
from domain.cogyaml.environment import parse_environment
from domain.cogyaml.label import config_document
from domain.cogyaml.models import CogConfig
from domain.cogyaml.requirements import effective_requirements
from domain.cogyaml.schema_check import check_schema
from domain.cogyaml.versions import go_atoi
from domain.cogyaml.weights import model_problems, weights_problems
from domain.errors import ConfigError

MINIMUM_PYTHON = (3, 10)
MINIMUM_PYTHON_FOR_CONCURRENCY = 11
_INTEGER = re.compile(r"[+-]?[0-9]+")
_PACKAGES_DEPRECATED = (
    "`python_packages` in cog.yaml is deprecated and will be removed in future versions, "
    "use `python_requirements` instead."
)
_PACKAGES_AND_REQUIREMENTS = (
    "Only one of python_packages or python_requirements can be set in your cog.yaml, not both"
)
_PRE_INSTALL_DEPRECATED = (
    "`pre_install` in cog.yaml is deprecated and will be removed in future versions."
)


def validate_and_complete(
    config: CogConfig, requirements: Sequence[str], *, requirements_error: str = ""
) -> CogConfig:
    """Validate ``config`` and fill in what Cog fills in (CUDA/cuDNN for GPU builds).

    Args:
        config: a config from :func:`domain.cogyaml.parse.parse_config` (or a label).
        requirements: the lines of ``build.python_requirements``
            (:func:`domain.cogyaml.requirements.parse_requirements_text`); ignored when
            ``build.python_packages`` is set, which replaces them.
        requirements_error: why the requirements file could not be read, if it could not
            (reported as ``Failed to open python_requirements file: <error>``).

    Returns:
        The completed config, with ``warnings`` set.

    Raises:
        ConfigError: every problem found, in ``problems`` (Cog's wording); ``field`` is the
            offending field when there is exactly one problem, else ``""``.
    """
    problems: list[tuple[str, str]] = []
    warnings: list[str] = []
    build = config.build
    _collect(problems, lambda: check_schema(config_document(config)))
    if config.predict and len(config.predict.split(".py:")) != 2:
        problems.append(
            ("predict", "'predict' in cog.yaml must be in the form 'predict.py:Predictor")
        )
    if build.python_packages:
        warnings.append(_PACKAGES_DEPRECATED)
        if build.python_requirements:
            problems.append(("build", _PACKAGES_AND_REQUIREMENTS))
    if build.pre_install:
        warnings.append(_PRE_INSTALL_DEPRECATED)
    if build.python_requirements and requirements_error:
        message = f"Failed to open python_requirements file: {requirements_error}"
        problems.append(("build.python_requirements", message))
    if build.gpu:
        try:
            build, cuda_warnings = complete_cuda(
                build, effective_requirements(config, requirements)
            )
            warnings += cuda_warnings
        except ConfigError as exc:
            problems.append((exc.field, exc.problems[0]))
    _collect(problems, lambda: parse_environment(config.environment))
    problems += model_problems(config) + weights_problems(config)
    if problems:
        fields = {field for field, _ in problems}
        reason = "; ".join(" ".join(text.split()) for _, text in problems)
        raise ConfigError(
            fields.pop() if len(fields) == 1 else "", reason, problems=[t for _, t in problems]
        )
    return config.model_copy(update={"build": build, "warnings": tuple(warnings)})


def validate_python_version(config: CogConfig) -> None:
    """Check ``build.python_version`` as ``cog build`` does (>= 3.10; >= 3.11 with concurrency).

    Quirk kept from Cog: the test is ``major < 3 or minor < 10``, so ``4.0`` is refused too.

    Raises:
        ConfigError: (``build.python_version``) malformed or too old.
    """
    version = config.build.python_version.strip()
    parts = version.split(".", 2)
    if len(parts) < 2:
        _python_error(f"invalid Python version format: missing minor version in {version}")
    numbers = []
    for part in parts[:2]:
        if not _INTEGER.fullmatch(part):
            _python_error(f'invalid Python version format: "{part}" is not a number')
        number = go_atoi(part)
        if number is None:  # Go's Atoi: beyond 64 bits
            _python_error(f'invalid Python version format: "{part}" is out of range')
        numbers.append(number)
    major, minor = numbers
    if major < MINIMUM_PYTHON[0] or minor < MINIMUM_PYTHON[1]:
        _python_error(f"minimum supported Python version is 3.10. requested {version}")
    concurrency = config.concurrency
    if concurrency is not None and concurrency.max > 1 and minor < MINIMUM_PYTHON_FOR_CONCURRENCY:
        _python_error(
            "when concurrency.max is set, minimum supported Python version is 3.11. "
            f"requested {version}"
        )


def _collect(problems: list[tuple[str, str]], check: Callable[[], object]) -> None:
    try:
        check()
    except ConfigError as exc:
        problems.append((exc.field, exc.problems[0]))


def _python_error(reason: str) -> NoReturn:
    raise ConfigError("build.python_version", reason, problems=(reason,))


def check_python_version(config: CogConfig) -> None:
    """``build.python_version`` checked as Cog HEAD checks it (``validatePythonVersion`` and
    ``validateConcurrency``), in its words: ``invalid build.python_version "3.8": minimum
    supported Python version is 3.10``. Unlike 0447eb11, a later major version (``4.0``) passes.

    Raises:
        ConfigError: (``build.python_version`` or ``concurrency.max``) malformed or too old.
    """
    version = config.build.python_version.strip()
    parts = version.split(".", 2)
    if len(parts) < 2:
        _head_error(
            "build.python_version", version, "must include major and minor version (e.g., '3.11')"
        )
    for part, which in zip(parts[:2], ("major", "minor"), strict=False):
        if not _INTEGER.fullmatch(part):
            _head_error("build.python_version", version, f"invalid {which} version number")
    major, minor = int(parts[0]), int(parts[1])
    if (major, minor) < MINIMUM_PYTHON:
        _head_error(
            "build.python_version",
            version,
            f"minimum supported Python version is {MINIMUM_PYTHON[0]}.{MINIMUM_PYTHON[1]}",
        )
    concurrency = config.concurrency
    if (
        concurrency is not None
        and concurrency.max > 1
        and major == MINIMUM_PYTHON[0]
        and minor < MINIMUM_PYTHON_FOR_CONCURRENCY
    ):
        _head_error(
            "concurrency.max",
            str(concurrency.max),
            f"concurrency requires Python 3.{MINIMUM_PYTHON_FOR_CONCURRENCY} or higher",
        )


def _head_error(field: str, value: str, message: str) -> NoReturn:
    text = f'invalid {field} "{value}": {message}'
    raise ConfigError(field, text, problems=(text,), prefix="")
