"""Decode: bytes -> upright sRGB pixels, at the smallest JPEG DCT scale that still serves the caller.

`open_photo` reads only the header (format, size, dpi, orientation), so file-level rules and
the choice of decode scale cost nothing. `decode_rgb` then decodes once, letting libjpeg
scale by 1/2, 1/4 or 1/8 in the DCT (`Image.draft`), which is several times cheaper than a
full decode followed by a resize.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .errors import ErrorCode, PhotoError

# Formats we analyse. Only JPEG is acceptable to the school; the others are analysed so that
# the parent hears everything that is wrong at once, and fail `file.format`.
_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"RIFF", "WEBP"),  # confirmed below by the WEBP tag at offset 8
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
_ROTATING_ORIENTATIONS = {5, 6, 7, 8}
_SRGB = ImageCms.createProfile("sRGB")


def sniff_format(data: bytes) -> str | None:
    """The real container format from the magic bytes; the file name is never trusted."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            if name == "WEBP" and data[8:12] != b"WEBP":
                return None
            return name
    if data[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftypavif"):
        return "HEIF"
    return None


@dataclass(frozen=True)
class PhotoFile:
    """What the header says, before any pixel is decoded. Sizes are after EXIF orientation."""

    data: bytes
    format: str
    width: int
    height: int
    dpi: float | None
    orientation: int
    icc_profile: bytes | None

    @property
    def n_bytes(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class DecodedImage:
    """Upright 8-bit sRGB pixels and how they map to source pixels (`scale` = decoded / source)."""

    rgb: np.ndarray
    scale: float


def open_photo(data: bytes, max_pixels: int) -> PhotoFile:
    if not data:
        raise PhotoError(ErrorCode.EMPTY, "The file is empty (0 bytes).")
    fmt = sniff_format(data)
    if fmt == "HEIF":
        raise PhotoError(
            ErrorCode.UNSUPPORTED_FORMAT, "HEIC/HEIF/AVIF photos are not supported; export the photo as JPEG."
        )
    if fmt is None:
        raise PhotoError(ErrorCode.NOT_AN_IMAGE, "The file is not an image (JPEG, PNG or WebP expected).")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                if width * height > max_pixels:
                    raise _too_many_pixels(width, height, max_pixels)
                orientation = int(im.getexif().get(0x0112, 1) or 1)
                dpi = _dpi(im)
                icc = im.info.get("icc_profile")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(ErrorCode.TOO_MANY_PIXELS, "The image has too many pixels to be a photo.") from None
        except UnidentifiedImageError:  # the magic bytes matched, the rest did not
            raise PhotoError(ErrorCode.TRUNCATED, f"The file starts like a {fmt} but is damaged or incomplete.") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(ErrorCode.TRUNCATED, f"The {fmt} file is damaged or incomplete ({exc}).") from None
    if orientation in _ROTATING_ORIENTATIONS:
        width, height = height, width
    return PhotoFile(data, fmt, width, height, dpi, orientation, icc)


def decode_rgb(photo: PhotoFile, min_height: int | None = None) -> DecodedImage:
    """Decode to upright sRGB; for JPEG, at the largest DCT reduction keeping `min_height` rows."""
    try:
        with Image.open(io.BytesIO(photo.data)) as im:
            if photo.format == "JPEG" and min_height and min_height < photo.height:
                scale = min_height / photo.height
                stored_w, stored_h = im.size
                im.draft(im.mode if im.mode in ("RGB", "L") else None, (math.ceil(stored_w * scale), math.ceil(stored_h * scale)))
            im.load()
            rgb = _to_srgb(ImageOps.exif_transpose(im) if photo.orientation != 1 else im)
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(ErrorCode.TRUNCATED, f"The {photo.format} file is damaged or incomplete ({exc}).") from None
    pixels = np.asarray(rgb)
    return DecodedImage(pixels, pixels.shape[0] / photo.height)


def _to_srgb(im: Image.Image) -> Image.Image:
    """Any mode (L, LA, P, RGBA, CMYK, I;16, F) with or without an ICC profile -> 8-bit sRGB."""
    icc = im.info.get("icc_profile")
    if im.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        im = _sixteen_bit_to_l(im)
    if im.mode in ("P", "PA", "LA", "RGBA", "La", "RGBa"):
        im = im.convert("RGBA").convert("RGB") if im.mode != "LA" else im.convert("L")
    if icc and im.mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(im, source, _SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            pass  # a broken profile is common in the wild; fall through to a plain conversion
    return im if im.mode == "RGB" else im.convert("RGB")  # convert() would copy even an RGB image


def _sixteen_bit_to_l(im: Image.Image) -> Image.Image:
    values = np.asarray(im, dtype=np.float64)
    top = 65535.0 if values.max(initial=0) > 255 else 255.0
    return Image.fromarray(np.clip(values * (255.0 / top), 0, 255).astype(np.uint8), "L")


def _dpi(im: Image.Image) -> float | None:
    dpi = im.info.get("dpi")
    if dpi and dpi[0]:
        return round(float(dpi[0]), 1)
    return None


def _too_many_pixels(width: int, height: int, limit: int) -> PhotoError:
    return PhotoError(
        ErrorCode.TOO_MANY_PIXELS,
        f"The image is {width}x{height} ({width * height / 1e6:.0f} MP), above the limit of {limit / 1e6:.0f} MP.",
    )
