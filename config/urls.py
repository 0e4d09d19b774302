from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from exchange.export_views import export_urlpatterns

from .health import healthz


class FaviconRedirect(RedirectView):
    """The icon's URL is looked up per request: with the manifest storage of production it exists
    only after collectstatic, which runs after this module is first imported."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("web/favicon.svg")


admin.site.site_header = _("AI Portfolio - Steering committee")
admin.site.site_title = _("AI Portfolio")
admin.site.index_title = _("Portfolio administration")

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask every page's origin for /favicon.ico; pages that declare no icon (the admin, the API's
    # browsable pages) get the team site's instead of a 404 in the console.
    path("favicon.ico", FaviconRedirect.as_view(), name="favicon"),
    # The committee's downloads (the portfolio workbook, the EU AI Act register), beside its admin.
    path("admin/exchange/export/", include(export_urlpatterns)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_router")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("web.auth_urls")),
    path("", include("web.urls")),
]

# Under /api/, errors answer JSON like the rest of the API (config.errors).
handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
