"""ImageBuilderContract: behaviour every ImageBuilder backend must show.

Subclass it in a ``Test*`` class and override ``builder``, ``local_images`` (a LocalImages that
sees what the builder builds) and ``base_image`` (a local image with a POSIX ``/bin/sh``).
``runs_commands`` says whether ``RUN`` lines really execute (an engine) or are only modelled
(a fake); ``reproducible_ids`` whether an unchanged rebuild yields the same image id.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from application.ports.image_builder import BuildRequest, ImageBuilder
from application.ports.local_images import LocalImages
from domain.digest import Digest, ImageId
from domain.errors import BuildError, InvalidInputError
from domain.options import BuildSecret
from domain.progress import ProgressEvent
from domain.reference import ParsedRef, parse_ref


class ImageBuilderContract:
    """Behaviour every ImageBuilder backend must show."""

    runs_commands: ClassVar[bool] = True
    reproducible_ids: ClassVar[bool] = True

    @pytest.fixture
    def builder(self) -> ImageBuilder:
        """The builder under test."""
        raise NotImplementedError("override the 'builder' fixture to return your ImageBuilder")

    @pytest.fixture
    def local_images(self) -> LocalImages:
        """A LocalImages that sees the images the builder makes."""
        raise NotImplementedError("override 'local_images' with the store your builder fills")

    @pytest.fixture
    def base_image(self) -> ParsedRef:
        """A local image with /bin/sh to build FROM."""
        raise NotImplementedError("override 'base_image' with a local image that has /bin/sh")

    @pytest.fixture
    def context(self, tmp_path: Path) -> Path:
        """A small build context."""
        (tmp_path / "hello.txt").write_text("hello\n")
        return tmp_path

    def _request(self, context: Path, dockerfile: str, **kwargs: object) -> BuildRequest:
        return BuildRequest(context_dir=context, dockerfile=dockerfile, **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ success

    def test_build_returns_the_image_id_of_an_image_with_the_labels(
        self, builder: ImageBuilder, local_images: LocalImages, base_image: ParsedRef, context: Path
    ) -> None:
        labels = {"run.cog.config": '{"build":{}}', "unicode": "modèle ✓", "html": "<a&b>"}
        image_id = builder.build(
            self._request(context, f"FROM {base_image}\nCOPY hello.txt /hello.txt\n", labels=labels)
        )
        assert isinstance(image_id, Digest)
        image = local_images.inspect_id(ImageId(image_id))
        assert {k: image.labels.get(k) for k in labels} == labels

    def test_tags_name_the_built_image(
        self, builder: ImageBuilder, local_images: LocalImages, base_image: ParsedRef, context: Path
    ) -> None:
        tag = parse_ref(f"cogmodel-contract/tagged-{builder.name}:{context.name.lower()[-20:]}")
        image_id = builder.build(
            self._request(context, f"FROM {base_image}\nLABEL tagged=yes\n", tags=(tag,))
        )
        try:
            assert local_images.inspect(tag).image_id == image_id
        finally:
            local_images.remove(tag, force=True)

    def test_dockerfile_labels_reach_the_image(
        self, builder: ImageBuilder, local_images: LocalImages, base_image: ParsedRef, context: Path
    ) -> None:
        image_id = builder.build(
            self._request(context, f'FROM {base_image}\nLABEL from.file="yes"\n')
        )
        assert local_images.inspect_id(ImageId(image_id)).labels.get("from.file") == "yes"

    def test_progress_reports_the_steps(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        events: list[ProgressEvent] = []
        builder.build(
            self._request(context, f"FROM {base_image}\nRUN true\n", progress=events.append)
        )
        assert events
        assert all(isinstance(event.message, str) for event in events)

    def test_unchanged_rebuild_gives_the_same_image_id(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        if not self.reproducible_ids:
            pytest.skip("backend declares reproducible_ids = False")
        dockerfile = f"FROM {base_image}\nCOPY hello.txt /hello.txt\nLABEL same=1\n"
        first = builder.build(self._request(context, dockerfile))
        assert builder.build(self._request(context, dockerfile)) == first

    def test_build_args_reach_the_build(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        if not self.runs_commands:
            pytest.skip("backend declares runs_commands = False")
        dockerfile = f'FROM {base_image}\nARG WANTED\nRUN test "$WANTED" = "yes"\n'
        builder.build(self._request(context, dockerfile, build_args={"WANTED": "yes"}))
        with pytest.raises(BuildError):
            builder.build(self._request(context, dockerfile, build_args={"WANTED": "no"}))

    # ------------------------------------------------------------------ failure

    def test_failing_step_raises_build_error_with_the_step_and_output(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        with pytest.raises(BuildError) as info:
            builder.build(self._request(context, f"FROM {base_image}\nRUN exit 3\n"))
        assert "exit 3" in info.value.step
        assert info.value.log_tail

    def test_missing_context_file_raises_build_error(
        self, builder: ImageBuilder, base_image: ParsedRef, context: Path
    ) -> None:
        with pytest.raises(BuildError):
            builder.build(self._request(context, f"FROM {base_image}\nCOPY absent.txt /x\n"))

    # ------------------------------------------------------------------ secrets

    def test_secrets_work_with_mounts_and_are_refused_without(
        self, builder: ImageBuilder, local_images: LocalImages, base_image: ParsedRef, context: Path
    ) -> None:
        secret_file = context.parent / f"{context.name}-secret.txt"
        secret_file.write_text("s3cr3t-value\n")
        secret = BuildSecret(id="token", src=str(secret_file))
        dockerfile = (
            f"FROM {base_image}\n"
            "RUN --mount=type=secret,id=token,target=/run/secrets/token "
            "test -s /run/secrets/token\n"
        )
        request = self._request(context, dockerfile, secrets=(secret,))
        if not builder.supports_mounts:
            with pytest.raises(InvalidInputError):
                builder.build(request)
            return
        image = local_images.inspect_id(ImageId(builder.build(request)))
        assert not any("s3cr3t-value" in value for value in image.labels.values())
