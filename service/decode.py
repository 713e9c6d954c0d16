"""Decode: bytes -> upright sRGB pixels, at the smallest JPEG DCT scale that still serves the caller.

`open_photo` reads only the header (format, size, dpi, orientation), so file-level rules and
the choice of decode scale cost nothing, and refuses what no photo looks like before a pixel
is decoded (`FileLimits`: pixel count, each side, the aspect ratio, the JPEG scan count);
header values that are not finite or out of range (a dpi of inf or n/0, an orientation of
inf) are read as not recorded. `decode_rgb` then decodes once, letting libjpeg
scale by 1/2, 1/4 or 1/8 in the DCT (`Image.draft`), which is several times cheaper than a
full decode followed by a resize.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageCms, UnidentifiedImageError

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
class FileLimits:
    """What a header must say to be decoded at all (the profile's `[file]`)."""

    max_pixels: int
    max_side: int
    min_side: int
    max_aspect: float
    max_scans: int
    max_zip_entry_bytes: int  # batch archives: an entry larger is refused unread
    max_zip_ratio: float  # batch archives: an entry compressed more than this is refused unread


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


def open_photo(data: bytes, limits: FileLimits) -> PhotoFile:
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
        warnings.simplefilter("ignore", UserWarning)  # Pillow's notes on a damaged tag: one log line per hostile file otherwise
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                _check_size(width, height, limits)
                orientation = _orientation(im.getexif().get(0x0112, 1))
                dpi = _dpi(im)
                icc = im.info.get("icc_profile")
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoError(ErrorCode.TOO_MANY_PIXELS, "The image has too many pixels to be a photo.") from None
        except UnidentifiedImageError:  # the magic bytes matched, the rest did not
            raise PhotoError(ErrorCode.TRUNCATED, f"The file starts like a {fmt} but is damaged or incomplete.") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise PhotoError(ErrorCode.TRUNCATED, f"The {fmt} file is damaged or incomplete ({exc}).") from None
    if fmt == "JPEG":
        _check_scans(data, limits.max_scans)
    if orientation in _ROTATING_ORIENTATIONS:
        width, height = height, width
    return PhotoFile(data, fmt, width, height, dpi, orientation, icc)


def decode_rgb(photo: PhotoFile, min_height: int | None = None) -> DecodedImage:
    """Decode to upright sRGB; for JPEG, at the largest DCT reduction keeping `min_height` rows."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # as in open_photo
            with Image.open(io.BytesIO(photo.data)) as im:
                if photo.format == "JPEG" and min_height and min_height < photo.height:
                    scale = min_height / photo.height
                    stored_w, stored_h = im.size
                    im.draft(im.mode if im.mode in ("RGB", "L") else None, (math.ceil(stored_w * scale), math.ceil(stored_h * scale)))
                im.load()
                im = _reduced(_eight_bit(im), min_height)
                rgb = _to_srgb(_upright(im, photo.orientation))
    except PhotoError:
        raise
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(ErrorCode.TRUNCATED, f"The {photo.format} file is damaged or incomplete ({exc}).") from None
    pixels = np.asarray(rgb)
    return DecodedImage(pixels, pixels.shape[0] / photo.height)


_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(im: Image.Image, orientation: int) -> Image.Image:
    """The image turned as its (validated) EXIF orientation says. Not `ImageOps.exif_transpose`:
    that also rewrites the EXIF block, and a hostile tag in it raises from Pillow's writer."""
    op = _TRANSPOSE.get(orientation)
    if op is None:
        return im
    icc = im.info.get("icc_profile")
    turned = im.transpose(op)
    if icc:
        turned.info["icc_profile"] = icc
    return turned


def _eight_bit(im: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float greyscale -> 8-bit L (the ICC profile kept); others unchanged."""
    if im.mode not in ("I;16", "I;16B", "I;16L", "I", "F"):
        return im
    icc = im.info.get("icc_profile")
    out = _sixteen_bit_to_l(im)
    if icc:
        out.info["icc_profile"] = icc
    return out


def _reduced(im: Image.Image, min_height: int | None) -> Image.Image:
    """A frame that is not a JPEG (no DCT scaling) shrunk by the largest whole factor that keeps
    `min_height` rows, by box averaging, before any colour conversion: a 7700x7700 PNG is not
    turned into sRGB at full size to be measured at 900 rows."""
    if not min_height or im.height < 2 * min_height or im.mode not in ("L", "RGB", "RGBA", "LA", "CMYK"):
        return im
    icc = im.info.get("icc_profile")
    out = im.reduce(im.height // min_height)
    if icc:
        out.info["icc_profile"] = icc
    return out


def _to_srgb(im: Image.Image) -> Image.Image:
    """Any mode (L, LA, P, RGBA, CMYK, I;16, F) with or without an ICC profile -> 8-bit sRGB."""
    im = _eight_bit(im)
    icc = im.info.get("icc_profile")
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
    """16-bit or float greyscale -> 8-bit, a band of rows at a time: never a float64 copy of the
    whole frame (a 7700x7700 16-bit PNG would take 470 MB for it)."""
    values = np.asarray(im)
    finite_max = float(np.nanmax(values, initial=0)) if values.dtype.kind == "f" else float(values.max(initial=0))
    top = 65535.0 if finite_max > 255 else 255.0
    out = np.empty(values.shape, np.uint8)
    for start in range(0, values.shape[0], 512):
        band = values[start : start + 512].astype(np.float32) * np.float32(255.0 / top)
        np.clip(np.nan_to_num(band, nan=0.0, posinf=255.0, neginf=0.0), 0, 255, out=band)
        out[start : start + 512] = band.astype(np.uint8)
    return Image.fromarray(out, "L")


_DPI_RANGE = (1.0, 100_000.0)  # a recorded density outside this is not a density


def _dpi(im: Image.Image) -> float | None:
    """The recorded dpi, or None when none is recorded or it is not a number a file could mean
    (inf, NaN from n/0, zero): the dpi rule then says it is not recorded."""
    dpi = im.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else None
    except (TypeError, ValueError, ZeroDivisionError, IndexError):
        return None
    if value is None or not math.isfinite(value) or not _DPI_RANGE[0] <= value <= _DPI_RANGE[1]:
        return None
    return round(value, 1)


def _orientation(value) -> int:
    """The EXIF orientation 1-8; anything else (a DOUBLE of inf, 0, 9, a string) is ignored, as
    viewers do: the photo is taken as stored."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 1
    return int(number) if math.isfinite(number) and number.is_integer() and 1 <= number <= 8 else 1


def _check_size(width: int, height: int, limits: FileLimits) -> None:
    if width * height > limits.max_pixels:
        raise PhotoError(
            ErrorCode.TOO_MANY_PIXELS,
            f"The image is {width}x{height} ({width * height / 1e6:.0f} MP), above the limit of {limits.max_pixels / 1e6:.0f} MP.",
        )
    short, long = min(width, height), max(width, height)
    if long > limits.max_side or short < limits.min_side or long > limits.max_aspect * short:
        raise PhotoError(
            ErrorCode.BAD_DIMENSIONS,
            f"The image is {width}x{height} px: a photo has sides of {limits.min_side}-{limits.max_side} px, "
            f"the long one at most {limits.max_aspect:g} times the short one.",
        )


def _check_scans(data: bytes, limit: int) -> None:
    """A JPEG with more scans than any encoder writes takes seconds to decode (each scan passes
    over the whole image). In entropy-coded data every 0xFF byte is followed by 0x00 or a
    restart marker, so FF DA occurs only as a scan header (or inside an embedded thumbnail,
    which only adds a few)."""
    scans = data.count(b"\xff\xda")
    if scans > limit:
        raise PhotoError(ErrorCode.TOO_MANY_SCANS, f"The JPEG has {scans} scans; photos have at most {limit}.")
