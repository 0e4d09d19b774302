from django.dispatch import receiver

from domains.events import business_event

from .services import audit_record


@receiver(business_event, dispatch_uid="governance.audit_business_event")
def record_business_event(sender, *, actor, action, target, data, **kwargs) -> None:
    audit_record(actor=actor, action=action, target=target, data=data)
