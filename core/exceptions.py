"""The project's one refusal type. Every app's business-rule failures derive from it, so the API's
exception handler, the admin and the forms handle them in one place. "May not" is Django's
PermissionDenied (403)."""


class BusinessRuleError(Exception):
    """A business rule refused the request (400 unless a subclass says otherwise)."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or {}


class ChangedMeanwhile(BusinessRuleError):
    """What the request acts on changed while it was being handled: retrying will see the new state
    (409)."""

    status_code = 409

    def __init__(self, message: str, *, details: dict | None = None):
        super().__init__(message, code="changed_meanwhile", details=details)


class AppendOnlyError(Exception):
    """An attempt to change or delete a row of an append-only table (the audit trail)."""
