"""How the domains layer announces its writes without depending on the layers above.

Services here call `announce(...)` inside their transaction; governance listens and writes the
audit row in that same transaction, so a write and its audit event commit or roll back together.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

# Sent with: actor (User or None), action (dotted string such as "use_case.created"), target (a model
# instance), data (a JSON-serialisable dict).
business_event = Signal()


def announce(*, actor, action: str, target, data: dict[str, Any] | None = None) -> None:
    business_event.send(sender=type(target), actor=actor, action=action, target=target, data=data or {})
