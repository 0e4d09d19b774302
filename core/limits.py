"""How much a person may write: the documented limits of text fields and request bodies.

Every free-text field has a limit, checked where it is entered (forms and serializers take it from the
model field, with the field named in the error), by `full_clean` in the services, and by a CHECK
constraint in the database, so nothing skips it. The README's "Limits" table lists them."""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

# Characters. A use case's prose, a committee's mandate, a decision's rationale: about four pages.
PROSE_MAX_CHARS = 10_000
# A comment on a vote, a change request, a link's rationale, a description.
NOTE_MAX_CHARS = 5_000
# A meeting's minutes.
MINUTES_MAX_CHARS = 50_000

# Bytes. A request body larger than this is refused with 413 before it is read (Django's
# DATA_UPLOAD_MAX_MEMORY_SIZE is set to the same value).
REQUEST_BODY_MAX_BYTES = 2_621_440  # 2.5 MiB: far above what the largest form can hold
# Levels of nesting accepted in a JSON body (the API's own bodies are at most 2 deep).
JSON_MAX_DEPTH = 20
# Items in one JSON array (a use case's functions, foundations, journey stages are tens at most).
JSON_MAX_ARRAY_ITEMS = 1_000


def limited_text(verbose_name, max_chars: int, **kwargs) -> models.TextField:
    """A TextField with a limit: forms and serializers get max_length, full_clean a validator."""
    return models.TextField(verbose_name, max_length=max_chars, validators=[MaxLengthValidator(max_chars)], **kwargs)


def text_limit_constraints(prefix: str, limits: dict[str, int]) -> list[models.CheckConstraint]:
    """The database's own copy of the limits: CHECK (length(field) <= limit) for each field."""
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit),
            name=f"{prefix}_{field}_at_most_{limit}_chars",
            violation_error_message=format_lazy(
                _("{field} is longer than {limit} characters."), field=field, limit=f"{limit:,}"
            ),
        )
        for field, limit in limits.items()
    ]


def check_text_limits(model: type[models.Model], **values: str) -> None:
    """Refuse text over its field's limit, naming each field (for services that create rows without
    a form or full_clean): a ValidationError the API answers 400 and the admin shows as a message."""
    from django.core.exceptions import ValidationError

    errors = {}
    for name, value in values.items():
        try:
            model._meta.get_field(name).run_validators(value or "")
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)
