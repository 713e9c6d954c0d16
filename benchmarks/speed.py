"""Speed of `check`, single process, by input size and stage. Prints a table and writes JSON.

    python benchmarks/speed.py [--repeat 15] [--out benchmarks/out/speed.json]

Inputs are generated here from a real face (../shared/photos/dev_good_003.jpg, or
scikit-image's astronaut when the shared folder is absent), re-encoded at each size; nothing
is committed. Alongside our time it reports a decode floor: the time to only decode the same
file at the DCT scale our pipeline chose, so "ours / floor" says how much is not decoding.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service import analyse, check  # noqa: E402
from service.decode import decode_rgb, open_photo  # noqa: E402
from service.profile import load_profile  # noqa: E402

SHARED = Path(os.environ.get("IDPHOTO_SHARED_PHOTOS", ROOT.parent / "shared" / "photos"))
SIZES = {"12MP": (4000, 3000), "2MP": (1632, 1224), "legacy 492x633": (492, 633)}


def source_face() -> np.ndarray:
    path = SHARED / "dev_good_003.jpg"
    if path.is_file():
        return np.asarray(Image.open(path).convert("RGB"))
    from skimage import data

    return data.astronaut()


def make_input(face: np.ndarray, width: int, height: int, progressive: bool = False) -> bytes:
    """The face centred on a canvas of the target size, as a phone would frame a portrait."""
    image = Image.fromarray(face)
    scale = min(width / image.width, height / image.height)
    image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
    canvas = Image.new("RGB", (width, height), tuple(int(v) for v in np.asarray(image)[5, 5]))
    canvas.paste(image, ((width - image.width) // 2, (height - image.height) // 2))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=92, progressive=progressive)
    return buffer.getvalue()


def time_ms(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "speed.json")
    args = parser.parse_args()

    profile = load_profile()
    face = source_face()
    check(make_input(face, 800, 600))  # load the models outside the timings
    rows = []
    for label, (width, height) in SIZES.items():
        data = make_input(face, width, height)
        analysis = analyse(data)
        floor_rows = analysis.decoded.rgb.shape[0]
        stages: dict[str, list[float]] = {}
        totals = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            report = check(data)
            totals.append((time.perf_counter() - started) * 1000)
            for stage, ms in report.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        floor = time_ms(lambda: decode_rgb(open_photo(data, profile.max_pixels), floor_rows), args.repeat)
        tracemalloc.start()
        check(data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows.append(
            {
                "input": label,
                "size": f"{width}x{height}",
                "bytes": len(data),
                "decoded_rows": floor_rows,
                "check_ms_median": statistics.median(totals),
                "check_ms_p95": p95(totals),
                "stages_ms_median": {k: statistics.median(v) for k, v in stages.items()},
                "decode_floor_ms_median": statistics.median(floor),
                "ours_over_floor": statistics.median(totals) / statistics.median(floor),
                "peak_python_alloc_mb": peak / 1e6,
            }
        )

    print(f"{'input':16s} {'check ms':>9s} {'p95':>7s} {'decode':>7s} {'face':>6s} {'measure':>8s} {'floor':>7s} {'ours/floor':>10s} {'peak MB':>8s}")
    for r in rows:
        s = r["stages_ms_median"]
        print(
            f"{r['input']:16s} {r['check_ms_median']:9.1f} {r['check_ms_p95']:7.1f} {s.get('decode', 0):7.1f} "
            f"{s.get('face', 0):6.1f} {s.get('measure', 0):8.1f} {r['decode_floor_ms_median']:7.1f} "
            f"{r['ours_over_floor']:10.1f} {r['peak_python_alloc_mb']:8.1f}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"repeat": args.repeat, "rows": rows}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
