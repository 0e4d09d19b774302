from tests.governance.conftest import world  # noqa: F401  (the committee and people around a use case)
