"""Load test: the real server on loopback, concurrent clients sending real photos.

    python benchmarks/load.py [--workers 1,2] [--clients 16] [--requests 240] [--max-seconds 120]
                              [--kill-worker-after N] [--flood 200]

For each engine worker count it starts `idphoto serve` on 127.0.0.1 (a free port), waits for
/readyz, sends a bounded number of POST /v1/check requests from N concurrent clients (photos
from ../shared/photos, or the astronaut when that folder is absent), then stops the server.
Reports throughput, p50/p95/p99 latency, status codes and the peak resident memory of the
server and its worker processes (sampled from /proc). Writes benchmarks/out/load.json.
Traffic goes to loopback only, and stops after --requests or --max-seconds.

--kill-worker-after N kills one engine worker (SIGKILL) once N requests have been answered:
only the job it held may be lost (422 processing_failed), with no 5xx. --flood N then sends
N uploads just under the size limit at once to a fresh server and reports the server's peak
memory and the statuses (the bodies beyond the upload budget get 503 before being read).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import signal
import sys
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.live import live_server

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("IDPHOTO_SHARED_PHOTOS", ROOT.parent / "shared" / "photos"))


def photos() -> list[bytes]:
    files = sorted(p for p in SHARED.glob("*.jpg") if p.stat().st_size < 5_000_000) if SHARED.is_dir() else []
    if files:
        return [p.read_bytes() for p in files]
    from PIL import Image
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, "JPEG", quality=90)
    return [buffer.getvalue()]


def process_tree(pid: int) -> list[int]:
    """A process and all its descendants (children are listed per thread in /proc)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, from /proc (Linux)."""
    total = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def engine_workers(pid: int) -> list[int]:
    """The server's engine worker processes (multiprocessing spawn children, not its resource tracker)."""
    workers = []
    for child in process_tree(pid)[1:]:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                workers.append(child)
        except OSError:
            continue
    return workers


async def run_load(base: str, bodies: list[bytes], clients: int, count: int, max_seconds: float, pid: int,
                   kill_after: int | None = None):
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    killed: list[int] = []
    peak = 0.0
    next_index = 0
    deadline = time.perf_counter() + max_seconds

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal next_index
        while next_index < count and time.perf_counter() < deadline:
            body = bodies[next_index % len(bodies)]
            next_index += 1
            started = time.perf_counter()
            try:
                response = await http.post(f"{base}/v1/check", content=body, headers={"Content-Type": "image/jpeg"})
                status = response.status_code
            except httpx.HTTPError:
                status = 0
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            if kill_after is not None and len(latencies) == kill_after:
                victims = engine_workers(pid)
                if victims:
                    os.kill(victims[0], signal.SIGKILL)
                    killed.append(victims[0])

    async def sample_memory() -> None:
        nonlocal peak
        while True:
            peak = max(peak, tree_rss_mb(pid))
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample_memory())
    started = time.perf_counter()
    async with httpx.AsyncClient(timeout=120, limits=httpx.Limits(max_connections=clients)) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    sampler.cancel()
    return latencies, statuses, elapsed, peak, killed


def near_limit_body(size: int) -> bytes:
    """A real JPEG of noise just under `size` bytes (it decodes; its check is quick to fail)."""
    rng = np.random.default_rng(0)
    from PIL import Image

    side = 1400
    while True:
        buffer = io.BytesIO()
        Image.fromarray(rng.integers(0, 256, (side, side, 3), dtype=np.uint8)).save(buffer, "JPEG", quality=95)
        if buffer.tell() >= size * 0.9 or side > 4000:
            data = buffer.getvalue()
            return data[: size - 1] if len(data) >= size else data
        side += 200


