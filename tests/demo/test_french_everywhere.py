"""Every admin page and every team page, read in French over the demo organisation, says nothing in
English that has a French name: no model name (verbose_name or verbose_name_plural), no app heading,
no domain, business function, team or foundation named in English when it has a French name.

The pages are found, not listed: the admin's from its registry (the index, each app, each model's
list, add page, change page and history of one object, and the extra pages a model admin adds), the
team pages from web/urls.py, so a page added later is read too. What people wrote (use cases, links,
comments, names of people and portfolios) is in the language they wrote it in: it is left out of the
reading, and so are the fields of a form being edited (a textarea holds the English description of a
domain on its change page, as it should).

It lives with the demo tests: the demo organisation is loaded once for this package (conftest.py)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.urls import URLPattern, reverse
from django.utils import translation

from domains.models import UseCase, User
from domains.translation import TRANSLATED_MODELS

pytestmark = pytest.mark.django_db

# Team pages whose arguments name an object of the page's use case: how to find one in the demo. A new
# page with arguments gets an entry here (the test says so); a page without arguments needs none.
OBJECT_ARGUMENTS = {"kpis/<int:pk>": "kpis", "side-effects/<int:pk>": "side_effects"}
TEXT_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
# Shorter strings people wrote are not taken out of the pages: "IT" or "Yes" would hide the interface's own.
SHORTEST_CONTENT = 4
# A text a page cuts short is recognised by this many first characters.
TRUNCATED_FROM = 40
# English that django-axes writes whatever the language (its models' __str__), and its French
# translation keeps ("User Agent"): not ours to translate.
THIRD_PARTY_ENGLISH = ("Access Log for", "Attempted Access:", "Failed access: user", "User Agent")


@dataclass(frozen=True)
class English:
    text: str
    what: str
    case_sensitive: bool


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes and the attributes read aloud or shown on hover, without
    scripts, styles and the content of the form fields being edited."""

    SKIPPED = {"script", "style", "textarea", "template"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        attributes = dict(attrs)
        self.parts.extend(attributes[name] for name in TEXT_ATTRIBUTES if attributes.get(name))
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(attributes["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def _normalised(text: str) -> str:
    return " ".join(text.split())


def _json_strings(value, *, keys: bool = True) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if keys:
                yield str(key)
            yield from _json_strings(item, keys=keys)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item, keys=keys)


def _page_text(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        # What a page built from it shows: the values (its keys are the program's, never shown).
        return _normalised(" ".join(_json_strings(json.loads(response.content), keys=False)))
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return _normalised(" ".join(parser.parts))


def _in_both(value) -> tuple[str, str]:
    with translation.override("en"):
        english = str(value)
    with translation.override("fr"):
        french = str(value)
    return english, french


def _english_words() -> list[English]:
    """What must not show on a French page: each model's names, each app's heading, each reference
    row's name and description, where French says it differently."""
    words = []
    for model in apps.get_models():
        for attribute in ("verbose_name", "verbose_name_plural"):
            english, french = _in_both(getattr(model._meta, attribute))
            if english.lower() != french.lower():
                words.append(English(english, f"{attribute} of {model._meta.label}", case_sensitive=False))
    for config in apps.get_app_configs():
        english, french = _in_both(config.verbose_name)
        if english.lower() != french.lower():
            words.append(English(english, f"app heading of {config.label}", case_sensitive=False))
    for model in TRANSLATED_MODELS:
        for row in model.objects.all():
            for field in model.translated_fields:
                english, french = getattr(row, f"{field}_en"), getattr(row, f"{field}_fr")
                if english and french and _normalised(english) != _normalised(french):
                    words.append(English(_normalised(english), f"{field} of {model.__name__} {row.slug}", True))
    return words


def _content() -> list[str]:
    """What people wrote, in their own language: every text of every row but the reference data's
    names and descriptions (which have a French translation, and are what this test reads)."""
    reference = {model._meta.label for model in TRANSLATED_MODELS}
    reference |= {model.history.model._meta.label for model in TRANSLATED_MODELS if hasattr(model, "history")}
    reference_names = {
        _normalised(value)
        for model in TRANSLATED_MODELS
        for values in model.objects.values_list("name_en", "description_en")
        for value in values
        if value
    }
    found: set[str] = set()
    for model in apps.get_models():
        texts = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, (models.CharField, models.TextField, models.JSONField))
            and not field.choices
            and (model._meta.label not in reference or isinstance(field, models.SlugField))
        ]
        if not texts:
            continue
        for values in model._default_manager.values_list(*texts).iterator():
            for value in values:
                for text in _json_strings(value):
                    for line in text.splitlines():
                        found.add(_normalised(line))
    # A snapshot's names (a portfolio's domains) are the reference data's, shown in the reader's language.
    found -= reference_names
    return sorted((text for text in found if len(text) >= SHORTEST_CONTENT), key=len, reverse=True)


def _without_content(text: str, content: list[str]) -> str:
    """The page's text with what people wrote taken out: whole, or the start of it that a page shows
    before cutting it short ("…")."""
    for written in (*content, *THIRD_PARTY_ENGLISH):
        if written in text:  # whole words only: "usage" written somewhere leaves "cas d'usage" alone
            text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", " ¤ ", text)
        while len(written) > TRUNCATED_FROM and written[:TRUNCATED_FROM] in text:
            start = text.index(written[:TRUNCATED_FROM])
            end = start + TRUNCATED_FROM
            while end < len(text) and end - start < len(written) and text[end] == written[end - start]:
                end += 1
            text = f"{text[:start]} ¤ {text[end:]}"
    return text


def _pattern(word: English) -> re.Pattern:
    flags = 0 if word.case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(word.text)}(?![\w-])", flags)


