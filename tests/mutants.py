"""Hostile inputs built from synthetic images: the kinds of damage an adversary (or a broken
phone, a half-copied archive) produces. Seeded, so a failing mutant can be rebuilt from its
seed. Used by tests/test_fuzz.py (a few hundred) and benchmarks/fuzz.py (thousands)."""

from __future__ import annotations

import io
import random
import struct
import zlib

import numpy as np
from PIL import Image

KINDS = ("flip", "truncate", "sof", "scans", "exif", "segments", "png", "garbage", "splice")


def base_images(seed: int = 0) -> list[bytes]:
    """Small, quick-to-check photos: a smooth gradient with noise, as baseline and progressive
    JPEG and as PNG (8- and 16-bit)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:96, 0:72]
    rgb = np.stack([xx * 3, yy * 2, (xx + yy) * 1.5], axis=-1) + rng.normal(0, 6, (96, 72, 3))
    rgb = np.clip(rgb, 0, 255).astype(np.uint8)
    out = []
    for args in ({"quality": 90}, {"quality": 75, "progressive": True}):
        buffer = io.BytesIO()
        Image.fromarray(rgb).save(buffer, "JPEG", **args)
        out.append(buffer.getvalue())
    for image in (Image.fromarray(rgb), Image.fromarray(rgb[..., 0].astype(np.uint16) * 257).convert("I;16")):
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        out.append(buffer.getvalue())
    return out


def mutant(seed: int, bases: list[bytes]) -> tuple[str, bytes]:
    """The mutant for `seed`: (its kind, its bytes)."""
    rng = random.Random(seed)
    kind = KINDS[seed % len(KINDS)]
    jpegs, pngs = bases[:2], bases[2:]
    data = bytearray(rng.choice(pngs if kind == "png" else jpegs))
    if kind == "flip":
        for _ in range(rng.randint(1, 24)):
            data[rng.randrange(2, len(data))] = rng.randrange(256)
    elif kind == "truncate":
        del data[rng.randrange(3, len(data)):]
    elif kind == "sof":
        at = _find_sof(data)
        if at >= 0:
            sides = [0, 1, 2, 3, 31, 32, 33, 8000, 16384, 16385, 32767, 32768, 65500, 65535]
            h, w = rng.choice(sides + [rng.randrange(65536)]), rng.choice(sides + [rng.randrange(65536)])
            data[at + 5 : at + 9] = struct.pack(">HH", h, w)
    elif kind == "scans":
        eoi = data.rfind(b"\xff\xd9")
        scan = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00"
        data[eoi:eoi] = scan * rng.choice([1, 50, 99, 101, 500, 3000])
    elif kind == "exif":
        data[2:2] = _app1(_exif_ifd(rng))
    elif kind == "segments":
        segments = _segments(bytes(data))
        if segments:
            start, end = rng.choice(segments)
            data[start:start] = data[start:end] * rng.choice([2, 10, 200])
    elif kind == "png":
        data = bytearray(_png_mutant(bytes(data), rng))
    elif kind == "garbage":
        data = bytearray(b"\xff\xd8\xff" + rng.randbytes(rng.randrange(0, 4000)))
    elif kind == "splice":
        other = rng.choice(bases)
        cut = rng.randrange(3, len(data))
        data = data[:cut] + bytearray(other[rng.randrange(0, len(other)) :])
    return kind, bytes(data)


def _find_sof(data: bytes) -> int:
    for marker in (b"\xff\xc0", b"\xff\xc2", b"\xff\xc1"):
        at = data.find(marker)
        if at >= 0:
            return at
    return -1


def _segments(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each marker segment before the first scan."""
    out, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF and data[pos + 1] != 0xDA:
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        out.append((pos, pos + 2 + length))
        pos += 2 + length
    return out


