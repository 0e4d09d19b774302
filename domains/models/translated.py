"""Reference data named in every language of settings.LANGUAGES (django-modeltranslation, registered
in domains/translation.py): a model lists its `translated_fields`, and gets `name_en`, `name_fr`...
beside `name`. Reading `name` gives the current language's value, the default language's (English)
where it has none; assigning it sets the current language's.

The original column (`name`) keeps the default language's value, whatever language the save ran in:
what reads the table without the model (the reporting views, a join from a use case, field history)
reads one language, always the same."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


def localized_field_name(field: str, language: str) -> str:
    """`name`, "fr" -> `name_fr` (modeltranslation's naming)."""
    return f"{field}_{language.replace('-', '_')}"


def translations_of(field: str) -> tuple[str, ...]:
    """The column of `description` in each language: description_en, description_fr."""
    return tuple(localized_field_name(field, code) for code, _label in settings.LANGUAGES)


def with_translations(field: str) -> tuple[str, ...]:
    """`description` and its column in each language."""
    return (field, *translations_of(field))


def default_language() -> str:
    return getattr(settings, "MODELTRANSLATION_DEFAULT_LANGUAGE", settings.LANGUAGE_CODE)


class TranslatedFieldsMixin:
    translated_fields: tuple[str, ...] = ()

    def save(self, *args, **kwargs):
        default = default_language()
        for field in self.translated_fields:
            # A row always has its default language's value: one written only in another language
            # (outside the admin, which requires the default) is named that way in the default too.
            default_field = localized_field_name(field, default)
            if getattr(self, default_field) in (None, ""):
                value = getattr(self, field)
                if value not in (None, ""):
                    setattr(self, default_field, value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # Saving `name` saves what it stands for: each language's column.
            translated = [field for field in self.translated_fields if field in update_fields]
            kwargs["update_fields"] = [*update_fields, *(c for field in translated for c in translations_of(field))]
        with translation.override(default):
            super().save(*args, **kwargs)
