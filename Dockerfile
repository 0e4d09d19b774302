FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=config.settings.production
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only REDIS_URL=redis://build-only:6379/0 python manage.py collectstatic --noinput \
    && SECRET_KEY=build-only REDIS_URL=redis://build-only:6379/0 python manage.py compilemessages --ignore=.venv

RUN useradd --create-home app && chown -R app /app
USER app
EXPOSE 8000
