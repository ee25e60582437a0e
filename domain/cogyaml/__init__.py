"""cog.yaml: reading, checking and completing a project's config as Cog does, and its label.

Cog reads cog.yaml in two steps, and so does this package. Read in this order:

1. ``models.py`` — ``CogConfig``: the document as frozen pydantic models, Cog's defaults.
2. ``parse.py`` — step 1, ``parse_config``: YAML text → a tree (``yaml_reader.py``: PyYAML's
   parser with Go yaml.v2's rules, ``yaml_nodes.py``, bounded by ``yaml_budget.py``) → schema
   check (``schema_check.py``, on ``json_schema.py``) → decoded onto the defaults
   (``decode.py``, yaml.v2's rules).
3. ``validation.py`` — step 2, ``validate_and_complete``: the rules the schema cannot say,
   requirements (``requirements.py``; local package artifacts in them,
   ``local_artifacts.py``), CUDA/cuDNN completion (``cuda.py``, ``compat.py``,
   ``versions.py``, ``framework_packages.py``), ``environment`` (``environment.py``),
   ``weights`` (``weights.py``).
4. ``label.py`` — the completed config as the exact ``run.cog.config`` bytes Cog writes, and
   reading such a label back.

``cog_base.py`` chooses Cog's pre-built ``r8.im/cog-base`` image for a config.

Pure: text in, values or :class:`~domain.errors.ConfigError` out. Finding and reading the file
is the filesystem adapter's job.
"""
