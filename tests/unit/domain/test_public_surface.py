"""The lazy public surface of ``domain``: every exported name resolves, nothing else does."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import domain


@pytest.mark.parametrize("name", domain.__all__)
def test_every_exported_name_is_the_object_its_module_defines(name: str) -> None:
    module = importlib.import_module(domain._EXPORTS[name])
    assert getattr(domain, name) is getattr(module, name)


def test_the_export_list_is_sorted_and_complete() -> None:
    assert domain.__all__ == sorted(domain._EXPORTS)
    assert dir(domain) == domain.__all__


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError):
        _ = domain.NoSuchThing


def test_importing_parse_ref_from_the_package_does_not_import_pydantic() -> None:
    code = (
        "from domain import Digest, ParsedRef, parse_ref; import sys; "
        "print('pydantic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "False"


@pytest.mark.parametrize("core", ["domain.image", "domain.model", "domain.refs", "domain.options"])
def test_loading_the_core_loads_neither_cog_yaml_nor_openapi(core: str) -> None:
    # The core is readable (and importable) on its own: cog.yaml and the OpenAPI generator are
    # loaded only when a config label is actually parsed.
    code = (
        f"import {core}, sys; "
        "heavy = ('domain.cogyaml', 'domain.openapi', 'pydantic', 'yaml'); "
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_parsing_a_config_label_loads_cog_yaml_on_demand() -> None:
    # The deferred edge works: the same process that imported only the core can make a model
    # and show it without pydantic, and builds the cog.yaml models when its config is asked for.
    code = (
        "from domain.image import Image; from domain.image_source import ImageSource; import sys; "
        "i = Image(reference=None, image_id=None, source=ImageSource.LOCAL, "
        "labels={'run.cog.config': '{\"build\":{\"gpu\":true}}'}); "
        "m = i.to_model(); "
        "print(m.has_gpu, 'pydantic' in sys.modules, m.config.build.gpu, "
        "'domain.cogyaml.label' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "True False True True"
