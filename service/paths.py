"""Where the data lives: the rule profiles and the model files, shipped inside the package.

In the repository they stay in `rules/` and `models/` at the root; the build maps them into
the package as `service.rules` and `service.models` (`[tool.setuptools.package-dir]` in
pyproject.toml), so an editable install finds them in the checkout and a wheel in
site-packages, both through `importlib.resources`. `IDPHOTO_RULES_DIR` and
`IDPHOTO_MODELS_DIR` point at another folder instead. A folder that is not there is an error
at import, never a silent fallback to some other copy.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

__all__ = ["MODELS_DIR", "ROOT", "RULES_DIR", "DataDirError", "data_dir"]


class DataDirError(RuntimeError):
    """The rules or models folder is missing: a broken install or a wrong override."""


def data_dir(package: str, env: str, marker: str) -> Path:
    """The folder of `package` (or of the `env` override); it must exist and hold `marker`."""
    override = os.environ.get(env)
    if override:
        path, origin = Path(override), f"{env}={override}"
    else:
        try:
            resource = files(package)
        except ModuleNotFoundError as err:
            raise DataDirError(
                f"package {package} is not installed (reinstall idphoto: pip install . or pip install -e .), or set {env}"
            ) from err
        if not isinstance(resource, Path):  # a zipped or namespace install: the engine needs real files
            raise DataDirError(f"package {package} is not a folder on disk ({resource!r}); install idphoto unzipped")
        path, origin = resource, f"package {package}"
    if not path.is_dir():
        raise DataDirError(f"{origin}: {path} is not a directory")
    if not (path / marker).is_file():
        raise DataDirError(f"{origin}: {path} has no {marker}")
    return path


RULES_DIR = data_dir("service.rules", "IDPHOTO_RULES_DIR", "messages.toml")
MODELS_DIR = data_dir("service.models", "IDPHOTO_MODELS_DIR", "face_detector.tflite")

# The folder holding the `service` package: the checkout in an editable install,
# site-packages in a wheel's (tests/live.py starts the server from there).
ROOT = Path(__file__).resolve().parent.parent
