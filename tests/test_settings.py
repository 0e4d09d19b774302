"""Settings come from the environment; each variable the README lists changes what it says."""

from tests.utils import run_django

READ_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s;"
    "print(json.dumps({"
    "'engine': s.DATABASES['default']['ENGINE'], 'name': str(s.DATABASES['default']['NAME']),"
    "'host': s.DATABASES['default'].get('HOST'), 'cache': s.CACHES['default']['BACKEND'],"
    "'cache_location': s.CACHES['default'].get('LOCATION'), 'broker': s.CELERY_BROKER_URL,"
    "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS,"
    "'secret': s.SECRET_KEY, 'email_backend': s.EMAIL_BACKEND, 'email_host': getattr(s, 'EMAIL_HOST', None)}))"
)


def test_defaults_are_the_embedded_sqlite_eager_celery_and_local_memory_cache():
    result = run_django(READ_SETTINGS, DJANGO_SETTINGS_MODULE="config.settings.local")
    assert result["engine"] == "django.db.backends.sqlite3"
    assert result["name"].endswith("db.sqlite3")
    assert result["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert result["eager"] is True
    assert result["broker"] == "memory://"
    assert result["debug"] is True


def test_database_url_selects_postgresql():
    result = run_django(READ_SETTINGS, DATABASE_URL="postgres://app:pw@db.internal:5433/portfolio")
    assert result["engine"] == "django.db.backends.postgresql"
    assert (result["name"], result["host"]) == ("portfolio", "db.internal")


def test_redis_url_puts_celery_and_the_cache_on_redis():
    result = run_django(READ_SETTINGS, REDIS_URL="redis://cache.internal:6380/2")
    assert result["broker"] == "redis://cache.internal:6380/2"
    assert result["eager"] is False
    assert result["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert result["cache_location"] == "redis://cache.internal:6380/2"


def test_secret_key_debug_allowed_hosts_and_email_url_come_from_the_environment():
    result = run_django(
        READ_SETTINGS,
        DJANGO_SETTINGS_MODULE="config.settings.local",
        SECRET_KEY="s3cret-from-env",
        DEBUG="false",
        ALLOWED_HOSTS="portfolio.example.com,localhost",
        EMAIL_URL="smtp://mailer.internal:2525",
    )
    assert result["secret"] == "s3cret-from-env"
    assert result["debug"] is False
    assert result["hosts"] == ["portfolio.example.com", "localhost"]
    assert result["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert result["email_host"] == "mailer.internal"


def test_production_refuses_to_start_without_a_secret_key():
    import subprocess
    import sys

    from tests.utils import ROOT

    completed = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode != 0
    assert "SECRET_KEY" in completed.stderr


def test_production_refuses_to_start_without_redis_and_never_runs_tasks_eagerly():
    import subprocess
    import sys

    from tests.utils import ROOT

    base_env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings.production", "SECRET_KEY": "x"}
    missing = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=base_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert missing.returncode != 0 and "REDIS_URL" in missing.stderr

    result = run_django(READ_SETTINGS, **base_env, REDIS_URL="redis://cache.internal:6379/0")
    assert result["eager"] is False
    assert result["broker"] == "redis://cache.internal:6379/0"
    assert result["cache"] == "django.core.cache.backends.redis.RedisCache"
