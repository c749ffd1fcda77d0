"""A security key in software, for the tests that don't run a browser: it does what a real authenticator
does with the options a page hands it (WebAuthn level 2, "none" attestation, ES256) — a P-256 key pair,
authenticator data with the site's hash and a counter, the client data a browser would write, signed.
Nothing in Querela is replaced: its verification (py_webauthn) checks these answers as it checks a real
key's. The browser test uses Chromium's own virtual authenticator instead."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40  # authenticator data flags: user present, verified, attested credential


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftKey:
    def __init__(self, *, counting: bool = True) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0
        self.counting = counting  # many passkeys always say 0

    @property
    def id(self) -> str:
        return b64u(self.credential_id)

    def _cose_public_key(self) -> bytes:
        numbers = self.private.public_key().public_numbers()
        return cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    def create(self, options: dict[str, Any] | str, *, origin: str, rp_id: str | None = None) -> str:
        """navigator.credentials.create(): the JSON a page sends back (what security_key.js writes)."""
        opts = json.loads(options) if isinstance(options, str) else options
        opts = opts.get("publicKey", opts)
        if any(d["id"] == self.id for d in opts.get("excludeCredentials") or []):
            raise RuntimeError("InvalidStateError: this key is already registered")
        client_data = self._client_data("webauthn.create", opts["challenge"], origin)
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id
        auth_data = self._auth_data(rp_id or opts["rp"]["id"], UP | AT) + attested + self._cose_public_key()
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        response = {"clientDataJSON": b64u(client_data), "attestationObject": b64u(attestation), "transports": ["usb"]}
        return self._credential(response)

    def get(self, options: dict[str, Any] | str, *, origin: str, rp_id: str | None = None) -> str:
        """navigator.credentials.get(): an assertion, signed by this key, if the page allows it."""
        opts = json.loads(options) if isinstance(options, str) else options
        opts = opts.get("publicKey", opts)
        if not any(d["id"] == self.id for d in opts.get("allowCredentials") or []):
            raise RuntimeError("NotAllowedError: this key is not one the page asked for")
        if self.counting:
            self.counter += 1
        client_data = self._client_data("webauthn.get", opts["challenge"], origin)
        auth_data = self._auth_data(rp_id or opts["rpId"], UP)
        signed = auth_data + hashlib.sha256(client_data).digest()
        signature = self.private.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = {
            "clientDataJSON": b64u(client_data),
            "authenticatorData": b64u(auth_data),
            "signature": b64u(signature),
            "userHandle": None,
        }
        return self._credential(response)

    def _auth_data(self, rp_id: str, flags: int) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.counter)

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def _credential(self, response: dict[str, Any]) -> str:
        return json.dumps(
            {
                "id": self.id,
                "rawId": self.id,
                "type": "public-key",
                "response": response,
                "clientExtensionResults": {},
                "authenticatorAttachment": "cross-platform",
            }
        )
