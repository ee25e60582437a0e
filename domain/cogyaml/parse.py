"""Reading cog.yaml: YAML text to a ``CogConfig``, checked as Cog checks it.

:func:`parse_config` is step 1 of Cog's pipeline (``FromYAML`` at 0447eb11): read the YAML,
check it against the schema (:mod:`domain.cogyaml.schema_check`), decode it onto the defaults (a CPU
build on Python 3.13). Two quirks are kept: an empty file gives the defaults, and ``build:`` with
no value skips the schema check altogether and gives the default build. Step 2 (requirements,
CUDA completion, environment) is :func:`domain.cogyaml.validation.validate_and_complete`.

>>> config = parse_config("build:\\n  python_version: 3.10\\npredict: predict.py:Predictor\\n")
>>> config.build.python_version
'3.10'
"""

from __future__ import annotations

from domain.cogyaml.decode import decode_config, json_document
from domain.cogyaml.locate import line_of
from domain.cogyaml.models import CogConfig
from domain.cogyaml.schema_check import check_schema
from domain.cogyaml.yaml_nodes import YamlMapping, YamlScalar
from domain.cogyaml.yaml_reader import parse_yaml


def parse_config(yaml_text: str) -> CogConfig:
    """Parse cog.yaml text into a config, checked against Cog's schema (not yet completed).

    The text is outside input: its size, node count and nesting are bounded by the reader
    (:mod:`domain.cogyaml.yaml_reader`, decision 0034), so the checks below, which walk the
    tree, stay within a few hundred stack frames and time linear in the text.

    Raises:
        ConfigError: a YAML error or a limit passed (``reason`` names the line and the limit),
            or the most specific schema violation (``field`` is its dotted path, ``reason``
            Cog's description).
    """
    root = parse_yaml(yaml_text)
    if root is None:
        return CogConfig()
    build = root.get("build") if isinstance(root, YamlMapping) else None
    if not (isinstance(build, YamlScalar) and build.is_null):  # Cog skips it for `build:` null
        check_schema(json_document(root), locate=lambda field, key: line_of(root, field, key))
    return decode_config(root)
