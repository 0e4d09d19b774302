"""The team-facing web pages, mounted at the site root under the "web" namespace."""

from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.my_use_cases, name="my_use_cases"),
    path("use-cases/", views.use_case_browse, name="use_case_browse"),
    path("use-cases/new/", views.use_case_new, name="use_case_new"),
    path("use-cases/lookup/", views.use_case_lookup, name="use_case_lookup"),
    path("use-cases/similar/", views.use_case_similar, name="use_case_similar"),
    path("use-cases/<str:reference>/", views.use_case_detail, name="use_case_detail"),
    path("use-cases/<str:reference>/edit/", views.use_case_edit, name="use_case_edit"),
    path("use-cases/<str:reference>/submit/", views.use_case_submit_view, name="use_case_submit"),
    path("use-cases/<str:reference>/withdraw/", views.use_case_withdraw_view, name="use_case_withdraw"),
    path("use-cases/<str:reference>/steps/<str:action>/", views.use_case_step_view, name="use_case_step"),
    path("use-cases/<str:reference>/kpis/new/", views.kpi_new, name="kpi_new"),
    path("use-cases/<str:reference>/kpis/<int:pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("use-cases/<str:reference>/kpis/<int:pk>/delete/", views.kpi_delete_view, name="kpi_delete"),
    path("use-cases/<str:reference>/kpis/<int:pk>/measurements/", views.kpi_measure, name="kpi_measure"),
    path(
        "use-cases/<str:reference>/kpis/<int:pk>/measurements/<int:measurement>/delete/",
        views.measurement_delete_view,
        name="measurement_delete",
    ),
    path("use-cases/<str:reference>/side-effects/new/", views.side_effect_new, name="side_effect_new"),
    path("use-cases/<str:reference>/side-effects/<int:pk>/edit/", views.side_effect_edit, name="side_effect_edit"),
    path(
        "use-cases/<str:reference>/side-effects/<int:pk>/delete/",
        views.side_effect_delete_view,
        name="side_effect_delete",
    ),
    path(
        "use-cases/<str:reference>/side-effects/reviewed/",
        views.side_effects_reviewed_view,
        name="side_effects_reviewed",
    ),
    path("portfolios/", views.portfolio_list, name="portfolio_list"),
    path("foundations/", views.foundation_list, name="foundation_list"),
]
