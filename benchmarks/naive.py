"""The naive baseline, written as a user would write it first, with the same models:
decode at full resolution, find the face on the full image, measure at full resolution,
crop from full resolution, and step JPEG quality down by 5 until the file fits."""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from service.face import load_models
from service.face.geometry import FACE_OVAL, LEFT_EYE_OUTER, RIGHT_EYE_OUTER
from service.face.mesh import roi_from_box, roi_from_mesh
from service.face.models import as_mp_image
from service.measure import background, colour, exposure, noise, sharpness


def naive_check(data: bytes) -> dict:
    rgb = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))  # full decode
    models = load_models()
    detections = models.detector.detect(as_mp_image(rgb)).detections  # whole full-size frame
    mask = models.segmenter.run(rgb)  # full-size frame in, full-size mask out
    if not detections:
        return {"faces": 0}
    b = detections[0].bounding_box
    box = (b.origin_x, b.origin_y, b.origin_x + b.width, b.origin_y + b.height)
    eyes = [(k.x * rgb.shape[1], k.y * rgb.shape[0]) for k in detections[0].keypoints[:2]]
    mesh = models.mesh.run(rgb, roi_from_box(box, *eyes, 1.5))
    mesh = models.mesh.run(rgb, roi_from_mesh(mesh.points, 1.5))
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)  # full resolution
    face = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(face, [np.round(mesh.points[FACE_OVAL, :2]).astype(np.int32)], 1)
    back = mask < 0.3
    return {
        "faces": len(detections),
        "colour": colour.colour_variation(lab.reshape(-1, 3)),
        "sharpness": sharpness.blur_and_detail(lab[..., 0], face)[0],
        "lightness": exposure.face_lightness(lab[..., 0], face),
        "clipped": exposure.clipped_fraction(rgb, face),
        "texture": background.texture(lab[..., 0], back),
        "bg_light": background.lightness(lab, back),
        "noise": noise.noise_sigma(lab[..., 0], back),
        "eye_distance": float(np.linalg.norm(mesh.points[LEFT_EYE_OUTER, :2] - mesh.points[RIGHT_EYE_OUTER, :2])),
        "_rgb": rgb,
        "_points": mesh.points,
    }


def naive_fix(data: bytes, target_bytes: int, width: int = 492, height: int = 633) -> tuple[bytes, int]:
    """Returns the JPEG and the number of encodes."""
    result = naive_check(data)
    rgb, points = result["_rgb"], result["_points"]
    top, chin = points[10, 1], points[152, 1]
    head = (chin - top) * 1.35
    crop_h = head / 0.75
    crop_w = crop_h * width / height
    cx = points[:, 0].mean()
    y0 = max(int(top - 0.35 * head - 0.1 * crop_h), 0)
    x0 = max(int(cx - crop_w / 2), 0)
    crop = rgb[y0 : y0 + int(crop_h), x0 : x0 + int(crop_w)]
    out = cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
    encodes = 0
    for quality in range(95, 0, -5):
        buffer = io.BytesIO()
        Image.fromarray(out).save(buffer, "JPEG", quality=quality)
        encodes += 1
        if buffer.tell() <= target_bytes:
            break
    return buffer.getvalue(), encodes
