"""Encrypting small secrets the app must read back (signing keys, door links) at rest.

Each purpose gets its own key, derived with HKDF from the app's secret, so a database
copy alone reveals none of them.
"""

import base64

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def secret_box(secret: str, purpose: str) -> Fernet:
    """Return the Fernet cipher for `purpose`, keyed from `secret`."""
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))