def flood(workers: int, n: int) -> dict:
    body = near_limit_body(5 * 1024 * 1024)
    with live_server(workers) as (base, pid):
        idle_server = tree_rss_mb(pid) - sum(tree_rss_mb(w) for w in engine_workers(pid))

        async def go():
            peak = 0.0
            statuses: dict[int, int] = {}

            async def sample() -> None:
                nonlocal peak
                while True:
                    server_only = tree_rss_mb(pid) - sum(tree_rss_mb(w) for w in engine_workers(pid))
                    peak = max(peak, server_only)
                    await asyncio.sleep(0.05)

            async def one(http) -> None:
                try:
                    response = await http.post(f"{base}/v1/check", content=body, headers={"Content-Type": "image/jpeg"})
                    status = response.status_code
                except httpx.HTTPError:
                    status = 0
                statuses[status] = statuses.get(status, 0) + 1

            sampler = asyncio.create_task(sample())
            async with httpx.AsyncClient(timeout=180, limits=httpx.Limits(max_connections=n)) as http:
                await asyncio.gather(*(one(http) for _ in range(n)))
            await asyncio.sleep(1.0)
            after = tree_rss_mb(pid) - sum(tree_rss_mb(w) for w in engine_workers(pid))
            sampler.cancel()
            return peak, after, statuses

        peak, after, statuses = asyncio.run(go())
    return {"uploads": n, "body_bytes": len(body), "server_idle_mb": round(idle_server, 1), "server_peak_mb": round(peak, 1),
            "server_after_mb": round(after, 1), "statuses": {str(k): v for k, v in sorted(statuses.items())},
            "errors_500": sum(v for k, v in statuses.items() if k == 500 or k == 0)}


def measure(workers: int, clients: int, count: int, max_seconds: float, bodies: list[bytes], kill_after: int | None = None) -> dict:
    with live_server(workers, env={"IDPHOTO_MAX_WAITING": str(4 * clients)}) as (base, pid):
        idle = tree_rss_mb(pid)
        latencies, statuses, elapsed, peak, killed = asyncio.run(
            run_load(base, bodies, clients, count, max_seconds, pid, kill_after)
        )
    ms = np.array(latencies) * 1000
    return {
        "workers": workers,
        "clients": clients,
        "requests": len(latencies),
        "seconds": elapsed,
        "throughput_rps": len(latencies) / elapsed,
        "p50_ms": float(np.percentile(ms, 50)),
        "p95_ms": float(np.percentile(ms, 95)),
        "p99_ms": float(np.percentile(ms, 99)),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors_5xx": sum(v for k, v in statuses.items() if k >= 500 or k == 0),
        "idle_rss_mb": idle,
        "peak_rss_mb": peak,
        "workers_killed": len(killed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=240)
    parser.add_argument("--max-seconds", type=float, default=120)
    parser.add_argument("--kill-worker-after", type=int, default=None, help="SIGKILL one engine worker after N answers")
    parser.add_argument("--flood", type=int, default=0, help="then N near-limit uploads at once")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "load.json")
    args = parser.parse_args()
    bodies = photos()
    rows = [measure(int(w), args.clients, args.requests, args.max_seconds, bodies, args.kill_worker_after)
            for w in args.workers.split(",")]
    print(f"{'workers':>7s} {'clients':>7s} {'req':>5s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'5xx':>4s} {'peak MB':>8s} {'killed':>6s}  statuses")
    for r in rows:
        print(
            f"{r['workers']:>7d} {r['clients']:>7d} {r['requests']:>5d} {r['throughput_rps']:>7.1f} {r['p50_ms']:>7.0f} "
            f"{r['p95_ms']:>7.0f} {r['p99_ms']:>7.0f} {r['errors_5xx']:>4d} {r['peak_rss_mb']:>8.0f} {r['workers_killed']:>6d}  {r['statuses']}"
        )
    flooded = flood(int(args.workers.split(",")[-1]), args.flood) if args.flood else None
    if flooded:
        print(f"flood: {flooded['uploads']} uploads of {flooded['body_bytes'] / 1_048_576:.1f} MB at once: server "
              f"{flooded['server_idle_mb']:.0f} MB idle, peak {flooded['server_peak_mb']:.0f} MB, "
              f"{flooded['server_after_mb']:.0f} MB after; statuses {flooded['statuses']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"photos": len(bodies), "rows": rows, "flood": flooded}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
