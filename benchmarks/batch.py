"""Batch throughput over a few thousand generated photos, local engine (1 and 2 workers) and Ray.

    python benchmarks/batch.py [--photos 2000] [--runs local:1,local:2,ray:2]

Photos are real faces from ../shared/photos (the astronaut when absent), varied by resizing
(legacy sizes from 492x633 to ~1600 px) and re-encoding (JPEG quality 60-95), written to a
temporary folder that is deleted afterwards. Prints photos per second and peak resident
memory of the whole process tree per run, and writes benchmarks/out/batch.json.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from load import tree_rss_mb  # noqa: E402
from speed import SHARED  # noqa: E402

from service.batch import run_batch  # noqa: E402


def base_faces() -> list[Image.Image]:
    files = sorted(SHARED.glob("dev_good_*.jpg")) + sorted(SHARED.glob("dev_noncomp_0[1-4]*.jpg"))
    if files:
        return [Image.open(f).convert("RGB") for f in files]
    from skimage import data

    return [Image.fromarray(data.astronaut())]


def generate(folder: Path, count: int, seed: int = 1) -> int:
    rng = np.random.default_rng(seed)
    faces = base_faces()
    total = 0
    for i in range(count):
        face = faces[i % len(faces)]
        height = int(rng.integers(633, 1600))
        image = face.resize((max(round(face.width * height / face.height), 1), height), Image.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=int(rng.integers(60, 96)))
        (folder / f"{i // 500:03d}" / f"photo{i:05d}.jpg").parent.mkdir(exist_ok=True)
        (folder / f"{i // 500:03d}" / f"photo{i:05d}.jpg").write_bytes(buffer.getvalue())
        total += len(buffer.getvalue())
    return total


def measure(source: Path, out: Path, engine: str, workers: int) -> dict:
    import os

    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], tree_rss_mb(os.getpid()))
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    summary = run_batch([str(source)], out, "e-legitymacja", workers=workers, engine=engine)
    elapsed = time.perf_counter() - started
    stop.set()
    sampler.join()
    return {
        "engine": engine,
        "workers": workers,
        "photos": summary["photos"],
        "seconds": round(elapsed, 1),
        "photos_per_second": round(summary["photos"] / elapsed, 2),
        "peak_rss_mb": round(peak[0]),
        "by_verdict": summary["by_verdict"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=2000)
    parser.add_argument("--runs", default="local:1,local:2,ray:2")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "batch.json")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="idphoto-batch-bench-"))
    try:
        source = work / "photos"
        source.mkdir()
        started = time.perf_counter()
        size = generate(source, args.photos)
        print(f"generated {args.photos} photos ({size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")
        rows = []
        for run in args.runs.split(","):
            engine, workers = run.split(":")
            rows.append(measure(source, work / f"out-{engine}-{workers}", engine, int(workers)))
            print(f"{engine:6s} workers={workers}  {rows[-1]['photos_per_second']:6.2f} photos/s  "
                  f"peak {rows[-1]['peak_rss_mb']} MB  ({rows[-1]['seconds']} s)", flush=True)
        same = len({json.dumps(r["by_verdict"], sort_keys=True) for r in rows}) == 1
        print(f"verdict counts identical across runs: {same}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"photos": args.photos, "rows": rows, "identical_verdicts": same}, indent=2))
        print(f"wrote {args.out}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
