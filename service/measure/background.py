"""Background: plain and light, judged only on what will be inside the ID crop."""

from __future__ import annotations

import cv2
import numpy as np

from ..resample import halve
from .colour import linear_light
from .median import median, percentile


def texture(lightness: np.ndarray, mask: np.ndarray, sigma: float = 6.0) -> float:
    """RMS L* of background detail: the background minus its own smooth shading.

    The smooth part is a normalised convolution over background pixels only, so the person's
    edge does not leak in and a gentle vignette or light fall-off is not counted as pattern.
    Being low-pass, it is estimated at half resolution, and the RMS reads the detail at every
    other row and column (the same pixels' detail, a quarter of them).
    """
    if min(lightness.shape[:2]) < 2:
        return 0.0
    weights = (mask > 0).astype(np.float32)
    blur_num = cv2.GaussianBlur(halve(lightness * weights), (0, 0), sigma / 2)
    blur_den = cv2.GaussianBlur(halve(weights), (0, 0), sigma / 2)
    smooth = blur_num / np.maximum(blur_den, 1e-3)  # one value per 2x2 block
    rows, cols = smooth.shape
    inside = weights[: rows * 2 : 2, : cols * 2 : 2] > 0
    detail = (lightness[: rows * 2 : 2, : cols * 2 : 2] - smooth)[inside]
    return float(np.sqrt(np.mean(detail**2))) if detail.size else 0.0


