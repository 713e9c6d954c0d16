"""Reading request bodies in memory, with the size limit enforced while reading.

Starlette's form parsing spools uploads over 1 MB to a temporary file; photos of children
must not touch the disk, so the body is read here, capped, and multipart is parsed in memory.
"""

from __future__ import annotations

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from ..decode import _MAGIC
from .problems import Problem

MAX_BOUNDARY = 70  # RFC 2046: a boundary is 1-70 characters
# The formats the decoder reads (its magic bytes), as media types: what an upload form may offer.
READ_MEDIA_TYPES = tuple(dict.fromkeys(f"image/{name.lower()}" for _, name in _MAGIC))
# A raw body is taken with any of these types: the magic bytes decide what it is, never the header
# (application/octet-stream: a client that does not know or say what it sends).
RAW_BODY_TYPES = (*READ_MEDIA_TYPES, "image/jpg", "image/pjpeg", "application/octet-stream")


class BodyBudget:
    """The bytes all requests together may hold in memory. A request takes its declared size
    before a byte is read (or each chunk as it comes, without a Content-Length) and is refused
    with 503 when the budget is spent; the bytes are given back when the response is sent
    (`release`, from the request middleware)."""

    def __init__(self, limit: int):
        self.limit = limit
        self.held = 0

    def take(self, request: Request, n: int) -> None:
        if self.held + n > self.limit:
            raise Problem(503, "busy", {"Retry-After": "2"})
        self.held += n
        request.state.held_bytes = getattr(request.state, "held_bytes", 0) + n

    def release(self, request: Request) -> None:
        self.held -= getattr(request.state, "held_bytes", 0)
        request.state.held_bytes = 0


async def read_body(request: Request, limit: int, budget: BodyBudget | None = None) -> bytes:
    """The whole body, or 413 as soon as it is known to exceed `limit` (before reading it all)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise Problem(413, "too_large", limit_mb=limit / 1_048_576)
    known = declared is not None and declared.isdigit()
    if budget is not None and known:
        budget.take(request, int(declared))
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Problem(413, "too_large", limit_mb=limit / 1_048_576)
        if budget is not None and not known:
            budget.take(request, len(chunk))
        chunks.append(chunk)
    return b"".join(chunks)


async def read_photos(
    request: Request, limit: int, fields: tuple[str, ...], budget: BodyBudget | None = None
) -> dict[str, bytes]:
    """The named photos, from multipart/form-data fields or (for one field) a raw body."""
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    content_type = content_type.decode("latin-1").lower()
    if content_type == "multipart/form-data":
        boundary = options.get(b"boundary")
        if not boundary or len(boundary) > MAX_BOUNDARY:
            raise Problem(400, "bad_multipart", max_boundary=MAX_BOUNDARY)
        parts = parse_multipart(await read_body(request, limit, budget), boundary)
        missing = [name for name in fields if name not in parts]
        if missing:
            raise Problem(422, "missing_photo", fields=", ".join(missing))
        return {name: parts[name] for name in fields}
    if content_type in RAW_BODY_TYPES and len(fields) == 1:
        return {fields[0]: await read_body(request, limit, budget)}
    accepted = ("multipart/form-data",) if len(fields) > 1 else ("multipart/form-data", *READ_MEDIA_TYPES, "application/octet-stream")
    raise Problem(415, "unsupported_media_type", accepted=", ".join(accepted), received=content_type[:100] or "—")


def parse_multipart(body: bytes, boundary: bytes) -> dict[str, bytes]:
    """Form fields by name (the first of each), all in memory."""
    parts: dict[str, bytes] = {}
    state: dict = {"headers": {}, "field": b"", "value": b"", "data": []}

    def on_header_field(data, start, end):
        state["field"] += data[start:end]

    def on_header_value(data, start, end):
        state["value"] += data[start:end]

    def on_header_end():
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_part_begin():
        state["headers"], state["data"] = {}, []

    def on_part_data(data, start, end):
        state["data"].append(data[start:end])

    def on_part_end():
        _, options = parse_options_header(state["headers"].get(b"content-disposition", b""))
        name = options.get(b"name")
        if name is not None:
            parts.setdefault(name.decode("utf-8", "replace"), b"".join(state["data"]))

    callbacks = {
        "on_part_begin": on_part_begin,
        "on_part_data": on_part_data,
        "on_part_end": on_part_end,
        "on_header_field": on_header_field,
        "on_header_value": on_header_value,
        "on_header_end": on_header_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
        parser.write(body)
        parser.finalize()
    except Exception:  # python-multipart raises its own error types for malformed input
        raise Problem(400, "bad_multipart", max_boundary=MAX_BOUNDARY) from None
    return parts
