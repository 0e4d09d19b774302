"""No Docker engine runs here, so check what can be checked: the file parses, every service the
stack needs is there, and every module, command and setting it names exists in the project."""

import importlib
import re
import shlex
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from tests.utils import run_django

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _command(service: str) -> str:
    command = COMPOSE["services"][service]["command"]
    return command if isinstance(command, str) else shlex.join(command)


def test_compose_defines_the_full_stack_with_health_checks_and_a_named_volume():
    services = COMPOSE["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    for name in ("postgres", "redis", "web", "worker"):
        assert "healthcheck" in services[name], name
    assert "postgres-data" in COMPOSE["volumes"]
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]


def test_app_services_are_built_from_the_project_and_wait_for_healthy_services():
    assert (ROOT / "Dockerfile").is_file()
    for name in ("web", "worker", "beat"):
        service = COMPOSE["services"][name]
        assert service["build"] == "."
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert service["environment"]["DATABASE_URL"].startswith("postgres://")
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:")


def test_web_migrates_then_serves_the_project_wsgi_application_with_gunicorn():
    command = _command("web")
    assert "manage.py migrate" in command
    assert command.index("migrate") < command.index("gunicorn")
    module, attribute = re.search(r"gunicorn (\S+):(\S+)", command).groups()
    assert callable(getattr(importlib.import_module(module), attribute))
    assert "migrate" in get_commands()


def test_worker_and_beat_name_the_project_celery_app():
    for name in ("worker", "beat"):
        command = _command(name)
        app_path = re.search(r"-A (\S+)", command).group(1)
        from celery import Celery

        assert isinstance(importlib.import_module(app_path).app, Celery)
    assert " worker" in _command("worker") and " beat" in _command("beat")


def test_dockerfile_installs_the_pinned_runtime_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --no-cache-dir -r requirements.txt" in dockerfile
    assert "gunicorn" in (ROOT / "requirements.txt").read_text()


def _compose_environment(**given: str) -> dict[str, str]:
    """The app's environment as compose would resolve it: `${NAME:-default}` takes the default unless
    given, `${NAME:?message}` needs a value (compose refuses to start without one)."""
    resolved = {}
    for name, value in COMPOSE["x-app"]["environment"].items():
        value = str(value)
        match = re.fullmatch(r"\$\{(\w+):([-?])(.*)\}", value)
        if match:
            variable, kind, rest = match.groups()
            if variable in given:
                value = given[variable]
            elif kind == "?":
                raise AssertionError(f"{name} has no default: {rest}")
            else:
                value = rest
        resolved[name] = value
    return resolved


def test_compose_has_no_default_secret_key():
    with pytest.raises(AssertionError, match="SECRET_KEY has no default"):
        _compose_environment()


def test_compose_settings_pass_check_deploy():
    """What the stack runs with passes Django's deployment checks, warnings included."""
    import secrets

    environment = _compose_environment(SECRET_KEY=secrets.token_urlsafe(50))
    environment["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/none"  # the checks do not connect
    environment["REDIS_URL"] = "redis://127.0.0.1:6379/0"
    script = (
        "import django, json; django.setup();"
        "from django.core.management import call_command;"
        "call_command('check', deploy=True, fail_level='WARNING');"
        "print(json.dumps({'ok': True}))"
    )
    assert run_django(script, **environment) == {"ok": True}
