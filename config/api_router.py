"""The one API router: every app registers its viewsets here, kebab-case plural routes."""

from rest_framework.routers import DefaultRouter

from governance.api.views import UseCaseWorkflowViewSet

router = DefaultRouter()
# The workflow verbs live on the use-case routes (/use-cases/{id}/submit/ ...), served by governance.
router.register("use-cases", UseCaseWorkflowViewSet, basename="use-case-workflow")

app_name = "api"
urlpatterns = router.urls
