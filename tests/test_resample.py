import cv2
import numpy as np

from service.face.pyramid import Pyramid
from service.resample import halve, shrink


def _ramp(height: int, width: int) -> np.ndarray:
    """A horizontal ramp in x and a vertical one in y: resampling keeps it linear, so any
    geometry error shows up as a wrong value."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    return np.dstack([xs, ys, np.zeros_like(xs)])


def test_halve_averages_two_by_two_blocks_and_drops_an_odd_edge():
    image = np.arange(5 * 7, dtype=np.float32).reshape(5, 7)
    half = halve(image)
    assert half.shape == (2, 3)
    assert half[0, 0] == image[0:2, 0:2].mean() and half[1, 2] == image[2:4, 4:6].mean()


def test_shrink_reports_the_scale_it_applied_even_when_halving_drops_pixels():
    image = _ramp(1001, 1501)  # odd sizes: each halving drops a row and a column
    out, sx, sy = shrink(image, (300, 200), cv2.INTER_AREA)
    assert out.shape[:2] == (200, 300)
    # output pixel i covers input [i/s, (i+1)/s): its centre reads x = (i + 0.5)/s - 0.5
    for i in (0, 150, 299):
        assert abs(out[100, i, 0] - ((i + 0.5) / sx - 0.5)) < 0.6
    for j in (0, 100, 199):
        assert abs(out[j, 150, 1] - ((j + 0.5) / sy - 0.5)) < 0.6
    assert sx != 300 / 1501  # the dropped column is accounted for
    assert abs(sx - 300 / 1500) < 1e-9 and abs(sy - 200 / 1000) < 1e-9


def test_shrink_leaves_an_image_of_the_right_size_alone():
    image = _ramp(40, 30)
    out, sx, sy = shrink(image, (30, 40))
    assert out is image and sx == sy == 1.0


def test_pyramid_gives_each_model_the_coarsest_level_with_enough_pixels():
    pyramid = Pyramid.build(np.zeros((1224, 1632, 3), np.uint8), 256)
    assert [level.shape[0] for level in pyramid.levels] == [1224, 612, 306]
    assert pyramid.frame.shape[:2] == (256, 341)
    level, scale = pyramid.level_for(600, 192)  # a 600 px face crop for the 192 px mesh
    assert level.shape[0] == 612 and scale == 0.5  # 300 px; at 1/4 it would be 150, too few
    level, scale = pyramid.level_for(800, 192)
    assert level.shape[0] == 306 and scale == 0.25
    level, scale = pyramid.level_for(100, 192)  # a small face: only full resolution has enough
    assert level.shape[0] == 1224 and scale == 1.0
    small = Pyramid.build(np.zeros((300, 200, 3), np.uint8), 256)
    assert len(small.levels) == 1 and small.frame.shape[0] == 256
