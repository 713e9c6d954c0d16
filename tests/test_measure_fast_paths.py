"""The measure stage's fast paths give what the plain computations they replace give: the
selections for medians and percentiles are numpy's to the bit, the diagonal line sum in one
column pass is the sum of shifted copies, and the regions built box by box (and their
every-other-pixel forms) are the whole-view masks, also where the crop leaves the frame."""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np
import pytest

from service import analyse, measure
from service.face.geometry import (
    CHIN,
    FACE_OVAL,
    LEFT_BROW,
    LEFT_EYE_CONTOUR,
    RIGHT_BROW,
    RIGHT_EYE_CONTOUR,
)
from service.measure import sharpness
from service.measure.median import median, medians, percentile, quantile

from .conftest import jpeg_bytes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_median_and_percentiles_are_numpys_to_the_bit(dtype):
    rng = np.random.default_rng(7)
    for n in [*range(1, 41), 999, 1000, 4097]:
        for ties in (False, True):
            values = (rng.random(n) * 100).astype(dtype)
            if ties:
                values = np.round(values / 10)  # many equal values
            got, want = median(values), np.median(values)
            assert got == want and type(got) is type(want)
            for q in (1, 10, 50, 90, 99):
                assert percentile(values, q) == np.percentile(values, q)
            assert quantile(values, 1 - 0.3) == np.quantile(values, 1 - 0.3)
    columns = rng.random((501, 3)).astype(dtype)
    np.testing.assert_array_equal(medians(columns), np.median(columns, axis=0))
    assert np.isnan(median(np.array([1.0, np.nan, 2.0], dtype)))
    assert np.isnan(percentile(np.array([1.0, np.nan, 2.0], dtype), 90))


def _diagonal_reference(image, weights, step, first):
    """The sum of weighted shifted copies of the reflected image, one copy per weight."""
    h, w = image.shape
    r = max(-first, first + weights.size - 1)
    padded = cv2.copyMakeBorder(image, r, r, r, r, cv2.BORDER_REFLECT_101).astype(np.float64)
    out = np.zeros((h, w))
    for k, weight in enumerate(weights):
        d = first + k
        out += weight * padded[r + d : r + d + h, r + step * d : r + step * d + w]
    return out


