"""Bytes to our own thumbnails, refusing what could hurt a worker.

Every check that can be made before decoding is: size in bytes, format (from the header, not the
name), dimensions and frame count (read from the header by ``Image.open``, which decodes nothing).
Only then are pixels decoded, so memory stays bounded by the 40-megapixel limit.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
# Pillow's own guard, raised to an error at our limit (its default only warns below 2x).
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
# (name, width, height, crop): cards show a 128x96 crop (256x192 for sharp screens); the article
# page a picture at most 800 wide, its proportions kept.
SIZES = (("card", 256, 192, True), ("page", 800, 800, False))
CARD_WIDTH, CARD_HEIGHT = 128, 96
FORMATS = (("webp", "WEBP", {"quality": 78, "method": 4}), ("jpg", "JPEG", {"quality": 82, "optimize": True}))


class ImageRefused(Exception):
    """A picture we will not use, with a readable (French) reason. Never retried."""


@dataclass
class Converted:
    files: dict[str, bytes]  # "card.webp" -> bytes, ...
    width: int  # of the page size
    height: int


def convert(body: bytes) -> Converted:
    """Check ``body`` and make the card and page sizes, in WebP and JPEG. Raises ImageRefused."""
    if len(body) > MAX_BYTES:
        raise ImageRefused(f"Image refusée : {len(body)} octets, limite {MAX_BYTES}.")
    head = body[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise ImageRefused(
            "Image refusée : SVG (peut contenir du script) ; seules les images matricielles sont reprises."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(body))
            _check(image)
            image = _first_frame(image)
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageRefused(f"Image refusée : trop de pixels ({exc}).") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageRefused(f"Ce fichier n’est pas une image lisible ({exc.__class__.__name__}).") from None
    files: dict[str, bytes] = {}
    width = height = 0
    for name, max_width, max_height, crop in SIZES:
        if crop:
            sized = ImageOps.fit(image, (max_width, max_height), Image.Resampling.LANCZOS)
        else:
            sized = image.copy()
            sized.thumbnail((max_width, max_height), Image.Resampling.LANCZOS)
            width, height = sized.size
        for suffix, pillow_format, options in FORMATS:
            out = io.BytesIO()
            sized.save(out, pillow_format, **options)
            files[f"{name}.{suffix}"] = out.getvalue()
    return Converted(files, width, height)


def _check(image: Image.Image) -> None:
    if image.format not in ALLOWED_FORMATS:
        raise ImageRefused(f"Image refusée : format {image.format or 'inconnu'} non accepté.")
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageRefused(f"Image refusée : {width}×{height} pixels, limite {MAX_PIXELS // 1_000_000} mégapixels.")
    frames = getattr(image, "n_frames", 1)
    # An animation is decoded frame by frame: its cost is every frame's pixels, not one's.
    if frames > 1 and width * height * frames > MAX_PIXELS:
        raise ImageRefused(
            f"Image refusée : animation de {frames} images de {width}×{height}, "
            f"limite {MAX_PIXELS // 1_000_000} mégapixels en tout."
        )


def _first_frame(image: Image.Image) -> Image.Image:
    """The first frame, upright (EXIF orientation), in RGB on white: what a thumbnail shows."""
    image.seek(0)
    if image.format == "JPEG":
        # The JPEG decoder can scale by 1/2, 1/4 or 1/8 while decoding: a large photo never sits
        # whole in memory when 800 pixels are all we keep.
        image.draft("RGB", (2 * SIZES[-1][1], 2 * SIZES[-1][2]))
    image.load()
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")
