"""Putting every label on a model image with as few builds and runs as the labels allow.

All labels but one are known before the build. ``run.cog.pip_freeze`` is what ``python -m pip
freeze`` prints inside the built image, which needs the image. Cog builds, runs, then builds a
second image to add the labels. Here the build carries the freeze label of the previous image
of the same name as a candidate, and the candidate is proved or replaced:

* the new image IS the previous image (same id: same layers, same labels) → the candidate was
  proved when that image was built: 1 build, 0 runs;
* else one ``pip freeze`` run; equal to the candidate → 1 build, 1 run;
* else the same build again with the right label: every layer is cached, only the image config
  changes → 2 builds, 1 run. The first image is removed (best effort). The second build
  reports no progress: for the user it is the same build.

So a label is never a guess: it is either verified by a run on this image, or inherited from a
byte-identical image whose label was verified.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Final

from adapters.dockerfile.labels import LabelInputs, model_labels
from application.ports.container_runner import ContainerRunner, ContainerSpec
from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.local_images import LocalImages
from domain.digest import Digest, ImageId
from domain.errors import BuildError, CogModelError, ImageNotFoundError
from domain.image import Image
from domain.labels import LABEL_PIP_FREEZE
from domain.reference import ParsedRef

_log = logging.getLogger(__name__)
_FREEZE: Final = ("python", "-m", "pip", "freeze")
_COG_LINE = re.compile(r"^cog==(\S+)$", re.MULTILINE)


class LabelSettler:
    """Builds a request with the final labels, verifying ``run.cog.pip_freeze`` by running."""

    def __init__(
        self,
        *,
        builder: ImageBuilder,
        local: LocalImages,
        runner: ContainerRunner,
        run_timeout: float = 300.0,
    ) -> None:
        """Build with ``builder``, look previous images up in ``local``, run with ``runner``."""
        self._builder = builder
        self._local = local
        self._runner = runner
        self._run_timeout = run_timeout
        self.builds = 0
        self.runs = 0

    def previous(self, name: ParsedRef) -> Image | None:
        """The local image called ``name`` before this build, or ``None``.

        Raises:
            BackendUnavailableError: the engine cannot be reached.
        """
        try:
            return self._local.inspect(name)
        except ImageNotFoundError:
            return None

    def settle(self, request: BuildRequest, inputs: LabelInputs, previous: Image | None) -> Digest:
        """Build ``request`` with the labels of ``inputs`` and a verified pip freeze.

        Raises:
            BuildError: a build failed, or ``pip freeze`` failed in the image.
            BackendUnavailableError: the engine cannot be reached.
        """
        candidate = previous.labels.get(LABEL_PIP_FREEZE) if previous is not None else None
        labels = model_labels(inputs, pip_freeze=candidate)
        first = self._build(replace(request, labels=labels))
        if candidate is not None and previous is not None and previous.image_id == first:
            return first
        freeze = self.pip_freeze(first)
        if not inputs.version:  # an unpinned runtime: say which one went in
            found = _COG_LINE.search(freeze)
            inputs = replace(inputs, version=found.group(1) if found else "")
        final = model_labels(inputs, pip_freeze=freeze)
        if final == labels:
            return first
        # Every layer is in the cache now, even after a no-cache first build: use it. Only the
        # labels change, so its output is not shown: the user sees one build.
        second = self._build(replace(request, labels=final, no_cache=False, progress=None))
        if second != first and (previous is None or previous.image_id != first):
            self._discard(first)  # made by this build and now unnamed
        return second

    def pip_freeze(self, image_id: Digest) -> str:
        """What ``python -m pip freeze`` prints in the image (Cog's label value, verbatim).

        Raises:
            BuildError: the command failed in the image.
            BackendUnavailableError: the engine cannot be reached.
        """
        self.runs += 1
        result = self._runner.run(
            ContainerSpec(image=image_id, command=_FREEZE), timeout=self._run_timeout
        )
        if result.exit_code != 0:
            raise BuildError(
                f"python -m pip freeze exited with code {result.exit_code} in the built image",
                step="pip freeze",
                log_tail=(result.stdout + result.stderr).splitlines()[-20:],
            )
        return result.stdout

    def _build(self, request: BuildRequest) -> Digest:
        self.builds += 1
        return self._builder.build(request)

    def _discard(self, image_id: Digest) -> None:
        try:
            self._local.remove(ImageId(image_id))
        except CogModelError as exc:  # shared with another name, or a parent: keep it
            _log.debug("kept intermediate image %s: %s", image_id, exc)
