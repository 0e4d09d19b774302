"""The team-facing web pages, mounted at the site root under the "web" namespace."""

from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.my_use_cases, name="my_use_cases"),
    path("use-cases/", views.use_case_browse, name="use_case_browse"),
    path("use-cases/new/", views.use_case_new, name="use_case_new"),
    path("use-cases/lookup/", views.use_case_lookup, name="use_case_lookup"),
    path("use-cases/<str:reference>/", views.use_case_detail, name="use_case_detail"),
    path("use-cases/<str:reference>/edit/", views.use_case_edit, name="use_case_edit"),
    path("use-cases/<str:reference>/submit/", views.use_case_submit_view, name="use_case_submit"),
    path("use-cases/<str:reference>/withdraw/", views.use_case_withdraw_view, name="use_case_withdraw"),
    path("use-cases/<str:reference>/steps/<str:action>/", views.use_case_step_view, name="use_case_step"),
    path("portfolios/", views.portfolio_list, name="portfolio_list"),
]
