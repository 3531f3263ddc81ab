"""Signed events: every record a service publishes carries its Ed25519 signature (PyNaCl).

The signature covers the exact value bytes, the topic and the key (so a signed event cannot be
moved to another topic or report), under a fixed domain prefix. It travels in Kafka headers:
`peluit-signer` (the producing service), `peluit-key-id` (which of its keys) and
`peluit-signature` (base64). Consumers accept a record only when a service allowed to produce
its topic (`topics.PRODUCERS`) signed it with one of that service's verify keys.

Keys are made like the grant keys: each service's signing key is one file
(`.local/keys/<svc>/events/event.key`, mode 0600, `peluit-<svc> event-keys ensure`); its public
half is exported to the shared verify-key directory (`PELUIT_EVENT_VERIFY_KEY_DIR`, default
`.local/keys/event-verify`) as `<svc>.<key id>.pub`. Several keys of one service may be there at
once: rotating (`event-keys rotate`) writes a new key and exports its public half, the old public
half stays (verify-only) until `event-keys retire <key id>` once old events have drained.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from nacl.encoding import Base64Encoder
from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey, VerifyKey

from peluit_shared.logging import get_logger
from peluit_shared.topics import PRODUCERS

HEADER_SIGNER = "peluit-signer"
HEADER_KEY_ID = "peluit-key-id"
HEADER_SIGNATURE = "peluit-signature"
SIGNATURE_HEADERS = (HEADER_SIGNER, HEADER_KEY_ID, HEADER_SIGNATURE)
_DOMAIN = b"peluit-event-signature/v1\x00"

log = get_logger(__name__)


def key_id(verify_key: VerifyKey) -> str:
    return hashlib.sha256(bytes(verify_key)).hexdigest()[:16]


def signed_bytes(topic: str, key: bytes | None, value: bytes) -> bytes:
    """What is signed: domain, topic, key (length-prefixed, None distinct from b"") and value."""
    t = topic.encode()
    k = b"\x00" if key is None else b"\x01" + len(key).to_bytes(4, "big") + key
    return _DOMAIN + len(t).to_bytes(4, "big") + t + k + value


class EventSigner:
    """Signs what one service publishes."""

    def __init__(self, service: str, signing_key: SigningKey) -> None:
        self.service = service
        self._key = signing_key
        self.key_id = key_id(signing_key.verify_key)

    @classmethod
    def from_file(cls, service: str, path: Path) -> EventSigner:
        return cls(service, load_signing_key(path))

    def headers(self, topic: str, key: bytes | None, value: bytes) -> dict[str, str]:
        signature = self._key.sign(signed_bytes(topic, key, value)).signature
        return {
            HEADER_SIGNER: self.service,
            HEADER_KEY_ID: self.key_id,
            HEADER_SIGNATURE: base64.b64encode(signature).decode(),
        }


class SignatureRefused(Exception):
    """The record is not signed by a producer allowed for its topic; the reason says why."""


def _header(headers: Sequence[tuple[str, bytes]] | None, name: str) -> str | None:
    for k, v in headers or ():
        if k == name:
            try:
                return v.decode() if isinstance(v, bytes) else str(v)
            except UnicodeDecodeError:
                return None
    return None


class EventVerifier:
    """Checks records against the verify keys of the producers allowed for their topic.

    Keys are read from `key_dir` (`<service>.<key id>.pub`) again whenever the directory
    changed (one stat per record), so a producer's new key is accepted without restarting its
    consumers and a retired one is refused from then on.
    """

    def __init__(self, key_dir: Path, producers: Mapping[str, tuple[str, ...]] = PRODUCERS) -> None:
        self._dir = key_dir
        self._producers = producers
        self._stamp: tuple[int, int] | None = None
        self._keys: dict[tuple[str, str], VerifyKey] = {}
        self._refresh()

    def _refresh(self) -> None:
        try:
            st = self._dir.stat()
            stamp = (st.st_mtime_ns, st.st_ino)
        except OSError:
            stamp = (0, 0)
        if stamp != self._stamp:
            self._keys = load_verify_keys(self._dir)
            self._stamp = stamp

    def _key(self, signer: str, kid: str) -> VerifyKey | None:
        self._refresh()
        return self._keys.get((signer, kid))

    def verify(
        self,
        topic: str,
        key: bytes | None,
        value: bytes,
        headers: Sequence[tuple[str, bytes]] | None,
    ) -> str:
        """The signing service when the record is good; else SignatureRefused with the reason."""
        signer = _header(headers, HEADER_SIGNER)
        kid = _header(headers, HEADER_KEY_ID)
        signature = _header(headers, HEADER_SIGNATURE)
        if not signer or not kid or not signature:
            raise SignatureRefused("unsigned: no peluit-signer/peluit-key-id/peluit-signature")
        allowed = self._producers.get(topic, ())
        if signer not in allowed:
            raise SignatureRefused(
                f"signer {signer[:40]!r} may not produce {topic} (allowed: {', '.join(allowed)})"
            )
        verify_key = self._key(signer, kid)
        if verify_key is None:
            raise SignatureRefused(f"unknown key id {kid[:40]!r} of signer {signer}")
        try:
            raw = base64.b64decode(signature, validate=True)
            verify_key.verify(signed_bytes(topic, key, value), raw)
        except (ValueError, BadSignatureError) as exc:
            raise SignatureRefused(f"bad signature by {signer} key {kid}") from exc
        return signer


# ------------------------------------------------------------------ key files ---
def load_signing_key(path: Path) -> SigningKey:
    return SigningKey(path.read_bytes().strip(), encoder=Base64Encoder)


def load_verify_keys(key_dir: Path) -> dict[tuple[str, str], VerifyKey]:
    """{(service, key id): verify key} from `<service>.<key id>.pub` files."""
    keys: dict[tuple[str, str], VerifyKey] = {}
    for path in sorted(key_dir.glob("*.pub")) if key_dir.is_dir() else []:
        service, _, kid = path.name.removesuffix(".pub").partition(".")
        try:
            verify_key = VerifyKey(path.read_bytes().strip(), encoder=Base64Encoder)
        except (ValueError, TypeError, OSError):
            log.warning("event_verify_key_unreadable", file=path.name)
            continue
        if key_id(verify_key) != kid:
            log.warning("event_verify_key_id_mismatch", file=path.name)
            continue
        keys[(service, kid)] = verify_key
    return keys


def _export(verify_dir: Path, service: str, verify_key: VerifyKey) -> Path:
    verify_dir.mkdir(parents=True, exist_ok=True)
    target = verify_dir / f"{service}.{key_id(verify_key)}.pub"
    tmp = verify_dir / f".{target.name}.tmp"
    tmp.write_bytes(verify_key.encode(encoder=Base64Encoder))
    tmp.replace(target)
    return target


def _write_private(path: Path, key: SigningKey) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key.encode(encoder=Base64Encoder))
    tmp.replace(path)


def ensure_event_key(key_file: Path, verify_dir: Path, service: str) -> str | None:
    """Create the signing key when missing and (re)export its public half; the new id or None."""
    made = None
    if not key_file.exists():
        key = SigningKey.generate()
        _write_private(key_file, key)
        made = key_id(key.verify_key)
    _export(verify_dir, service, load_signing_key(key_file).verify_key)
    return made


def rotate_event_key(key_file: Path, verify_dir: Path, service: str) -> str:
    """A new signing key; its public half is exported first, the old one stays verify-only."""
    key = SigningKey.generate()
    _export(verify_dir, service, key.verify_key)
    _write_private(key_file, key)
    return key_id(key.verify_key)


def retire_event_key(key_file: Path, verify_dir: Path, service: str, kid: str) -> None:
    """Stop accepting events signed with `kid` (never the current key)."""
    if key_file.exists() and key_id(load_signing_key(key_file).verify_key) == kid:
        raise ValueError(f"{kid} is the current signing key of {service}; rotate first")
    (verify_dir / f"{service}.{kid}.pub").unlink(missing_ok=False)


def event_keys_command(
    action: str, key_file: Path, verify_dir: Path, service: str, kid: str | None = None
) -> int:
    """`peluit-<svc> event-keys ensure | rotate | retire KID | list`."""
    prog = f"peluit-{service}"
    if action == "ensure":
        made = ensure_event_key(key_file, verify_dir, service)
        print(f"[{prog}] event signing key {'created: ' + made if made else 'present'}")
    elif action == "rotate":
        new = rotate_event_key(key_file, verify_dir, service)
        print(f"[{prog}] new event signing key {new} is current; restart {prog} to sign with it")
    elif action == "retire":
        if not kid:
            print(f"[{prog}] retire needs the key id")
            return 2
        try:
            retire_event_key(key_file, verify_dir, service, kid)
        except (ValueError, FileNotFoundError) as exc:
            print(f"[{prog}] {exc}")
            return 1
        print(f"[{prog}] events signed with {kid} are no longer accepted")
    else:
        current = key_id(load_signing_key(key_file).verify_key) if key_file.exists() else None
        for svc, k in load_verify_keys(verify_dir):
            if svc == service:
                print(f"{k}{' (current)' if k == current else ''}")
    return 0


def event_keys_main(argv: Sequence[str], service: str, key_file: Path, verify_dir: Path) -> int:
    """Parse `event-keys ensure | rotate | retire KID | list` (the words after `event-keys`)."""
    import argparse

    parser = argparse.ArgumentParser(prog=f"peluit-{service} event-keys")
    parser.add_argument("action", choices=["ensure", "rotate", "retire", "list"])
    parser.add_argument("key_id", nargs="?", help="retire: the key id to stop accepting")
    args = parser.parse_args(list(argv))
    return event_keys_command(args.action, key_file, verify_dir, service, args.key_id)


def main() -> None:
    """`python -m peluit_shared.event_signing ensure SERVICE...` (light: used by ./peluit)."""
    import sys

    from peluit_shared.settings import InfraSettings, event_key_file

    action, *services = sys.argv[1:] or ["help"]
    if action != "ensure" or not services:
        raise SystemExit("usage: python -m peluit_shared.event_signing ensure SERVICE...")
    verify_dir = InfraSettings().event_verify_key_dir
    for service in services:
        event_keys_command("ensure", event_key_file(service), verify_dir, service)


if __name__ == "__main__":
    main()
