"""Which fields of the reference data are named in each language (django-modeltranslation): each
model's `translated_fields`, so the admin shows `name [en]` and `name [fr]`, the pages and the API
read `name` in the reader's language (English where a name has no translation yet).

Also the ways to read such names without a model instance: `localized()` through a relation in a
query; `names_in_current_language()` and `name_in_current_language()` for names a snapshot kept (a
portfolio's domains, functions and foundations are kept in the default language, portfolio.metrics)."""

from __future__ import annotations

import threading
from collections.abc import Iterable

from django.core.signals import request_finished, request_started
from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, NullIf
from django.db.models.signals import post_delete, post_save
from modeltranslation.translator import TranslationOptions, translator
from modeltranslation.utils import get_language

from .models import BusinessFunction, Domain, Foundation, Team
from .models.translated import default_language, localized_field_name

TRANSLATED_MODELS = (BusinessFunction, Domain, Team, Foundation)


class NameTranslationOptions(TranslationOptions):
    fields = ("name", "description")
    # A name without its translation is NULL, not "": names are unique in each language, and two
    # rows both untranslated must not collide.
    empty_values = {"name": None, "description": ""}


for _model in TRANSLATED_MODELS:
    translator.register(_model, NameTranslationOptions)
    # Field history keeps each language's name too (simple-history built the historical model
    # before these fields existed: it gets its own copy of them).
    if hasattr(_model, "history"):
        translator.register(_model.history.model, NameTranslationOptions)


def _languages() -> list[str]:
    current, default = get_language(), default_language()
    return [current] if current == default else [current, default]


def localized(lookup: str) -> Coalesce:
    """The current language's value of a translated field reached through a relation (a use case's
    "team__name"), the default language's where it has none: for values_list() and order_by()."""
    names = [localized_field_name(lookup, language) for language in _languages()]
    return Coalesce(*(NullIf(F(name), Value("")) for name in names), F(lookup), output_field=CharField())


def default_name_field(field: str = "name") -> str:
    """The column that holds the default language's value (`name_en`): what snapshots keep."""
    return localized_field_name(field, default_language())


# The names snapshots are read back with, per model and language, for the length of a request (a
# changelist asks for each row's): {(model label, language): ({default name: name}, {pk: name})}, the
# whole table in one query (reference data: tens or hundreds of rows). Cleared when a request starts
# and ends, and when a translated row is saved or deleted in this process.
_memo = threading.local()


def _forget(**kwargs) -> None:
    _memo.names = {}


def _names_of(model) -> tuple[dict, dict]:
    names = getattr(_memo, "names", None)
    if names is None:
        names = _memo.names = {}
    key = (model._meta.label, get_language())
    if key not in names:
        by_name, by_pk = {}, {}
        # `name` reads the current language, falling back to the default (modeltranslation's values_list).
        for pk, kept, name in model.objects.order_by().values_list("pk", default_name_field(), "name"):
            by_name[kept], by_pk[pk] = name, name
        names[key] = (by_name, by_pk)
    return names[key]


def names_in_current_language(model, names: Iterable[str]) -> list[str]:
    """Names kept in the default language (a portfolio's snapshot of the domains it spans) as the
    current language says them; a name no row has any more stays as it was kept."""
    names = list(names)
    if not names:
        return []
    by_name, _by_pk = _names_of(model)
    return [by_name.get(name, name) for name in names]


def name_in_current_language(model, pk, kept: str = "") -> str:
    """The current language's name of the row `pk` (a foundation a snapshot names by id), or the
    name the snapshot kept when the row is gone."""
    if pk is None:
        return kept
    _by_name, by_pk = _names_of(model)
    return by_pk.get(pk, kept)


request_started.connect(_forget, dispatch_uid="domains.translation.forget_started")
request_finished.connect(_forget, dispatch_uid="domains.translation.forget_finished")
for _model in TRANSLATED_MODELS:
    post_save.connect(_forget, sender=_model, dispatch_uid=f"domains.translation.forget_saved.{_model.__name__}")
    post_delete.connect(_forget, sender=_model, dispatch_uid=f"domains.translation.forget_deleted.{_model.__name__}")
