"""Content negotiation that names what it cannot do: `?format=xml` is a 400 listing the formats the
endpoint offers, not a bare 404."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation


class NamedFormatNegotiation(DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        chosen = [renderer for renderer in renderers if renderer.format == format]
        if not chosen:
            offered = sorted({renderer.format for renderer in renderers if renderer.format != "api"})
            raise ValidationError(
                {
                    self.settings.URL_FORMAT_OVERRIDE: [
                        _("Unknown format %(format)s: use one of %(offered)s.")
                        % {"format": repr(format)[:60], "offered": ", ".join(offered)}
                    ]
                }
            )
        return chosen
