"""Where the committed data lives: `models/` and `rules/` beside the package (overridable by env)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = Path(os.environ.get("IDPHOTO_MODELS_DIR", ROOT / "models"))
RULES_DIR = Path(os.environ.get("IDPHOTO_RULES_DIR", ROOT / "rules"))
