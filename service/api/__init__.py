"""HTTP service: check, fix and compare endpoints over the same engine as the CLI.

The app reads bodies in memory with a size cap, hands every photo to the engine worker
processes (service/workers.py), and answers errors as RFC 9457 problem details in the
request's language. `create_app` (app.py) wires the routers (check, fix, compare, overlay,
profiles, ops, docs) to the shared state; settings come from `IDPHOTO_*` variables
(settings.py); `idphoto serve` starts it with uvicorn.
"""

from .app import create_app
from .settings import Settings, SettingsError

__all__ = ["Settings", "SettingsError", "create_app"]