class FrenchReader:
    def __init__(self):
        self.words = [(word, _pattern(word)) for word in _english_words()]
        self.content = _content()
        self.read: list[str] = []
        self.problems: list[str] = []

    def read_page(self, client, url: str) -> None:
        response = client.get(url)
        if response.status_code in (301, 302, 403, 405):
            return  # a step that only posts, or a page this reader may not open: nothing to read
        assert response.status_code == 200, f"{url} answered {response.status_code}"
        self.read.append(url)
        text = _without_content(_page_text(response), self.content)
        for word, pattern in self.words:
            match = pattern.search(text)
            if match:
                context = text[max(0, match.start() - 60) : match.end() + 60]
                self.problems.append(f"{url} shows English {word.text!r} ({word.what}): …{context}…")


def _french(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    return client


def _admin_pages(admin_client) -> Iterator[str]:
    site = admin.site
    yield reverse("admin:index")
    for label in sorted({model._meta.app_label for model in site._registry}):
        yield reverse("admin:app_list", args=[label])
    for model, model_admin in site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        sample = model._default_manager.order_by("pk").first()
        yield reverse(f"admin:{info}_changelist")
        yield reverse(f"admin:{info}_add")
        for url_pattern in model_admin.get_urls():
            if not isinstance(url_pattern, URLPattern) or not url_pattern.name:
                continue
            if url_pattern.name.endswith(("_changelist", "_add", "_delete")):
                continue
            regex = url_pattern.pattern.regex  # a path() or a re_path(): its groups are its arguments
            if not regex.groups:
                yield reverse(f"admin:{url_pattern.name}")
            elif set(regex.groupindex) == {"object_id"} and regex.groups == 1 and sample is not None:
                yield reverse(f"admin:{url_pattern.name}", args=[sample.pk])


def _team_pages(member: User) -> Iterator[str]:
    from web.urls import urlpatterns

    mine = UseCase.objects.filter(team__members=member).order_by("pk")
    editable = mine.filter(status__in=["draft", "changes_requested"]).first() or mine.first()
    others = UseCase.objects.exclude(team__members=member).exclude(status="draft").order_by("pk")
    for url_pattern in urlpatterns:
        route, name = str(url_pattern.pattern), f"web:{url_pattern.name}"
        converters = set(url_pattern.pattern.converters)
        if not converters:
            yield reverse(name)
            continue
        assert converters <= {"reference", "pk", "action", "measurement"}, f"say how to open {route}"
        kwargs = {"reference": editable.reference}
        if "action" in converters:
            kwargs["action"] = "discard"
        if "pk" in converters:
            relation = next((rel for key, rel in OBJECT_ARGUMENTS.items() if key in route), None)
            assert relation is not None, f"say how to find the object of {route} (OBJECT_ARGUMENTS)"
            # The first such object of one of the member's use cases (with a measurement, if the page needs one).
            candidates = [obj for use_case in mine for obj in getattr(use_case, relation).order_by("pk")]
            if "measurement" in converters:
                candidates = [obj for obj in candidates if obj.measurements.exists()]
            if not candidates:
                continue  # the demo has none: nothing to show
            related = candidates[0]
            kwargs = {"reference": related.use_case.reference, "pk": related.pk}
            if "measurement" in converters:
                kwargs["measurement"] = related.measurements.order_by("pk").first().pk
        yield reverse(name, kwargs=kwargs)
        if set(kwargs) == {"reference"} and url_pattern.name == "use_case_detail":
            for other in others[:3]:
                yield reverse(name, kwargs={"reference": other.reference})


def test_every_admin_page_reads_in_french(demo, admin_client):
    reader = FrenchReader()
    for url in _admin_pages(_french(admin_client)):
        reader.read_page(admin_client, url)

    assert len(reader.read) > 3 * len(admin.site._registry)
    assert not reader.problems, "\n".join(reader.problems)


def test_every_team_page_reads_in_french(demo, client):
    member = User.objects.filter(teams__isnull=False, is_staff=False).order_by("username").first()
    client.force_login(member)
    reader = FrenchReader()
    for url in _team_pages(member):
        reader.read_page(_french(client), url)
    reader.read_page(client, reverse("web:use_case_lookup") + "?q=a")

    assert reverse("web:portfolio_list") in reader.read
    assert not reader.problems, "\n".join(reader.problems)


def test_the_reader_reports_english_with_its_page(demo, client):
    """The reading can fail: the same pages in English show the English names, and each is reported
    with the page that shows it."""
    member = User.objects.filter(teams__isnull=False, is_staff=False).order_by("username").first()
    client.force_login(member)
    reader = FrenchReader()

    reader.read_page(client, reverse("web:portfolio_list"))  # no French asked for: English

    shown = [problem for problem in reader.problems if problem.startswith("/portfolios/ shows English")]
    assert any("of Domain" in problem for problem in shown), reader.problems
