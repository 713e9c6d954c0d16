"""Contract fuzzing: schemathesis against the real server on loopback.

    python benchmarks/schema.py [--max-examples 200] [--workers 1]

Starts `idphoto serve` on 127.0.0.1 (a free port), runs `st run` over every operation of
/openapi.json with generated valid and invalid requests, and checks every response: no 5xx,
responses that match their schema. Prints schemathesis' summary and writes its JSON report
to benchmarks/out/schema.json. Needs the bench extra (`pip install -e '.[bench]'`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.live import live_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out" / "schema.json")
    args = parser.parse_args()
    st = shutil.which("st") or str(Path(sys.executable).parent / "st")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with live_server(workers=args.workers, env={"IDPHOTO_API_TOKEN": ""}) as (base, _):
        command = [
            st, "run", f"{base}/openapi.json", "--url", base,
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--max-examples", str(args.max_examples),
            "--report", "ndjson", "--report-ndjson-path", str(args.out.with_suffix(".ndjson")),
        ]
        print(" ".join(command[1:]), flush=True)
        return subprocess.run(command, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
