"""Refusals of the governance workflow. All derive from BusinessRuleError, so the API answers them
with their status code and the admin and forms show their message. "May not" is Django's
PermissionDenied (403)."""

from __future__ import annotations

from core.exceptions import BusinessRuleError


class WorkflowError(BusinessRuleError):
    """The action does not fit the use case's current state (409). The message names the current
    state and the steps allowed from it."""

    status_code = 409

    def __init__(self, message: str, *, current_state: str, allowed_actions: list[str], code: str = "wrong_state"):
        super().__init__(
            message, code=code, details={"current_state": current_state, "allowed_actions": allowed_actions}
        )
        self.current_state = current_state
        self.allowed_actions = allowed_actions


class SubmissionIncomplete(BusinessRuleError):
    """Required fields are empty (400); details carry their names, the message their labels."""

    status_code = 400

    def __init__(self, message: str, *, missing_fields: list[str]):
        super().__init__(message, code="submission_incomplete", details={"missing_fields": missing_fields})
        self.missing_fields = missing_fields


class QuorumNotMet(BusinessRuleError):
    """Not enough votes, or not enough distinct functions among them, for a decision (400)."""

    status_code = 400

    def __init__(self, message: str, *, votes_missing: int, functions_missing: int, functions_not_voted: list[str]):
        super().__init__(
            message,
            code="quorum_not_met",
            details={
                "votes_missing": votes_missing,
                "functions_missing": functions_missing,
                "functions_not_voted": functions_not_voted,
            },
        )
        self.votes_missing = votes_missing
        self.functions_missing = functions_missing
        self.functions_not_voted = functions_not_voted


class GateRefused(BusinessRuleError):
    """A gate of the transition table that the committee's chair may lift with a recorded reason (400):
    the use case depends on others that are not ready. `details["blocking"]` lists their references."""

    status_code = 400
    overridable = True

    def __init__(self, message: str, *, code: str, blocking: list[dict]):
        super().__init__(message, code=code, details={"blocking": blocking, "overridable": True})
        self.blocking = blocking
