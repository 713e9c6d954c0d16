import io
import math
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from dataclasses import replace

from service.decode import decode_rgb, open_photo, sniff_format
from service.errors import ErrorCode, PhotoError
from service.profile import load_profile

from .conftest import jpeg_bytes
from .mutants import tiff_ifd

LIMIT = load_profile().file_limits


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _code(data: bytes, limit=LIMIT) -> ErrorCode:
    if isinstance(limit, int):  # a pixel limit of its own
        limit = replace(LIMIT, max_pixels=limit)
    with pytest.raises(PhotoError) as err:
        decode_rgb(open_photo(data, limit))
    assert err.value.message  # one human line
    assert "\n" not in err.value.message
    return err.value.code


def test_format_is_sniffed_from_bytes_not_names():
    rgb = np.zeros((8, 8, 3), np.uint8)
    assert sniff_format(jpeg_bytes(rgb)) == "JPEG"
    assert sniff_format(_png(Image.fromarray(rgb))) == "PNG"
    assert sniff_format(b"GIF89a....") is None


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", ErrorCode.EMPTY),
        (b"hello, this is not a photo", ErrorCode.NOT_AN_IMAGE),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32, ErrorCode.UNSUPPORTED_FORMAT),
    ],
)
def test_unreadable_inputs_get_typed_errors(data, code):
    assert _code(data) == code


def test_truncated_jpeg_is_reported_as_truncated():
    data = jpeg_bytes(np.random.default_rng(1).integers(0, 255, (300, 300, 3), dtype=np.uint8))
    assert _code(data[: len(data) // 2]) == ErrorCode.TRUNCATED


def test_pixel_limit_refuses_bombs_before_decoding():
    # A valid PNG header that claims 100000 x 100000 pixels, with a tiny body.
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0))
    bomb = b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")
    assert _code(bomb) == ErrorCode.TOO_MANY_PIXELS
    assert _code(jpeg_bytes(np.zeros((100, 100, 3), np.uint8)), limit=5000) == ErrorCode.TOO_MANY_PIXELS


def test_exif_orientation_is_applied():
    rgb = np.zeros((40, 80, 3), np.uint8)
    rgb[:, :40] = (255, 0, 0)  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display = rotate 90 degrees clockwise
    photo = open_photo(jpeg_bytes(rgb, exif=exif.tobytes()), LIMIT)
    assert (photo.width, photo.height) == (40, 80)
    pixels = decode_rgb(photo).rgb
    assert pixels.shape == (80, 40, 3)
    assert pixels[5, 20, 0] > 200 and pixels[75, 20, 0] < 60  # the red half is now on top


def test_cmyk_and_greyscale_jpegs_decode_to_rgb():
    cmyk = Image.new("CMYK", (32, 32), (0, 255, 255, 0))  # pure red in CMYK
    buffer = io.BytesIO()
    cmyk.save(buffer, "JPEG", quality=95)
    pixels = decode_rgb(open_photo(buffer.getvalue(), LIMIT)).rgb
    assert pixels.shape == (32, 32, 3)
    assert pixels[..., 0].mean() > 200 and pixels[..., 1].mean() < 60

    grey = Image.new("L", (32, 32), 128)
    buffer = io.BytesIO()
    grey.save(buffer, "JPEG")
    assert decode_rgb(open_photo(buffer.getvalue(), LIMIT)).rgb.shape == (32, 32, 3)


def test_sixteen_bit_and_rgba_pngs_decode_to_8_bit_rgb():
    sixteen = Image.fromarray(np.full((32, 32), 40000, np.uint16))
    pixels = decode_rgb(open_photo(_png(sixteen), LIMIT)).rgb
    assert pixels.dtype == np.uint8 and pixels.shape == (32, 32, 3)
    assert 150 < pixels.mean() < 160  # 40000 / 65535 * 255 = 155.6

    rgba = Image.new("RGBA", (32, 32), (10, 200, 30, 255))
    assert decode_rgb(open_photo(_png(rgba), LIMIT)).rgb[0, 0].tolist() == [10, 200, 30]


def test_embedded_icc_profile_is_applied_and_a_broken_one_does_not_stop_decoding():
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg_bytes(np.full((32, 32, 3), 100, np.uint8), icc_profile=srgb)
    photo = open_photo(data, LIMIT)
    assert photo.icc_profile
    assert abs(int(decode_rgb(photo).rgb.mean()) - 100) <= 2
    broken = jpeg_bytes(np.full((32, 32, 3), 100, np.uint8), icc_profile=b"not a profile")
    assert decode_rgb(open_photo(broken, LIMIT)).rgb.shape == (32, 32, 3)


