import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_django(script: str, **env: str) -> dict:
    """Run `script` in a fresh Python process with Django settings built from `env` (the process
    environment minus DATABASE_URL/REDIS_URL unless given), and return the JSON it prints last."""
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    environment.update(env)
    environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.strip().splitlines()[-1])
