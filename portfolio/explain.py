"""Sentences that say why a portfolio holds together, generated in the reader's language from the
data the run stored (portfolio.metrics): e.g. "7 use cases sharing Customer 360 and reinforcing one
another around Churn-save offers, across Marketing, Retail and Customer service"."""

from __future__ import annotations

from django.utils.text import get_text_list
from django.utils.translation import gettext, ngettext

from .choices import LinkKind

# How many domains a sentence names before it counts the rest.
DOMAINS_NAMED = 3


def _kind_phrase(kind: str) -> str:
    return {
        LinkKind.SHARES_DATA: gettext("exchanging data"),
        LinkKind.SHARES_PLATFORM: gettext("running on a common platform"),
        LinkKind.DEPENDS_ON: gettext("building on one another"),
        LinkKind.REINFORCES: gettext("reinforcing one another"),
    }.get(kind, "")


def _domains_phrase(domains: list[str]) -> str:
    if not domains:
        return ""
    if len(domains) == 1:
        return gettext("within %(domain)s") % {"domain": domains[0]}
    if len(domains) <= DOMAINS_NAMED:
        return gettext("across %(domains)s") % {"domains": get_text_list(domains, gettext("and"))}
    rest = len(domains) - DOMAINS_NAMED
    named = ", ".join(domains[:DOMAINS_NAMED])
    return ngettext(
        "across %(domains)s and %(count)d more domain",
        "across %(domains)s and %(count)d more domains",
        rest,
    ) % {"domains": named, "count": rest}


def why_sentence(explanation: dict) -> str:
    if not explanation or not explanation.get("count"):
        return ""
    count = explanation["count"]
    parts = [ngettext("%(count)d use case", "%(count)d use cases", count) % {"count": count}]
    if explanation.get("foundation"):
        parts.append(gettext("sharing %(foundation)s") % {"foundation": explanation["foundation"]})
    kind = _kind_phrase(explanation.get("kind", ""))
    if kind:
        parts.append(gettext("and %(kind)s") % {"kind": kind} if explanation.get("foundation") else kind)
    if explanation.get("hub"):
        parts.append(gettext("around %(hub)s") % {"hub": explanation["hub"]})
    sentence = " ".join(parts)
    domains = _domains_phrase(explanation.get("domains") or [])
    return f"{sentence}, {domains}" if domains else sentence
