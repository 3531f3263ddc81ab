"""Evidence durability on the real SeaweedFS: a deleted object comes back within the window, old
versions expire after it, and a purge under retention leaves no version at all."""

from __future__ import annotations

import io
import subprocess
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from peluit_evidence.adapters.object_store import ObjectStore
from peluit_evidence.settings import EvidenceSettings
from tests.support.stack import ROOT

pytestmark = pytest.mark.stack
DAY = timedelta(days=1)


@pytest.fixture
def store() -> ObjectStore:
    store = ObjectStore(EvidenceSettings())
    store._ensure()
    return store


def put(store: ObjectStore, key: str, body: bytes) -> None:
    store.client.put_object(store.bucket, key, io.BytesIO(body), len(body))


def read(store: ObjectStore, key: str) -> bytes:
    return b"".join(store.read_chunks(key))


def test_the_evidence_bucket_is_versioned(store: ObjectStore) -> None:
    assert store.client.get_bucket_versioning(store.bucket).status == "Enabled"


def test_an_object_deleted_by_mistake_is_restored_byte_identical(store: ObjectStore) -> None:
    key = f"{uuid.uuid4()}/{uuid.uuid4()}"
    put(store, key, b"sealed evidence bytes")
    store.client.remove_object(store.bucket, key)  # outside Peluit: a delete marker
    assert list(store.object_keys(key)) == []
    evidence = ROOT / ".venv" / "bin" / "peluit-evidence"
    done = subprocess.run(
        [str(evidence), "restore-deleted", "--key", key], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert read(store, key) == b"sealed evidence bytes"
    store.purge_report(uuid.UUID(key.split("/")[0]))


def test_versions_noncurrent_beyond_the_window_expire_and_recent_ones_stay(
    store: ObjectStore,
) -> None:
    report = uuid.uuid4()
    overwritten, deleted, recent = (f"{report}/{name}" for name in ("a", "b", "c"))
    put(store, overwritten, b"v1")
    put(store, overwritten, b"v2")
    put(store, deleted, b"gone")
    store.client.remove_object(store.bucket, deleted)
    put(store, recent, b"kept")
    # Nothing is older than the window yet: every version stays, the deleted one restorable.
    assert store.expire_noncurrent(DAY, prefix=f"{report}/") == 0
    assert len(versions_of(store, overwritten)) == 2
    assert len(versions_of(store, deleted)) == 2
    # Two days on (the job's clock): the old versions and the lone delete marker go.
    later = datetime.now(UTC) + 2 * DAY
    assert store.expire_noncurrent(DAY, now=later, prefix=f"{report}/") == 3
    assert [v[2] for v in versions_of(store, overwritten)] == [False]
    assert read(store, overwritten) == b"v2"
    assert versions_of(store, deleted) == []
    assert read(store, recent) == b"kept"
    store.purge_report(report)


def test_a_purge_removes_every_version_and_delete_marker(store: ObjectStore) -> None:
    report = uuid.uuid4()
    put(store, f"{report}/one", b"first")
    put(store, f"{report}/one", b"second")
    put(store, f"{report}/two", b"other")
    store.client.remove_object(store.bucket, f"{report}/two")
    assert len(store.versions(f"{report}/")) == 4
    assert store.purge_report(report) == 2
    # Listing versions finds none: nothing left to restore.
    assert store.versions(f"{report}/") == []
    assert store.restore_deleted_object(f"{report}/two") is False


def versions_of(store: ObjectStore, key: str) -> list[tuple[str, str | None, bool]]:
    return [v for v in store.versions(key) if v[0] == key]
