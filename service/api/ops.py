"""Probes and metrics for the platform: /healthz, /readyz, /metrics (open, without the token)."""

from __future__ import annotations

from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from .deps import EngineDep
from .models import Health, Ready
from .openapi import METRICS_OK, problems
from .problems import Problem

router = APIRouter(tags=["operations"])


@router.get("/healthz", response_model=Health, response_description="The process answers")
async def healthz() -> Health:
    """Liveness: the HTTP process answers."""
    return Health()


@router.get("/readyz", response_model=Ready, response_description="Every engine worker is running", responses=problems("readyz"))
async def readyz(engine: EngineDep) -> Ready:
    """Readiness: the engine workers have loaded their models and are running. Idle workers
    that died are replaced first (`replaced` says how many), so the answer is the truth."""
    pool = engine.pool
    if not pool.ready:
        raise Problem(503, "not_ready", alive=0, size=pool.size)
    replaced = await pool.heal()
    alive = pool.alive
    if alive < pool.size:  # busy workers are alive; fewer means one is being replaced after a crash
        raise Problem(503, "not_ready", alive=alive, size=pool.size)
    return Ready(workers=pool.size, alive=alive, replaced=replaced)


@router.get("/metrics", response_class=Response, responses={200: METRICS_OK})
async def prometheus_metrics(engine: EngineDep) -> Response:
    """Prometheus metrics (text exposition format): requests and latency by endpoint and
    outcome, rule outcomes, verdicts, photos in flight, worker restarts."""
    return Response(generate_latest(engine.metrics.registry), media_type=CONTENT_TYPE_LATEST)
