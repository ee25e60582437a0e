"""Shrink an image so that its longest side is ``size`` pixels."""

import os
import tempfile

from cog import BaseRunner, Input, Path
from PIL import Image, ImageOps


class Predictor(BaseRunner):
    def setup(self) -> None:
        self.quality = int(os.environ.get("THUMBNAIL_QUALITY", "85"))

    def run(
        self,
        image: Path = Input(description="The image to shrink"),
        size: int = Input(description="Longest side of the result, in pixels", default=128, ge=16, le=1024),
        format: str = Input(description="Format of the result", default="png", choices=["png", "jpeg"]),
        grayscale: bool = Input(description="Convert to shades of grey", default=False),
    ) -> Path:
        with Image.open(image) as original:
            picture = ImageOps.exif_transpose(original)
            picture.thumbnail((size, size))
            if grayscale:
                picture = ImageOps.grayscale(picture)
            if format == "jpeg":
                picture = picture.convert("RGB")
            out = Path(tempfile.mkdtemp()) / f"thumbnail.{format}"
            picture.save(out, format=format.upper(), quality=self.quality)
        return out