def test_large_jpeg_decodes_at_a_reduced_dct_scale():
    data = jpeg_bytes(np.zeros((2400, 3200, 3), np.uint8))
    decoded = decode_rgb(open_photo(data, LIMIT), min_height=500)
    assert decoded.rgb.shape[0] == 600  # 1/4 scale is the largest reduction keeping >= 500 rows
    assert decoded.scale == 0.25


def test_dpi_is_read_from_the_header():
    assert open_photo(jpeg_bytes(np.zeros((32, 32, 3), np.uint8), dpi=(300, 300)), LIMIT).dpi == 300
    assert open_photo(jpeg_bytes(np.zeros((32, 32, 3), np.uint8)), LIMIT).dpi is None


def _sof_patched(width: int, height: int) -> bytes:
    """A small real JPEG whose SOF0 header claims `width` x `height`."""
    data = bytearray(jpeg_bytes(np.full((64, 64, 3), 128, np.uint8)))
    at = data.find(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@pytest.mark.parametrize("width, height", [(65500, 1), (32767, 2), (1, 64), (2, 64), (64, 1), (16_385, 400), (4000, 400)])
def test_dimensions_no_photo_has_are_refused_from_the_header(width, height):
    """A 1x65500 SOF aborted the engine (OpenCV remap); sides of 1-2 px raised cv2.error."""
    assert _code(_sof_patched(width, height)) == ErrorCode.BAD_DIMENSIONS


def test_a_jpeg_with_thousands_of_scans_is_refused_before_decoding():
    base = jpeg_bytes(np.full((64, 64, 3), 128, np.uint8))
    eoi = base.rfind(b"\xff\xd9")
    empty_scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"  # an SOS header with no data
    flooded = base[:eoi] + empty_scan * 3000 + base[eoi:]
    assert _code(flooded) == ErrorCode.TOO_MANY_SCANS
    progressive = io.BytesIO()
    Image.fromarray(np.full((64, 64, 3), 128, np.uint8)).save(progressive, "JPEG", progressive=True)
    assert decode_rgb(open_photo(progressive.getvalue(), LIMIT)).rgb.shape == (64, 64, 3)  # a real one passes


def _exif(*entries: tuple[int, int, bytes]) -> bytes:
    """An EXIF block (for a JPEG's APP1) of (tag, TIFF type, value) entries, each of count 1."""
    return b"Exif\x00\x00" + tiff_ifd([(tag, kind, value, 1) for tag, kind, value in entries])


SHORT, RATIONAL, DOUBLE = 3, 5, 12


@pytest.mark.parametrize(
    "kind, value",
    [
        (DOUBLE, struct.pack("<d", float("inf"))),
        (DOUBLE, struct.pack("<d", float("nan"))),
        (DOUBLE, struct.pack("<d", -300.0)),
        (RATIONAL, struct.pack("<II", 300, 0)),
        (RATIONAL, struct.pack("<II", 0, 0)),
        (RATIONAL, struct.pack("<II", 4_000_000_000, 1)),
    ],
    ids=["inf", "nan", "negative", "n/0", "0/0", "4e9"],
)
def test_a_dpi_that_is_not_a_number_a_file_could_mean_is_never_reported(kind, value):
    """EXIF XResolution of inf or n/0 reached the report as inf or NaN: HTTP 500 on serialising.
    (Pillow itself reads n/0 as 72; whatever it reads, the report holds a real density or none.)"""
    exif = _exif((0x011A, kind, value), (0x011B, kind, value), (0x0128, SHORT, struct.pack("<H", 2)))
    photo = open_photo(jpeg_bytes(np.full((32, 32, 3), 128, np.uint8), exif=exif), LIMIT)
    assert photo.dpi is None or (math.isfinite(photo.dpi) and 1 <= photo.dpi <= 100_000)


@pytest.mark.parametrize("value", [struct.pack("<d", float("inf")), struct.pack("<d", float("nan")), struct.pack("<d", 6.5), struct.pack("<d", 9.0)])
def test_an_orientation_outside_1_to_8_is_ignored(value):
    """An orientation stored as a DOUBLE of inf raised OverflowError out of the engine."""
    data = jpeg_bytes(np.full((40, 32, 3), 128, np.uint8), exif=_exif((0x0112, DOUBLE, value)))
    photo = open_photo(data, LIMIT)
    assert photo.orientation == 1 and (photo.width, photo.height) == (32, 40)
    assert decode_rgb(photo).rgb.shape == (40, 32, 3)