@pytest.mark.parametrize("shape", [(415, 358), (41, 30), (13, 29), (30, 13)])
@pytest.mark.parametrize("step", [1, -1])
def test_the_diagonal_sum_in_one_pass_is_the_sum_of_shifted_copies(shape, step):
    image = np.random.default_rng(shape[0] * 2 + (step > 0)).normal(size=shape).astype(np.float32)
    for sigma in (2.0, 1.5):
        for weights in (_lattice(sigma)[0][1], _lattice(sigma)[1][1]):
            first = -(weights.size // 2)
            got = sharpness._along_diagonal(image, weights, step, first)
            want = _diagonal_reference(image, weights.astype(np.float64), step, first)
            np.testing.assert_allclose(got, want, atol=2e-6)  # float32 sums, every pixel, borders too


def _lattice(sigma):
    return sharpness._line_filters(sigma)[2]


@pytest.mark.parametrize("shape", [(633, 492), (633, 491), (8, 5), (1, 1)])
def test_every_other_pixel_by_opencv_is_numpys_slice(shape):
    rng = np.random.default_rng(3)
    for channels in ((), (3,)):
        image = rng.integers(0, 256, (*shape, *channels), dtype=np.uint8)
        np.testing.assert_array_equal(measure._every_other(image), image[::2, ::2])


@pytest.mark.parametrize("shape", [(633, 492), (633, 491), (8, 5), (1, 1), (0, 7)])
def test_every_other_pixel_of_a_mask_by_byte_pairs_is_numpys_slice(shape):
    mask = np.random.default_rng(4).random((shape[0] + 2, shape[1] + 3)) > 0.5
    for region in (mask[: shape[0], : shape[1]], np.ascontiguousarray(mask[: shape[0], : shape[1]])):
        got = measure._every_other_mask(region)
        assert got.dtype == bool
        np.testing.assert_array_equal(got, region[::2, ::2])


def test_a_part_s_sparse_form_and_its_cuts_are_those_of_its_full_form():
    rng = np.random.default_rng(5)
    shape = (37, 29)
    sparse_shape = ((shape[0] + 1) // 2, (shape[1] + 1) // 2)
    for _ in range(200):
        x0, y0 = rng.integers(-5, shape[1] + 3), rng.integers(-5, shape[0] + 3)
        box = measure._box(shape, x0, y0, x0 + rng.integers(0, 20), y0 + rng.integers(0, 20))
        part = measure._Part(box.top, box.left, rng.random(box.mask.shape) > 0.5)
        full = part.full(shape)
        np.testing.assert_array_equal(part.halved().full(sparse_shape), full[::2, ::2])
        top, left = rng.integers(0, shape[0]), rng.integers(0, shape[1])
        bottom, right = rng.integers(top, shape[0] + 1), rng.integers(left, shape[1] + 1)
        np.testing.assert_array_equal(part.in_box(top, bottom, left, right), full[top:bottom, left:right])
        plain = np.zeros(shape, bool)
        plain[max(int(y0), 0) : max(int(box.top + box.mask.shape[0]), 0),
              max(int(x0), 0) : max(int(box.left + box.mask.shape[1]), 0)] = True
        assert not (full & ~plain).any()  # nothing outside the box


def _whole_view(view, face, crop, k, person_margin):
    """The regions that are built box by box, built as masks over the whole view."""
    x0, y0 = int(round(crop.box[0] * k)), int(round(crop.box[1] * k))
    points = face.landmarks[:, :2] * k - (x0, y0)
    regions = view.regions
    shape = regions.valid.shape
    out = {}
    for name, contour in (("right", RIGHT_EYE_CONTOUR), ("left", LEFT_EYE_CONTOUR)):
        opening = np.zeros(shape, np.uint8)
        cv2.fillPoly(opening, [np.round(points[contour]).astype(np.int32)], 1)
        out[f"{name}_opening"] = cv2.erode(opening, np.ones((3, 3), np.uint8)) > 0
        eye = getattr(regions, f"{name}_eye")
        out[f"{name}_lens"] = eye & (cv2.dilate(opening, np.ones((5, 5), np.uint8)) == 0)
    brows = np.zeros(shape, np.uint8)
    for contour in (RIGHT_BROW, LEFT_BROW):
        cv2.fillPoly(brows, [np.round(cv2.convexHull(points[contour].astype(np.float32))).astype(np.int32)], 1)
    out["brows"] = (brows > 0) & regions.valid
    face_mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(face_mask, [np.round(points[FACE_OVAL]).astype(np.int32)], 1)
    np.testing.assert_array_equal(regions.face, (face_mask > 0) & regions.valid)
    margin = max(int(round(person_margin * shape[0])) | 1, 1)
    xs, chin_y, crown_y = points[FACE_OVAL, 0], float(points[CHIN, 1]), face.crown_y * k - y0
    top = crown_y - 0.15 * (chin_y - crown_y)
    head = np.zeros(shape, np.uint8)
    cv2.ellipse(head, (int(round((xs.min() + xs.max()) / 2)), int(round((top + chin_y) / 2))),
                (max(int(round(0.6 * float(np.ptp(xs)))), 1), max(int(round((chin_y - top) / 2)), 1)), 0, 0, 360, 1, -1)
    inner = cv2.erode(regions.person.astype(np.uint8), np.ones((margin, margin), np.uint8)) > 0
    hidden = inner & ~regions.face & (head == 0)
    hidden[max(int(np.ceil(chin_y)), 0) :] = False
    out["person_beside_head"] = hidden
    return out


@pytest.mark.parametrize("shift", [0.0, -0.45, 0.45])
def test_regions_built_box_by_box_are_the_whole_view_masks(good_face, shift):
    """On a real portrait, and with the crop pushed half out of the frame (regions cut by its
    edge): every region as the whole-view construction gives it, its sparse form every other
    pixel of it."""
    analysis, crop, view = _shifted_view(good_face, shift)
    profile = analysis.profile
    for name in measure.Regions.NAMES:
        full, sparse = getattr(view.regions, name), getattr(view.sparse, name)
        assert full.dtype == bool and sparse.dtype == bool and full.shape == view.lightness.shape
        np.testing.assert_array_equal(sparse, full[::2, ::2], err_msg=name)
        assert not (full & ~view.regions.valid).any() or name == "valid"
    np.testing.assert_array_equal(view.sparse_rgb, view.rgb[::2, ::2])
    k = min(profile.measure_height / crop.height, analysis.decoded.scale)
    for name, want in _whole_view(view, analysis.faces.face, crop, k, profile.person_margin).items():
        np.testing.assert_array_equal(getattr(view.regions, name), want, err_msg=name)
    if shift:
        assert not view.regions.valid.all()  # the crop did leave the frame


@pytest.mark.parametrize("shift", [0.0, -0.45, 0.45])
def test_a_region_cut_to_its_box_holds_the_same_pixels(good_face, shift):
    """`MeasureView.cut`: whatever the regions named, a padding and the scale, the cut holds
    every pixel of each region, so a statistic of it reads the same values in the same order
    as on the whole view; also where the crop leaves the frame (boxes clipped by its edge)."""
    view = _shifted_view(good_face, shift)[2]
    names = list(measure.Regions.NAMES)
    rng = np.random.default_rng(3)
    groups = [(name,) for name in names] + [tuple(rng.choice(names, 3, replace=False)) for _ in range(10)]
    for group in groups:
        for sparse, image in ((False, view.lightness), (True, view.sparse_lab)):
            regions = view.sparse if sparse else view.regions
            for pad in (0, 5):
                cut, *masks = view.cut(image, *group, pad=pad, sparse=sparse)
                for name, mask in zip(group, masks):
                    whole = getattr(regions, name)
                    assert mask.shape == cut.shape[:2]
                    assert mask.sum() == whole.sum(), (name, group, sparse)
                    np.testing.assert_array_equal(cut[mask], image[whole])
                assert view.count(group[0]) == int(getattr(view.sparse, group[0]).sum())


def _shifted_view(good_face, shift: float):
    """(analysis, crop, view) of the portrait with its crop pushed past the frame's left or
    right edge by `shift` of its width (0: as planned), whatever the photo."""
    analysis = analyse(jpeg_bytes(good_face))
    crop = analysis.crop
    width = crop.box[2] - crop.box[0]
    dx = 0.0 if shift == 0 else (shift * width - crop.box[0] if shift < 0 else analysis.photo.width - crop.box[2] + shift * width)
    crop = replace(crop, box=(crop.box[0] + dx, crop.box[1], crop.box[2] + dx, crop.box[3]))
    view = measure.view_for(analysis.decoded, analysis.faces.person_mask, analysis.faces.face, crop, analysis.profile)
    return analysis, crop, view
