"""The audit log is append-only: kept, never changed or deleted through the product (等保 level 3
asks for at least 180 days)."""

import pytest

from jixiao.core.models import AuditLog, AuditLogRefused
from jixiao.orgs.models import User


@pytest.fixture
def entry(db):
    return AuditLog.objects.create(
        batch="00000000-0000-0000-0000-000000000001", action="login", actor_name="someone"
    )


def test_an_entry_cannot_be_deleted_one_by_one_or_in_bulk(entry):
    with pytest.raises(AuditLogRefused):
        entry.delete()
    with pytest.raises(AuditLogRefused):
        AuditLog.objects.filter(pk=entry.pk).delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_an_entry_cannot_be_changed(entry):
    entry.message = "改过"
    with pytest.raises(AuditLogRefused):
        entry.save()
    with pytest.raises(AuditLogRefused):
        AuditLog.objects.filter(pk=entry.pk).update(message="改过")
    assert AuditLog.objects.get(pk=entry.pk).message == ""


def test_deleting_a_user_keeps_their_entries(db):
    user = User.objects.create(username="leaving")
    entry = AuditLog.objects.create(
        batch="00000000-0000-0000-0000-000000000002", action="login", actor=user
    )
    user.delete()
    entry = AuditLog.objects.get(pk=entry.pk)
    assert entry.actor is None and entry.action == "login"
