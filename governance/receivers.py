"""Governance listening to what lower layers save without knowing governance exists: a foundation's
readiness that drops (in the admin, the API or a script) tells the owners of the use cases that use
it, through the outbox (services.foundation_ripple_notify). Connected in GovernanceConfig.ready."""

from __future__ import annotations

from django.db.models.signals import post_save, pre_save

from domains.models import Foundation


def _remember_readiness(sender, instance: Foundation, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        instance._readiness_before = None
        return
    instance._readiness_before = Foundation.objects.filter(pk=instance.pk).values_list("readiness", flat=True).first()


def _readiness_dropped(sender, instance: Foundation, created: bool, raw: bool = False, **kwargs) -> None:
    before = getattr(instance, "_readiness_before", None)
    if raw or created or before is None or instance.readiness is None or instance.readiness >= before:
        return
    from .services import foundation_ripple_notify

    foundation_ripple_notify(foundation=instance, before=before, after=instance.readiness)


def connect() -> None:
    pre_save.connect(_remember_readiness, sender=Foundation, dispatch_uid="governance.foundation_readiness_before")
    post_save.connect(_readiness_dropped, sender=Foundation, dispatch_uid="governance.foundation_readiness_dropped")