def _app1(tiff: bytes) -> bytes:
    payload = b"Exif\x00\x00" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _exif_ifd(rng: random.Random) -> bytes:
    """A little-endian IFD of orientation, resolution and unit with hostile types and values."""
    values = {
        3: [struct.pack("<H", v) for v in (0, 1, 6, 9, 65535)],  # SHORT
        5: [struct.pack("<II", n, d) for n, d in ((300, 0), (0, 0), (1, 1), (4_000_000_000, 1))],  # RATIONAL
        12: [struct.pack("<d", v) for v in (float("inf"), float("nan"), -1.0, 6.0, 1e308)],  # DOUBLE
        2: [b"abc\x00"],  # ASCII
    }
    entries = []
    for tag in (0x0112, 0x011A, 0x011B, 0x0128):
        kind = rng.choice(list(values))
        value = rng.choice(values[kind])
        entries.append((tag, kind, value, 1 if len(value) <= 4 else rng.choice([1, 1, 1, 1000])))  # 1000: a lying count
    return tiff_ifd(entries)


def tiff_ifd(entries: list[tuple[int, int, bytes, int]]) -> bytes:
    """A little-endian TIFF block with one IFD, written by hand (Pillow refuses to write hostile
    values): entries of (tag, TIFF type, value, count); a value of up to 4 bytes is stored inline,
    a longer one after the IFD."""
    data_at = 8 + 2 + 12 * len(entries) + 4
    ifd, blobs = struct.pack("<H", len(entries)), b""
    for tag, kind, value, count in entries:
        if len(value) <= 4:
            ifd += struct.pack("<HHI", tag, kind, count) + value.ljust(4, b"\x00")
        else:
            ifd += struct.pack("<HHII", tag, kind, count, data_at + len(blobs))
            blobs += value
    return b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) + blobs


def _png_mutant(data: bytes, rng: random.Random) -> bytes:
    """A PNG whose header claims other dimensions, bit depth or colour type (CRC fixed, so the
    decoder believes it), or whose data chunk is cut."""
    ihdr = data.find(b"IHDR")
    fields = bytearray(data[ihdr + 4 : ihdr + 17])
    choice = rng.randrange(3)
    if choice == 0:
        struct.pack_into(">II", fields, 0, rng.choice([0, 1, 7700, 100_000, 2**31 - 1]), rng.choice([1, 96, 7700, 65500]))
    elif choice == 1:
        fields[8], fields[9] = rng.choice([1, 2, 4, 8, 16]), rng.choice([0, 2, 3, 4, 6])
    else:
        idat = data.find(b"IDAT")
        return data[: idat + rng.randrange(4, 40)]
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + bytes(fields)) & 0xFFFFFFFF)
    return data[: ihdr + 4] + bytes(fields) + crc + data[ihdr + 21 :]


def run_mutants(seeds: range, workers: int = 2, timeout: float = 20.0, jobs: tuple[str, ...] = ("check", "fix")) -> dict:
    """Every mutant through `service.check` and `fix` in engine worker processes (so a crash
    or a hang is seen as such, not taken for a failure of the run). Outcomes: `report`,
    `typed` (a typed error or not fixable), `untyped` (an exception the engine did not type),
    `crash` (the worker died), `hang` (over `timeout`). Returns counts and the bad seeds."""
    import asyncio
    from collections import Counter

    from service.workers import EnginePool, Job, JobFailed

    bases = base_images()
    counts: Counter = Counter()
    bad: list[tuple[int, str, str, str]] = []

    async def one(pool, slots, seed: int, job: str) -> None:
        kind, data = mutant(seed, bases)
        args = {"data": data, "profile": "e-legitymacja", "lang": "en"}
        async with slots:
            try:
                status, payload = await pool.run(Job(job, args))
            except JobFailed as exc:
                outcome = "hang" if exc.code == "processing_timeout" else "crash" if exc.worker_lost else "untyped"
            else:
                report = payload if job == "check" else payload.get("report") if status == "ok" else None
                error = (report or {}).get("error") if status == "ok" else payload
                if error and error.get("code") == "processing_failed":
                    outcome = "untyped"
                elif status == "photo_error" or error:
                    outcome = "typed"
                else:
                    outcome = "report"
        counts[(job, outcome)] += 1
        counts[("kind", kind)] += 1
        if outcome in ("untyped", "crash", "hang"):
            bad.append((seed, kind, job, outcome))

    async def main() -> None:
        pool = EnginePool(workers, max_waiting=workers, job_timeout=timeout)
        await pool.start()
        slots = asyncio.Semaphore(workers)
        try:
            await asyncio.gather(*(one(pool, slots, seed, job) for seed in seeds for job in jobs))
        finally:
            await pool.stop()

    asyncio.run(main())
    return {"counts": counts, "bad": bad}
