class BusinessRuleError(Exception):
    """A business rule refused the request. Every app's rule failures derive from this one type,
    so the API, the admin and the forms handle them in one place."""

    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", details: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.details = details or {}
