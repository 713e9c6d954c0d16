"""Measure stage: build the regions once, then run every pixel measure on its region.

Each measure in this package is a pure function (arrays in, one number out). This module is
the only place that knows which region each one sees:

| measure              | region                                             |
|----------------------|----------------------------------------------------|
| colour_variation     | the ID crop                                        |
| blur_px, detail_px   | face oval (and a margin), crop at the output height  |
| skin_a, skin_b, hue  | the cheeks and the skin between the eyes           |
| skin_texture         | the cheeks, every pixel                            |
| sclera_a, sclera_b   | each eye opening (mesh contour), every pixel: its brightest part |
| eye_floor            | around each eye                                    |
| eye_glare            | around each eye minus its opening, against the face's brightest skin |
| eye_opening_shift    | the two eye openings (mesh contour), every pixel: one against the other |
| eye_mismatch         | the two eye openings, every pixel, each against the cheek under it |
| head_top_colour      | the person between the crown and the face mesh's top |
| head_top_texture     | that region's irregular detail against the eyebrows' (every pixel) |
| forehead_shift       | the upper forehead vs the skin between the eyes      |
| face_lightness/clip  | face oval                                          |
| white_point          | the ID crop                                        |
| person_blown         | the person (mask), not the background              |
| cheek_light_ratio    | left vs right cheek, under each eye (skin, not hair) |
| lower_face_shift     | chin and upper lip vs the skin between the eyes      |
| eye_light_ratio      | around each eye vs the skin between the eyes         |
| background_*         | crop minus the person (segmentation mask, with a margin) |
| background_shade     | that background beside and above the head (above the chin), and large smooth patches of the backdrop's colour in the person mask there outside the head (a dark shadow the mask took for hair) |
| other_people         | person-mask parts in the crop not joined to the face |
| person_at_side       | the person mask at the crop's side edges, crown to chin |
| skin_beside_head     | beside the face oval (past the ears), crown to chin, every pixel: skin against the student's own and the backdrop |
| noise, noise_blotches | background, or the face when there is no background (blotches: at half resolution) |
| blockiness           | the crop at the decoded scale (the 8x8 grid survives only there) |
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..crop import CropPlan
from ..decode import DecodedImage
from ..face import Face
from ..profile import Profile
from ..resample import shrink
from ..face.geometry import (
    BETWEEN_BROWS,
    BETWEEN_EYES,
    CHIN,
    FACE_OVAL,
    FOREHEAD,
    LEFT_EYE_CONTOUR,
    RIGHT_EYE_CONTOUR,
    LEFT_EYE_INNER,
    LEFT_EYE_OUTER,
    LEFT_EYE_TOP,
    LEFT_EYE_BOTTOM,
    LEFT_BROW,
    LIP_BOTTOM_OUTER,
    LIP_TOP_INNER,
    LIP_TOP_OUTER,
    MOUTH_LEFT,
    MOUTH_RIGHT,
    NOSE_BASE,
    NOSE_TIP,
    RIGHT_EYE_INNER,
    RIGHT_EYE_OUTER,
    RIGHT_EYE_TOP,
    RIGHT_EYE_BOTTOM,
    RIGHT_BROW,
)
from . import background, colour, compression, exposure, lighting, noise, occlusion, sharpness, skin
from .median import median

_MIN_REGION = 200  # pixels a region needs before a measurement on it means anything
_MIN_SPARSE = _MIN_REGION // 4  # the same, counted on every other row and column


def _luma_to_lightness() -> np.ndarray:
    """CIELAB L* of the sRGB grey of each 8-bit luma value."""
    v = np.arange(256, dtype=np.float64) / 255.0
    y = np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    f = np.where(y > (6 / 29) ** 3, np.cbrt(y), y / (3 * (6 / 29) ** 2) + 4 / 29)
    return (116 * f - 16).astype(np.float32)


_LUMA_TO_LIGHTNESS = _luma_to_lightness()


class Regions:
    """Boolean masks over the view (or over its every-other-pixel form), by name (`NAMES`).

    The large regions are whole masks. Each small one, and each of those above the chin, is
    kept as its box and the mask inside it, and made whole only when read as an attribute: the
    measures read small regions through `MeasureView.cut`, and a dozen whole masks nobody reads
    would cost a pass each."""

    NAMES = (
        "valid",  # inside the source frame
        "face",
        "left_cheek",
        "right_cheek",
        "person",  # the person mask (hair and clothes included)
        "background",
        "between_eyes",  # skin a mask never covers (and hair seldom does)
        "lower_face",  # chin and upper lip: covered by any mask or scarf
        "right_eye",  # each eye and the skin around it that a lens would cover
        "left_eye",
        "forehead",  # the upper forehead, where a cap, a beanie or a hood sits
        "head_top",  # the person between the crown and the forehead: hair, or headwear
        "right_lens",  # each eye's surroundings without the eye opening: lids and skin a lens covers
        "left_lens",
        "right_opening",  # each eye opening (the mesh's eye contour, eroded by a pixel)
        "left_opening",
        "beside_head",  # the background above the chin: where a shadow of the head falls
        "person_beside_head",  # the person above the chin outside the head: where the mask may hide a shadow
        "brows",  # both eyebrows (the hull of each one's mesh outline): the student's own hair
    )

    def __init__(self, shape: tuple[int, int], whole: dict[str, np.ndarray], parts: dict[str, _Part],
                 boxes: dict[str, tuple[int, int, int, int]] | None = None) -> None:
        """`boxes`: for whole masks known to lie in part of the view, that box (else the view)."""
        assert set(whole) | set(parts) == set(self.NAMES) and not set(whole) & set(parts)
        self.shape = shape
        self._parts = parts
        self._boxes = boxes or {}
        self.__dict__.update(whole)

    def __getattr__(self, name: str) -> np.ndarray:
        """A small region as a whole mask (kept once made)."""
        part = self.__dict__.get("_parts", {}).get(name)
        if part is None:
            raise AttributeError(name)
        self.__dict__[name] = mask = part.full(self.shape)
        return mask

    def box(self, name: str) -> tuple[int, int, int, int]:
        """A box of the view (top, bottom, left, right) that holds all of the region."""
        part = self._parts.get(name)
        if part is None:
            return self._boxes.get(name, (0, self.shape[0], 0, self.shape[1]))
        return part.bounds()

    def in_box(self, name: str, top: int, bottom: int, left: int, right: int) -> np.ndarray:
        """The region inside a box of the view (a view of a whole mask, or built from the part)."""
        part = self._parts.get(name)
        if part is None:
            return self.__dict__[name][top:bottom, left:right]
        return part.in_box(top, bottom, left, right)

    def count(self, name: str, box: tuple[int, int, int, int]) -> int:
        """Pixels of a region (`box` holds all of it)."""
        part = self._parts.get(name)
        mask = part.mask if part is not None else self.in_box(name, *box)
        return int(np.count_nonzero(mask))


@dataclass(frozen=True)
class MeasureView:
    """The ID crop at measuring scale, in two forms.

    Detail measures (sharpness, texture, noise) need every pixel's lightness; statistics of a
    region (medians, shares, percentiles) give the same numbers from every other row and
    column. So: `lightness` for every pixel, from 8-bit luma through a table (L* of the grey
    with that luma: a tenth of the cost of a CIELAB conversion, and only saturated colours
    differ); exact CIELAB on the `sparse` quarter for the colour and lightness statistics.
    """

    rgb: np.ndarray  # uint8
    lightness: np.ndarray  # float32 L* (0-100) of every pixel's luma
    regions: Regions
    sparse_rgb: np.ndarray  # every other row and column
    sparse_lab: np.ndarray  # float32 CIELAB of `sparse_rgb`
    sparse: Regions
    head_rows: np.ndarray  # bool per view row: from the crown to the chin

    def cut(self, image: np.ndarray, *names: str, pad: int = 0, sparse: bool = False) -> tuple[np.ndarray, ...]:
        """`image` and the named regions, cut to the box that holds them all (grown by `pad`
        pixels, inside the view): a statistic of a region reads the same pixels, in the same
        order, from the cut as from the whole view, at a fraction of the passes. `sparse`:
        `image` and the regions are the every-other-pixel forms (the box and `pad` halved)."""
        boxes = [self.regions.box(name) for name in names]
        top, bottom = min(b[0] for b in boxes) - pad, max(b[1] for b in boxes) + pad
        left, right = min(b[2] for b in boxes) - pad, max(b[3] for b in boxes) + pad
        if sparse:  # the sparse pixels 2i that lie in [top, bottom)
            top, bottom, left, right = ((v + 1) // 2 for v in (top, bottom, left, right))
        regions = self.sparse if sparse else self.regions
        height, width = regions.shape
        top, bottom = min(max(top, 0), height), min(max(bottom, 0), height)
        left, right = min(max(left, 0), width), min(max(right, 0), width)
        return (image[top:bottom, left:right], *(regions.in_box(name, top, bottom, left, right) for name in names))

    def count(self, name: str) -> int:
        """Pixels of a region on every other row and column."""
        top, bottom, left, right = self.regions.box(name)
        return self.sparse.count(name, ((top + 1) // 2, (bottom + 1) // 2, (left + 1) // 2, (right + 1) // 2))


def measure_pixels(
    decoded: DecodedImage, person_mask: np.ndarray, face: Face, crop: CropPlan, profile: Profile, is_jpeg: bool
) -> dict[str, float | None]:
    view = view_for(decoded, person_mask, face, crop, profile)
    full, sparse, lab, rgb = view.regions, view.sparse, view.sparse_lab, view.sparse_rgb
    lightness, sparse_lightness = view.lightness, lab[..., 0]
    skin_lab, skin_region = _skin_pixels(view)
    values: dict[str, float | None] = {
        # a statistic of the whole crop: every fourth row and column is plenty
        "colour_variation": colour.colour_variation(lab[::2, ::2][sparse.valid[::2, ::2]]),
        **_blur_values(view),
        "face_lightness": _on(view, "face", lambda: exposure.face_lightness(*view.cut(sparse_lightness, "face", sparse=True))),
        "face_clipped": _on(view, "face", lambda: exposure.clipped_fraction(*view.cut(rgb, "face", sparse=True))),
        "white_point": _on(view, "valid", lambda: exposure.white_point(sparse_lightness, sparse.valid)),
        "person_blown": _on(view, "person", lambda: exposure.blown_fraction(rgb, sparse.person)),
        "cheek_light_ratio": _on(
            view, ("left_cheek", "right_cheek"),
            lambda: lighting.shadow_ratio(*view.cut(rgb, "left_cheek", "right_cheek", sparse=True)),
        ),
        "lower_face_shift": _on(
            view, ("between_eyes", "lower_face"),
            lambda: occlusion.lower_face_shift(*view.cut(lab, "between_eyes", "lower_face", sparse=True)),
        ),
        "eye_light_ratio": _on(
            view, ("between_eyes", "right_eye", "left_eye"),
            lambda: occlusion.eye_light_ratio(*view.cut(rgb, "between_eyes", "right_eye", "left_eye", sparse=True)),
        ),
        "eye_glare": _on(
            view, ("right_lens", "left_lens"),
            lambda: occlusion.eye_glare(*view.cut(sparse_lightness, "face", "right_lens", "left_lens", sparse=True)),
        ),
        "eye_opening_shift": _on(
            view, ("right_opening", "left_opening"),
            lambda: occlusion.eye_opening_shift(*view.cut(lightness, "right_opening", "left_opening")),
        ),
        "eye_mismatch": _on(
            view, ("right_opening", "left_opening", "left_cheek", "right_cheek"),
            lambda: occlusion.eye_mismatch(
                *view.cut(lightness, "right_opening", "left_opening"),
                _median_of(view, sparse_lightness, "left_cheek"),  # "left": the image's left, under the right eye
                _median_of(view, sparse_lightness, "right_cheek"),
                *view.cut(lab, "right_opening", "left_opening", sparse=True),
            ),
        ),
        "eye_floor": _on(
            view, ("right_eye", "left_eye"),
            lambda: occlusion.eye_floor(*view.cut(sparse_lightness, "right_eye", "left_eye", sparse=True)),
        ),
        "forehead_shift": _on(
            view, ("between_eyes", "forehead"),
            lambda: occlusion.region_shift(*view.cut(lab, "between_eyes", "forehead", sparse=True)),
        ),
        **_skin_values(view, skin_lab, skin_region),
        **_sclera_values(*view.cut(view.rgb, "right_opening", "left_opening")),
        "background_texture": _on(view, "background", lambda: background.texture(lightness, full.background)),
        "background_lightness": _on(view, "background", lambda: background.lightness(lab, sparse.background)),
        "background_chroma": _on(view, "background", lambda: background.chroma(lab, sparse.background)),
        "background_shade": _on(view, "beside_head", lambda: _background_shade(view)),
        "other_people": background.other_people(sparse.person, sparse.face),
        "person_at_side": background.person_at_side(full.person, view.head_rows),
        "skin_beside_head": background.skin_beside_head(
            view.rgb,
            lab,
            full.face,
            _median_colour(skin_lab, skin_region),
            _median_colour(lab, sparse.background),
            view.head_rows,
        ),
        # grain where the picture should be smooth: the background, or the face without one
        **{
            name: _on(view, "background", lambda: estimate(lightness, full.background))
            if view.count("background") >= _MIN_SPARSE
            else _on(view, "face", lambda: estimate(lightness, full.face))
            for name, estimate in (("noise", noise.noise_sigma), ("noise_blotches", noise.blotch_sigma))
        },
        "blockiness": _blockiness(decoded, crop) if is_jpeg else None,
    }
    values["head_top_texture"] = _on(
        view, ("head_top", "brows"),
        lambda: skin.head_top_texture(*view.cut(lightness, "head_top", "brows", pad=skin.DETAIL_REACH),
                                      values["noise"] or 0.0),
    )
    return values


def _background_shade(view: MeasureView) -> float:
    """The light on the backdrop beside and above the head, read on every fourth row and
    column of the view (every other of the sparse ones): a shading smooth enough to count (a
    blur of 8 view pixels) and patches a twentieth of that backdrop lose nothing there, and a
    quarter of the pixels cost a quarter."""
    lab, beside, hidden = (np.ascontiguousarray(image[::2, ::2])
                           for image in (view.sparse_lab, view.sparse.beside_head, view.sparse.person_beside_head))
    return background.shade(lab[..., 0], background.backdrop_seen(view.lightness, lab, beside, hidden, step=4), sigma=2.0)


def _blur_values(view: MeasureView) -> dict[str, float | None]:
    """Blur and detail width of the face in pixels of the view: the output's, or the photo's
    own when it has fewer rows (too few pixels is image.resolution's to judge, not blur)."""
    if view.count("face") < _MIN_SPARSE:
        return {"blur_px": None, "detail_px": None}
    blur, detail = sharpness.blur_and_detail(view.lightness, view.regions.face)
    return {"blur_px": blur, "detail_px": detail}


def _skin_pixels(view: MeasureView) -> tuple[np.ndarray, np.ndarray]:
    """The skin (cheeks and between the eyes) on every other pixel: the CIELAB cut to its box,
    and the region in it. Its colour is a measure and the reference for skin beside the head."""
    lab, *parts = view.cut(view.sparse_lab, "left_cheek", "right_cheek", "between_eyes", sparse=True)
    return lab, parts[0] | parts[1] | parts[2]


def _skin_values(view: MeasureView, lab: np.ndarray, skin_sparse: np.ndarray) -> dict[str, float | None]:
    """Colour (from `_skin_pixels`) and fine texture of the skin (cheeks and between the eyes),
    and the colour of what covers the top of the head."""
    lightness, left, right = view.cut(view.lightness, "left_cheek", "right_cheek", pad=skin.TEXTURE_REACH)
    cheeks = left | right
    values: dict[str, float | None] = {"skin_a": None, "skin_b": None, "skin_hue": None, "skin_texture": None}
    if cv2.countNonZero(skin_sparse.view(np.uint8)) >= _MIN_SPARSE:
        values["skin_a"], values["skin_b"] = skin.skin_colour(lab, skin_sparse)
        values["skin_hue"] = skin.hue(values["skin_a"], values["skin_b"])
    if cv2.countNonZero(cheeks.view(np.uint8)) >= _MIN_REGION:
        values["skin_texture"] = skin.fine_texture(lightness, cheeks)
    values["head_top_colour"] = _on(
        view, "head_top", lambda: skin.off_hair_colour(*view.cut(view.sparse_lab, "head_top", sparse=True))
    )
    return values


def _sclera_values(rgb: np.ndarray, right: np.ndarray, left: np.ndarray) -> dict[str, float | None]:
    """a* and b* of the whites of the eyes, read once for both."""
    colour = skin.sclera_colour(rgb, right, left)
    return {"sclera_a": None, "sclera_b": None} if colour is None else {"sclera_a": colour[0], "sclera_b": colour[1]}


def _median_colour(sparse_lab: np.ndarray, sparse_region: np.ndarray) -> np.ndarray | None:
    """Median CIELAB of a region, from the view's exact CIELAB of every other pixel."""
    return np.median(sparse_lab[sparse_region], axis=0) if sparse_region.any() else None


def _median_of(view: MeasureView, sparse_image: np.ndarray, name: str) -> float:
    """Median of a one-channel every-other-pixel image over a region."""
    image, region = view.cut(sparse_image, name, sparse=True)
    return float(median(image[region]))


def _on(view: MeasureView, names: str | tuple[str, ...], measure) -> float | None:
    """The measure, when each region it reads is large enough to mean anything (counted sparsely)."""
    return measure() if min(view.count(name) for name in ((names,) if isinstance(names, str) else names)) >= _MIN_SPARSE else None


def view_for(
    decoded: DecodedImage, person_mask: np.ndarray, face: Face, crop: CropPlan, profile: Profile
) -> MeasureView:
    return build_view(
        decoded, person_mask, face, crop, profile.measure_height, profile.person_threshold, profile.person_margin
    )


def build_view(
    decoded: DecodedImage,
    person_mask: np.ndarray,
    face: Face,
    crop: CropPlan,
    measure_height: int,
    person_threshold: float,
    person_margin: float,
) -> MeasureView:
    """`person_threshold`: mask confidence above which a pixel is the person (low, so that hair
    counts); `person_margin`: how far beyond it the background starts, share of the height.

    The small regions (cheeks, eyes, brows...) are built inside their own box (`_Part`), and
    their every-other-pixel forms cut from that box: whole-view masks cost a pass over the
    view each, and a dozen of them cost more than the measures that read them."""
    # Output pixels per source pixel, never finer than what was decoded.
    k = min(measure_height / crop.height, decoded.scale)
    # bilinear after the halvings: the measures were set on this resampling (see resample.py)
    view_rgb, valid = _scaled_cut(decoded.rgb, decoded.scale, crop.box, k, cv2.INTER_LINEAR)
    mask_scale = person_mask.shape[0] / (decoded.rgb.shape[0] / decoded.scale)
    view_mask, _ = _scaled_cut(person_mask, mask_scale, crop.box, k, cv2.INTER_LINEAR)
    x0, y0 = int(round(crop.box[0] * k)), int(round(crop.box[1] * k))
    height, width = valid.shape
    shape = (height, width)
    lightness = cv2.LUT(cv2.cvtColor(view_rgb, cv2.COLOR_RGB2GRAY), _LUMA_TO_LIGHTNESS)
    sparse_rgb = _every_other(view_rgb)
    sparse_lab = cv2.cvtColor(np.multiply(sparse_rgb, 1 / 255.0, dtype=np.float32), cv2.COLOR_RGB2Lab)

    points = face.landmarks[:, :2] * k - (x0, y0)
    oval = np.round(points[FACE_OVAL]).astype(np.int32)
    face_mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(face_mask, [oval], 1)
    face_region = face_mask.view(bool)  # 0 or 1
    face_region &= valid
    margin = max(int(round(person_margin * height)) | 1, 1)  # odd kernel
    # masks as OpenCV's 8-bit 0/1 (bool views of them): a pass each, not numpy's two or three
    above = cv2.compare(view_mask, float(view_mask.dtype.type(person_threshold)), cv2.CMP_GT)  # as numpy's `>`
    person = cv2.bitwise_and(above, valid.view(np.uint8)).view(bool)
    near_person = cv2.dilate(person.view(np.uint8), np.ones((margin, margin), np.uint8))
    back = cv2.subtract(valid.view(np.uint8), near_person).view(bool)  # valid and not near the person
    crown_y = face.crown_y * k - y0
    right_eye, left_eye = _eye_surrounds(face_region, points)
    small = (
        *_cheeks(face_region, points),
        *_occlusion_regions(face_region, points),
        right_eye,
        left_eye,
        _forehead(face_region, points),
        _head_top(points, crown_y, person),
        *_eye_openings(points, right_eye, left_eye, shape),
        _brows(points, valid),
    )
    large = (valid, face_region, person, back)
    sparse_large = [_every_other_mask(mask) for mask in large]
    # the regions above the chin: the rows above it (`_Part`s as wide as the view)
    chin_row = min(max(int(np.ceil(points[CHIN, 1])), 0), height)
    beside_head = _Part(0, 0, back[:chin_row])
    hidden = _hidden_beside_head(person, face_region, points, crown_y, margin, chin_row)
    above_chin = (beside_head, hidden)
    sparse_above_chin = (_Part(0, 0, sparse_large[3][: (chin_row + 1) // 2]), _Part(0, 0, _every_other_mask(hidden.mask)))
    regions = Regions(shape, dict(zip(_LARGE, large, strict=True)),
                      dict(zip(_SMALL + _ABOVE_CHIN, small + above_chin, strict=True)), {"face": _face_box(shape, oval)})
    sparse = Regions(sparse_rgb.shape[:2], dict(zip(_LARGE, sparse_large, strict=True)),
                     {**{name: part.halved() for name, part in zip(_SMALL, small, strict=True)},
                      **dict(zip(_ABOVE_CHIN, sparse_above_chin, strict=True))})
    rows = np.arange(height)
    head_rows = (rows >= crown_y) & (rows <= face.chin_y * k - y0)
    return MeasureView(view_rgb, lightness, regions, sparse_rgb, sparse_lab, sparse, head_rows)


def _face_box(shape: tuple[int, int], oval: np.ndarray) -> tuple[int, int, int, int]:
    """The box of the face region: the face oval's corners' (`oval`, rounded) and a pixel around
    them (what `fillPoly` filled), in the view."""
    height, width = shape
    x, y, w, h = cv2.boundingRect(oval)
    return max(y - 1, 0), min(max(y + h + 1, 0), height), max(x - 1, 0), min(max(x + w + 1, 0), width)


def _every_other(image: np.ndarray) -> np.ndarray:
    """image[::2, ::2] (8-bit), by OpenCV's nearest-pixel halving: a fifth of numpy's strided
    copy of three channels. An odd side gets one more row or column first, so that the
    halving is exact (OpenCV's nearest pixel of output x is input 2x)."""
    h, w = image.shape[:2]
    if h % 2 or w % 2:
        image = cv2.copyMakeBorder(image, 0, h % 2, 0, w % 2, cv2.BORDER_REPLICATE)
    return cv2.resize(image, ((w + 1) // 2, (h + 1) // 2), interpolation=cv2.INTER_NEAREST)


def _every_other_mask(mask: np.ndarray) -> np.ndarray:
    """mask[::2, ::2] (bool, or 0/1 bytes) as a bool array: each even column is the low byte of
    a little-endian 16-bit pair, and one cast of the even rows' pairs keeps it, a third of
    numpy's strided copy."""
    rows = mask.view(np.uint8)[::2]
    width = mask.shape[1]
    out = np.empty((rows.shape[0], (width + 1) // 2), np.uint8)
    out[:, : width // 2] = rows[:, : width - width % 2].view("<u2")  # the assignment casts: the low byte
    if width % 2:
        out[:, -1] = rows[:, -1]
    return out.view(bool)


# build_view's lists of regions, in their order: the large ones whole-view masks, the small
# ones and those above the chin `_Part`s
_LARGE = ("valid", "face", "person", "background")
_SMALL = ("left_cheek", "right_cheek", "between_eyes", "lower_face", "right_eye", "left_eye", "forehead", "head_top",
          "right_lens", "left_lens", "right_opening", "left_opening", "brows")
_ABOVE_CHIN = ("beside_head", "person_beside_head")


class _Part:
    """A region that is empty outside a box: the box's top-left corner (row, column) in the
    view and the mask inside the box."""

    __slots__ = ("left", "mask", "top")

    def __init__(self, top: int, left: int, mask: np.ndarray) -> None:
        self.top, self.left, self.mask = top, left, mask

    def bounds(self) -> tuple[int, int, int, int]:
        """The box in the view: (top, bottom, left, right)."""
        h, w = self.mask.shape
        return self.top, self.top + h, self.left, self.left + w

    def full(self, shape: tuple[int, int]) -> np.ndarray:
        """The region over the whole view."""
        out = np.zeros(shape, bool)
        h, w = self.mask.shape
        out[self.top : self.top + h, self.left : self.left + w] = self.mask
        return out

    def halved(self) -> _Part:
        """The part on every other row and column of the view, cut from the box alone."""
        return _Part((self.top + 1) // 2, (self.left + 1) // 2, self.mask[self.top % 2 :: 2, self.left % 2 :: 2])

    def in_box(self, top: int, bottom: int, left: int, right: int) -> np.ndarray:
        """The region inside a box of the view."""
        out = np.zeros((bottom - top, right - left), bool)
        h, w = self.mask.shape
        y0, y1 = max(self.top, top), min(self.top + h, bottom)
        x0, x1 = max(self.left, left), min(self.left + w, right)
        if y1 > y0 and x1 > x0:
            out[y0 - top : y1 - top, x0 - left : x1 - left] = self.mask[y0 - self.top : y1 - self.top, x0 - self.left : x1 - self.left]
        return out

    def within(self, region: np.ndarray) -> _Part:
        """This part where `region` (over the whole view) holds too."""
        h, w = self.mask.shape
        return _Part(self.top, self.left, self.mask & region[self.top : self.top + h, self.left : self.left + w])


def _scaled_cut(image: np.ndarray, scale: float, box, k: float, interpolation: int) -> tuple[np.ndarray, np.ndarray]:
    """The source `box` cut from an image at `scale` (its pixels per source pixel), at `k`.

    Only the part of the frame inside the box is resized, never the whole image. View pixels
    outside the frame are zero and marked invalid.
    """
    x0, y0 = int(round(box[0] * k)), int(round(box[1] * k))
    width, height = int(round((box[2] - box[0]) * k)), int(round((box[3] - box[1]) * k))
    ix0, iy0 = max(int(np.floor(box[0] * scale)), 0), max(int(np.floor(box[1] * scale)), 0)
    ix1, iy1 = min(int(np.ceil(box[2] * scale)), image.shape[1]), min(int(np.ceil(box[3] * scale)), image.shape[0])
    if ix1 <= ix0 or iy1 <= iy0:
        return np.zeros((height, width, *image.shape[2:]), image.dtype), np.zeros((height, width), bool)
    # where that part lands in the view
    vx0, vy0 = int(round(ix0 / scale * k)) - x0, int(round(iy0 / scale * k)) - y0
    vx1, vy1 = int(round(ix1 / scale * k)) - x0, int(round(iy1 / scale * k)) - y0
    part, _, _ = shrink(image[iy0:iy1, ix0:ix1], (max(vx1 - vx0, 1), max(vy1 - vy0, 1)), interpolation)
    # clip to the view (rounding may overhang by a pixel)
    cx0, cy0 = max(vx0, 0), max(vy0, 0)
    cx1, cy1 = min(vx0 + part.shape[1], width), min(vy0 + part.shape[0], height)
    inside = part[cy0 - vy0 : cy1 - vy0, cx0 - vx0 : cx1 - vx0]
    if (cy0, cx0, cy1, cx1) == (0, 0, height, width):  # the usual crop, all inside the frame: no zeros to fill
        own = inside.flags.c_contiguous and not np.may_share_memory(inside, image)  # never the caller's pixels
        return (inside if own else inside.copy()), np.ones((height, width), bool)
    view = np.zeros((height, width, *image.shape[2:]), image.dtype)
    valid = np.zeros((height, width), bool)
    view[cy0:cy1, cx0:cx1] = inside
    valid[cy0:cy1, cx0:cx1] = True
    return view, valid


def _cheeks(face_mask: np.ndarray, points: np.ndarray) -> tuple[_Part, _Part]:
    """The skin under each eye, from below the eye to just under the nose tip.

    Narrow on purpose: the whole half-face often holds hair over a cheek, which reads as shadow.
    """
    nose_y, mouth_y = points[NOSE_TIP, 1], points[LIP_TOP_INNER, 1]
    masks = []
    for outer, inner in ((RIGHT_EYE_OUTER, RIGHT_EYE_INNER), (LEFT_EYE_OUTER, LEFT_EYE_INNER)):
        eye_y = (points[outer, 1] + points[inner, 1]) / 2
        x0, x1 = sorted((points[outer, 0], points[inner, 0]))
        box = _box(face_mask.shape, x0, eye_y + 0.35 * (nose_y - eye_y), x1, nose_y + 0.3 * (mouth_y - nose_y))
        masks.append(box.within(face_mask))
    return masks[0], masks[1]


def _occlusion_regions(face_mask: np.ndarray, points: np.ndarray) -> tuple[_Part, _Part]:
    """Skin between the eyes (two squares, at the nose bridge and between the brows) and the
    lower face (the chin below the lip, the upper lip below the nose), inside the face oval."""
    shape = face_mask.shape
    eye_distance = float(np.linalg.norm(points[LEFT_EYE_OUTER] - points[RIGHT_EYE_OUTER]))
    half = 0.12 * eye_distance
    between = []
    for index in (BETWEEN_EYES, BETWEEN_BROWS):
        x, y = points[index]
        between.append(_box(shape, x - half, y - half, x + half, y + half))
    mouth_x0, mouth_x1 = sorted((points[MOUTH_RIGHT, 0], points[MOUTH_LEFT, 0]))
    width = mouth_x1 - mouth_x0
    lip_y, chin_y = points[LIP_BOTTOM_OUTER, 1], points[CHIN, 1]
    nose_y, lip_top_y = points[NOSE_BASE, 1], points[LIP_TOP_OUTER, 1]
    chin = _box(
        shape,
        mouth_x0 + 0.2 * width,
        lip_y + 0.2 * (chin_y - lip_y),
        mouth_x1 - 0.2 * width,
        chin_y - 0.25 * (chin_y - lip_y),
    )
    upper_lip = _box(
        shape,
        mouth_x0 + 0.3 * width,
        nose_y + 0.2 * (lip_top_y - nose_y),
        mouth_x1 - 0.3 * width,
        lip_top_y - 0.1 * (lip_top_y - nose_y),
    )
    return _union(between).within(face_mask), _union((chin, upper_lip)).within(face_mask)


def _eye_surrounds(face_mask: np.ndarray, points: np.ndarray) -> tuple[_Part, _Part]:
    """Each eye with the lids and skin a lens covers (1.2 eye widths wide, 0.7 tall), inside
    the face oval."""
    boxes = []
    for outer, inner, top, bottom in (
        (RIGHT_EYE_OUTER, RIGHT_EYE_INNER, RIGHT_EYE_TOP, RIGHT_EYE_BOTTOM),
        (LEFT_EYE_OUTER, LEFT_EYE_INNER, LEFT_EYE_TOP, LEFT_EYE_BOTTOM),
    ):
        x0, x1 = sorted((points[outer, 0], points[inner, 0]))
        width, centre_y = x1 - x0, (points[top, 1] + points[bottom, 1]) / 2
        box = _box(
            face_mask.shape, x0 - 0.1 * width, centre_y - 0.35 * width, x1 + 0.1 * width, centre_y + 0.35 * width
        )
        boxes.append(box.within(face_mask))
    return boxes[0], boxes[1]


def _forehead(face_mask: np.ndarray, points: np.ndarray) -> _Part:
    """The upper forehead: from the mesh's top (the hairline on most heads) a third of the way
    down to the brows, half an eye distance wide, inside the face oval."""
    eye_distance = float(np.linalg.norm(points[LEFT_EYE_OUTER] - points[RIGHT_EYE_OUTER]))
    x, top = points[FOREHEAD]
    brows = points[BETWEEN_BROWS, 1]
    half = 0.25 * eye_distance
    return _box(face_mask.shape, x - half, top, x + half, top + 0.35 * (brows - top)).within(face_mask)


def _head_top(points: np.ndarray, crown_y: float, person: np.ndarray) -> _Part:
    """The person (hair or headwear) between the crown and the top of the face mesh, 0.6 face
    widths wide: the middle three quarters of that height, clear of the hairline's edge."""
    x, top = points[FOREHEAD]
    half = 0.3 * float(np.ptp(points[FACE_OVAL, 0]))
    span = top - crown_y
    return _box(person.shape, x - half, crown_y + 0.15 * span, x + half, top - 0.1 * span).within(person)


def _hidden_beside_head(
    person: np.ndarray, face: np.ndarray, points: np.ndarray, crown_y: float, margin: int, chin_row: int
) -> _Part:
    """The person above the chin outside the head, `margin` inside the mask's edge (where the
    outline blends hair into the backdrop): where a dark shadow taken for hair would lie.

    The head with the hair on it is an ellipse from 15 % of the head height above the crown to
    the chin, 1.2 face widths wide: a dark hat or sleek hair there is the student's, and a
    shadow cast beside or above the head reaches beyond it. Built on the rows above the chin
    (`chin_row`) only, as their part (the erosion sees the rows its kernel reaches below them)."""
    xs = points[FACE_OVAL, 0]
    chin_y = float(points[CHIN, 1])
    top = crown_y - 0.15 * (chin_y - crown_y)
    centre = (int(round((xs.min() + xs.max()) / 2)), int(round((top + chin_y) / 2)))
    axes = (max(int(round(0.6 * float(np.ptp(xs)))), 1), max(int(round((chin_y - top) / 2)), 1))
    if chin_row == 0:
        return _Part(0, 0, np.zeros((0, person.shape[1]), bool))
    head = face[:chin_row].view(np.uint8).copy()  # 0/1 masks: inner and not head or face
    cv2.ellipse(head, centre, axes, 0, 0, 360, 1, -1)
    seen = min(chin_row + margin // 2 + 1, person.shape[0])
    inner = cv2.erode(person[:seen].view(np.uint8), np.ones((margin, margin), np.uint8))
    return _Part(0, 0, cv2.subtract(inner[:chin_row], head, dst=head).view(bool))


def _eye_openings(points: np.ndarray, right_eye: _Part, left_eye: _Part, shape: tuple[int, int]
                  ) -> tuple[_Part, _Part, _Part, _Part]:
    """Each eye's lens ring (right, left), then its opening (right, left), from one drawing of
    the mesh's eye contour.

    The opening: inside the contour, eroded by a pixel (off the lid line). The ring: the eye's
    surroundings minus the opening grown by 2 px: skin that is never brighter than the face's
    brightest skin unless a lens reflects light over it."""
    rings, openings = [], []
    for eye, contour in ((right_eye, RIGHT_EYE_CONTOUR), (left_eye, LEFT_EYE_CONTOUR)):
        corners = np.round(points[contour]).astype(np.int32)
        x, y, w, h = cv2.boundingRect(corners)
        # drawn in the contour's box and the 2 px that the erosion and the dilation see around
        # it, in the view: nothing outside the contour's box is filled
        drawn = _drawn(corners, _clipped(shape, x - 2, y - 2, x + w + 2, y + h + 2))
        opening = _box(shape, x - 1, y - 1, x + w + 1, y + h + 1)
        if opening.mask.size:  # inside the drawing
            eroded = _Part(drawn.top, drawn.left, cv2.erode(drawn.mask, _SQUARE_3))
            opening = _Part(opening.top, opening.left, eroded.in_box(*opening.bounds()))
        openings.append(opening)
        if eye.mask.size == 0:
            rings.append(eye)
            continue
        grown = _Part(drawn.top, drawn.left, cv2.dilate(drawn.mask, _SQUARE_5) if drawn.mask.size else drawn.mask)
        rings.append(_Part(eye.top, eye.left, eye.mask & ~grown.in_box(*eye.bounds())))
    return rings[0], rings[1], openings[0], openings[1]


def _drawn(corners: np.ndarray, box: tuple[int, int, int, int]) -> _Part:
    """The polygon of `corners` (view pixels) filled in `box` (`_clipped`), as 0/1 bytes."""
    top, bottom, left, right = box
    out = np.zeros((bottom - top, right - left), np.uint8)
    if out.size:
        cv2.fillPoly(out, [corners - (left, top)], 1)
    return _Part(top, left, out)


_SQUARE_3 = np.ones((3, 3), np.uint8)
_SQUARE_5 = np.ones((5, 5), np.uint8)


def _brows(points: np.ndarray, valid: np.ndarray) -> _Part:
    """Both eyebrows: the convex hull of each one's mesh outline, inside the frame."""
    hulls = [np.round(cv2.convexHull(points[c].astype(np.float32))).astype(np.int32) for c in (RIGHT_BROW, LEFT_BROW)]
    x, y, w, h = cv2.boundingRect(np.concatenate(hulls))
    box = _box(valid.shape, x, y, x + w, y + h)
    if box.mask.size == 0:
        return box
    out = np.zeros(box.mask.shape, np.uint8)
    for hull in hulls:  # one at a time, as the hulls may overlap
        cv2.fillPoly(out, [hull - (box.left, box.top)], 1)
    return _Part(box.top, box.left, out.view(bool)).within(valid)


def _box(shape: tuple[int, int], x0: float, y0: float, x1: float, y1: float) -> _Part:
    """The box's pixels in the view (a box part way outside it is cut to it)."""
    top, bottom, left, right = _clipped(shape, x0, y0, x1, y1)
    return _Part(top, left, np.ones((bottom - top, right - left), bool))


def _clipped(shape: tuple[int, int], x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
    """The box (top, bottom, left, right) of `_box`."""
    top, left = min(max(int(y0), 0), shape[0]), min(max(int(x0), 0), shape[1])
    return top, max(min(max(int(y1), 0), shape[0]), top), left, max(min(max(int(x1), 0), shape[1]), left)


def _union(boxes) -> _Part:
    """Boxes (`_box`) together, in the box that holds them all."""
    boxes = [b for b in boxes if b.mask.size]
    if not boxes:
        return _Part(0, 0, np.zeros((0, 0), bool))
    top, left = min(b.top for b in boxes), min(b.left for b in boxes)
    bottom = max(b.top + b.mask.shape[0] for b in boxes)
    right = max(b.left + b.mask.shape[1] for b in boxes)
    mask = np.zeros((bottom - top, right - left), bool)
    for b in boxes:
        mask[b.top - top : b.top - top + b.mask.shape[0], b.left - left : b.left - left + b.mask.shape[1]] = True
    return _Part(top, left, mask)


def _blockiness(decoded: DecodedImage, crop: CropPlan) -> float | None:
    period = int(round(8 * decoded.scale))
    if period < 4:
        return None  # decoded at 1/4 or less: the block grid is no longer visible
    s = decoded.scale
    x0, y0 = max(int(crop.box[0] * s), 0), max(int(crop.box[1] * s), 0)
    x1, y1 = min(int(crop.box[2] * s), decoded.rgb.shape[1]), min(int(crop.box[3] * s), decoded.rgb.shape[0])
    if x1 - x0 < 4 * period or y1 - y0 < 4 * period:
        return None
    grey = cv2.cvtColor(decoded.rgb[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY)
    return compression.blockiness(grey, period)
