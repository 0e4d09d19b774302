"""The one API router: every app registers its viewsets here, kebab-case plural routes."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()

app_name = "api"
urlpatterns = router.urls