def lightness(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median L* of the background."""
    return float(median(lab[..., 0][mask > 0]))


def chroma(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB chroma of the background (0 = neutral grey or white)."""
    inside = mask > 0
    a, b = lab[..., 1][inside], lab[..., 2][inside]
    return float(np.hypot(median(a), median(b)))


def shade(lightness: np.ndarray, mask: np.ndarray, sigma: float = 4.0) -> float:
    """Uneven light on the background: 1 - darkest / brightest part, in linear light (0 = even).

    The background's smooth shading (a normalised blur over background pixels only, so the
    person does not leak in; at half the resolution given, being low-pass) is read at its 5th
    and 95th percentiles: a shadow cast beside or above the head, hard or soft, darkens a part
    of the backdrop by a factor, which this reads whatever the backdrop's lightness (1 - 0.7 =
    0.3 for a shadow that takes 30 % of the light). The percentiles are taken in L* and only
    the two of them turned into linear light (a monotone map: the same percentiles). Texture
    has its own measure; this one sees only light. `lightness` may be every fourth pixel of
    the view (`sigma` is in its pixels): a shading this smooth loses nothing there.
    """
    mask = np.asarray(mask, bool)
    if min(lightness.shape[:2]) < 2 or not cv2.countNonZero(mask.view(np.uint8)):
        return 0.0
    weights = mask.astype(np.float32)  # from bools directly: `mask > 0` would cost four times as much
    blur_num = cv2.GaussianBlur(halve(lightness * weights), (0, 0), sigma / 2)
    blur_den = cv2.GaussianBlur(halve(weights), (0, 0), sigma / 2)
    rows, cols = blur_num.shape
    inside = weights[: rows * 2 : 2, : cols * 2 : 2] > 0
    smooth = (blur_num / np.maximum(blur_den, 1e-3))[inside]
    if smooth.size == 0:
        return 0.0
    smooth = smooth.astype(np.float64)  # the percentiles interpolated in double precision
    dark, bright = linear_light(np.array([percentile(smooth, 5), percentile(smooth, 95)]))
    return float(1.0 - dark / max(bright, 1e-6))


def backdrop_seen(
    lightness: np.ndarray,
    lab: np.ndarray,
    beside: np.ndarray,
    hidden: np.ndarray,
    detail_factor: float = 3.0,
    detail_floor: float = 0.6,
    shading_floor: float = 1.0,
    hue_tolerance: float = 0.06,
    darkest: float = 5.0,
    blob_px: int = 3,
    blob_share: float = 0.05,
    step: int = 4,
) -> np.ndarray:
    """The backdrop beside and above the head for `shade`: the background there
    (`beside`), and the parts of `hidden` (the person mask there, outside the head and clear of
    the mask's edge) that are backdrop with less light: a shadow so dark that the segmenter
    took it for hair.

    A shadow is the backdrop darkened: as smooth as the backdrop, and of its colour, which a
    darkening keeps as a* / (L* + 16) and b* / (L* + 16) (a factor on XYZ scales L* + 16, a* and
    b* alike by its cube root). So a pixel of `hidden` is taken for shaded backdrop when its
    fine detail (RMS of L* minus a 1-px blur, over 7x7) and its shading (minus a 3-px blur, over
    9x9, read from 2x2 means: locks and waves, and the edge of blurred hair) are at most
    `detail_factor` times the background's median (at least `detail_floor`, `shading_floor` L*
    allowed: a smooth backdrop reads about 0.1-0.25), its colour ratios lie within
    `hue_tolerance` of the background's median, it is not near-black (L* >= `darkest`: hair
    crushed to black has neither texture nor colour left, while a shadow on a lit backdrop keeps
    some light) and it lies in a patch that survives an opening by a `blob_px` disc and holds at
    least `blob_share` of the background: a share that can move the 5th percentile `shade`
    reads.
    Hair has detail at both scales and its own colour; where it is smooth and neutral (dark
    locks, a blurred photo) the patches are small. `lightness` is every pixel's (the detail
    needs them); `lab`, `beside` and `hidden` are on every `step`-th row and column, and so is
    the result (`beside` itself when no patch is found), `blob_px` in their pixels (3 on every
    fourth: 12 view pixels across).
    """
    least = blob_share * cv2.countNonZero(beside.view(np.uint8))
    # no patch of `hidden` can be large enough when all of it is not: the usual photo stops here
    if least > 0 and cv2.countNonZero(hidden.view(np.uint8)) >= least:
        smooth_lab = cv2.blur(lab, (3, 3)).reshape(-1, 3)
        backdrop = np.compress(beside.ravel(), smooth_lab, axis=0)  # smooth_lab[beside], at a fifth of the cost
        references = [float(median(backdrop[:, channel] / (backdrop[:, 0] + 16.0))) for channel in (1, 2)]
        # the colour test only on the pixels of `hidden`: a few thousand
        at = np.flatnonzero(hidden)
        near = np.take(smooth_lab, at, axis=0)
        scale = near[:, 0] + 16.0
        hue_off = sum((near[:, channel] / scale - reference) ** 2 for channel, reference in zip((1, 2), references))
        candidates = np.zeros(hidden.shape, bool)
        candidates.ravel()[at[(near[:, 0] >= darkest) & (hue_off <= hue_tolerance**2)]] = True
        if cv2.countNonZero(candidates.view(np.uint8)) >= least:  # else no patch can be large enough: the texture is not needed
            # the texture only of the rows that `beside` and `candidates` hold (those above the
            # chin) and the rows the filters reach below them: the same values, from fewer rows
            rows = int(np.flatnonzero((beside | candidates).any(axis=1))[-1]) + 1
            part = lightness[: min((rows - 1) * step + 1 + _DETAIL_REACH, lightness.shape[0])]
            # the fine detail from every pixel; the shading, coarser, from their 2x2 means
            for image, stride, (sigma, window), floor in ((part, step, _FINE_DETAIL, detail_floor),
                                                          (_means(part), step // 2, _SHADING_DETAIL, shading_floor)):
                residual = image - cv2.GaussianBlur(image, (0, 0), sigma)
                power = cv2.blur(residual * residual, (window, window))[::stride, ::stride][:rows]  # squared, as the limit
                typical = float(np.sqrt(max(median(power[beside[:rows]]), 0.0)))
                candidates[:rows] &= power <= max(floor, detail_factor * typical) ** 2
            disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (blob_px, blob_px))
            patches = cv2.morphologyEx(candidates.view(np.uint8), cv2.MORPH_OPEN, disc)
            _, labels, stats, _ = cv2.connectedComponentsWithStats(patches, connectivity=8)
            large = stats[:, cv2.CC_STAT_AREA] >= least
            large[0] = False
            if large.any():
                return beside | large[labels]
    return beside


# backdrop_seen's (Gaussian blur, RMS window) of the fine detail, in view pixels, and of the
# shading, in pixels of the view's 2x2 means (a 3 px blur over 9x9 in view pixels); and the view
# rows below the last one read that the filters must see for it to read as in the whole view:
# the shading's Gaussian (13 taps of the means, OpenCV's 8 sigma + 1) and half its window, in
# view rows, and a mean more
_FINE_DETAIL = (1.0, 7)
_SHADING_DETAIL = (1.5, 5)
_DETAIL_REACH = 2 * (6 + 2 + 2)


def _means(image: np.ndarray) -> np.ndarray:
    """The 2x2 means of `image`, an odd last row or column repeated first: pixel i of them
    covers pixels 2i and 2i + 1, so that every other one lies where every fourth pixel does."""
    h, w = image.shape[:2]
    if h % 2 or w % 2:
        image = cv2.copyMakeBorder(image, 0, h % 2, 0, w % 2, cv2.BORDER_REPLICATE)
    return halve(image)


def other_people(person: np.ndarray, student: np.ndarray) -> float:
    """Share of the crop covered by person pixels not joined to the student (0 = alone).

    The person mask of the crop falls into connected parts; those touching the student's face
    are the student (hair, shoulders, clothes), any other part is someone else: a second head
    or shoulder at the edge of the crop, a parent's arm.
    """
    count, labels = cv2.connectedComponents(person.view(np.uint8), connectivity=8)  # WithStats: 6x the time
    if count <= 1:
        return 0.0
    x, y, w, h = cv2.boundingRect(student.view(np.uint8))  # the student's parts: those under the face
    under = cv2.bitwise_and(student[y : y + h, x : x + w].view(np.uint8), person[y : y + h, x : x + w].view(np.uint8))
    student_part = np.zeros(count, bool)
    if count == 2:  # one part: the student's when it is under the face at all
        student_part[1] = cv2.countNonZero(under) > 0
    else:
        student_part[labels[y : y + h, x : x + w][under.view(bool)]] = True
    student_part[0] = True  # label 0: no one
    if student_part.all():  # the usual case: every part is the student's
        return 0.0
    areas = np.bincount(labels.ravel(), minlength=count)
    return float(areas[~student_part].sum() / person.size)


def person_at_side(person: np.ndarray, head_rows: np.ndarray, edge: float = 0.03) -> float:
    """Share of the rows from the crown to the chin where the person mask reaches a side edge
    of the crop (its outer `edge` of the width, left or right).

    In a 35:45 crop with the head at 70-80 % of the height there is background beside the head
    on both sides; only very wide hair fills it. Someone standing beside the student fills it
    at head height even where their outline joins the student's (then `other_people` sees one
    person).
    """
    rows = person[head_rows]
    if rows.size == 0:
        return 0.0
    strip = max(int(round(edge * person.shape[1])), 1)
    return float(np.mean(rows[:, :strip].any(axis=1) | rows[:, -strip:].any(axis=1)))


def skin_beside_head(
    rgb: np.ndarray,
    sparse_lab: np.ndarray,
    face: np.ndarray,
    own: np.ndarray | None,
    wall: np.ndarray | None,
    head_rows: np.ndarray,
    ear_margin: float = 0.15,
    window: int = 5,
    smooth_sd: float = 5.0,
    blob: int = 9,
    edge: float = 0.03,
) -> float:
    """Another person's face beside the student's: the largest smooth skin-coloured blob at
    head height beside the student's face, as a share of the student's face area (0 = none).

    `person_at_side` cannot tell a neighbour from wide hair, and a neighbour's face is often
    not even in the person mask. Skin can: it is smooth (5x5 L* SD under 5) where hair has
    strands, and its colour is close to the student's own skin (`own`: the median CIELAB of the
    cheeks and the skin between the eyes; `wall`: the backdrop's). Everything is read relative to the photo itself, so a cast on the
    whole photo moves the references with the pixels: a candidate is within dL* -38..+35 and
    25 a*b* units of the student's skin (any skin tone next to any other), off the backdrop
    (dE > 15 from the `backdrop` median, so a beige wall or a shadow is not skin) and with a
    skin hue against it (at least 8 units of a*b*, between -10 and 110 degrees: red to
    yellow, never blue or green, which casts and clipping give hair). The columns read start
    `ear_margin` face widths beyond the face oval (the student's ears), the rows run from the
    crown to the chin; a 9x9 opening leaves only blobs a face could make, not hair highlights.
    A neighbour comes in from outside the crop, so only blobs reaching the side edge (its outer
    `edge` of the width) count: the student's own ear, sticking out or spread by blur, does not.
    `sparse_lab` is the CIELAB of every other row and column of `rgb`: a strip where it holds
    no 4x4 block of skin colour (which any 9x9 blob would leave) is skipped unread, the
    usual case, at a quarter of the cost.
    """
    face_x, _, face_width, _ = cv2.boundingRect(face.view(np.uint8))
    if own is None or wall is None or face_width == 0:
        return 0.0
    margin = ear_margin * face_width
    rows = np.flatnonzero(head_rows)
    if rows.size == 0:
        return 0.0
    left = int(np.clip(np.ceil(face_x - margin), 0, rgb.shape[1]))
    right = int(np.clip(np.floor(face_x + face_width - 1 + margin) + 1, left, rgb.shape[1]))
    largest = 0
    reach = edge * rgb.shape[1]
    for x0, x1, outer in ((0, left, 0), (right, rgb.shape[1], 1)):  # only the two strips beside the face
        if x1 - x0 < blob:
            continue
        sparse = sparse_lab[(rows[0] + 1) // 2 : rows[-1] // 2 + 1, (x0 + 1) // 2 : (x1 + 1) // 2]
        if not _holds_skin_block(sparse, own, wall, blob // 2):
            continue
        strip = np.ascontiguousarray(rgb[rows[0] : rows[-1] + 1, x0:x1])
        largest = max(largest, _largest_skin_blob(strip, own, wall, window, smooth_sd, blob, outer, reach))
    return largest / float(cv2.countNonZero(face.view(np.uint8)))


def _largest_skin_blob(
    rgb: np.ndarray,
    own: np.ndarray,
    wall: np.ndarray,
    window: int,
    smooth_sd: float,
    blob: int,
    outer: int,
    reach: float,
) -> int:
    """Pixels of the largest opened blob of smooth skin (see skin_beside_head) in one strip that
    comes within `reach` pixels of its outer side (`outer` 0: the left, 1: the right)."""
    scaled = rgb.astype(np.float32)
    scaled *= np.float32(1 / 255.0)  # as `rgb * (1 / 255.0)` in float32, without a second array
    lab = cv2.cvtColor(scaled, cv2.COLOR_RGB2Lab)
    lightness = lab[..., 0]
    candidate = _skin_coloured(lab, own, wall)
    if cv2.countNonZero(candidate.view(np.uint8)) < blob * blob:  # no patch could survive the opening
        return 0
    # the rest only in the candidates' box and `blob` around it (within the strip): the opening
    # sees zeros there as in the whole strip, and the SD's window real pixels
    x, y, w, h = cv2.boundingRect(candidate.view(np.uint8))
    x0, y0 = max(x - blob, 0), max(y - blob, 0)
    box = np.s_[y0 : min(y + h + blob, rgb.shape[0]), x0 : min(x + w + blob, rgb.shape[1])]
    lightness, candidate = lightness[box], candidate[box]
    mean = cv2.blur(lightness, (window, window))
    sd = np.sqrt(np.maximum(cv2.blur(lightness * lightness, (window, window)) - mean * mean, 0.0))
    candidate &= sd < smooth_sd
    opened = cv2.morphologyEx(candidate.view(np.uint8), cv2.MORPH_OPEN, np.ones((blob, blob), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    left, width = stats[1:, cv2.CC_STAT_LEFT] + x0, stats[1:, cv2.CC_STAT_WIDTH]
    at_edge = (left <= reach) if outer == 0 else (left + width >= rgb.shape[1] - reach)
    areas = stats[1:, cv2.CC_STAT_AREA][at_edge]
    return int(areas.max()) if areas.size else 0


_OFF_BACKDROP = 8.0  # a*b* units from the backdrop's colour: the least a skin tone beside it differs


def _holds_skin_block(lab: np.ndarray, own: np.ndarray, wall: np.ndarray, core: int) -> bool:
    """Whether `lab` holds a `core` x `core` block of skin colour (`_skin_coloured`). Few
    pixels beside a head differ from the backdrop's hue at all (its chroma test), so that test
    alone settles the usual strip: with fewer than `core` squared pixels no block can pass."""
    if lab.size == 0:
        return False
    rel_a, rel_b = lab[..., 1] - wall[1], lab[..., 2] - wall[2]
    if cv2.countNonZero((rel_a * rel_a + rel_b * rel_b > _OFF_BACKDROP**2).view(np.uint8)) < core * core:
        return False
    return bool(cv2.erode(_skin_coloured(lab, own, wall).view(np.uint8), np.ones((core, core), np.uint8)).any())


def _skin_coloured(lab: np.ndarray, own: np.ndarray, wall: np.ndarray) -> np.ndarray:
    """The pixels of skin colour for `skin_beside_head` (see there): near the student's skin,
    off the backdrop and of a skin hue against it. The two chroma tests run on every pixel,
    the others only on those that pass both (beside a head, mostly a few: the backdrop fails
    one, hair and clothes the other): the same test per pixel, a part of the arithmetic."""
    flat = lab.reshape(-1, 3)
    da, db = flat[:, 1] - own[1], flat[:, 2] - own[2]
    rel_a, rel_b = flat[:, 1] - wall[1], flat[:, 2] - wall[2]
    at = np.flatnonzero((da * da + db * db < 25.0**2) & (rel_a * rel_a + rel_b * rel_b > _OFF_BACKDROP**2))
    lightness, rel_a, rel_b = np.take(flat[:, 0], at), np.take(rel_a, at), np.take(rel_b, at)
    # the hue sector -10..110 degrees (under 180) as two half-planes: no angle per pixel
    low, high = np.radians(-10.0), np.radians(110.0)
    keep = (
        (lightness > own[0] - 38.0)
        & (lightness < own[0] + 35.0)
        & ((lightness - wall[0]) ** 2 + rel_a * rel_a + rel_b * rel_b > 15.0**2)
        & (rel_b * np.cos(low) - rel_a * np.sin(low) > 0)
        & (rel_a * np.sin(high) - rel_b * np.cos(high) > 0)
    )
    out = np.zeros(lab.shape[:2], bool)
    out.ravel()[at[keep]] = True
    return out
