"""Which passwords organisers may choose (OWASP ASVS 4.0, 2.1).

At least 12 characters and at most 128, anything typeable (spaces and any alphabet), and
none of the 10,000 most common passwords, also with digits or symbols added at the end
("password2026!"). The list is the ranked one zxcvbn ships (its `passwords` frequency list,
from leaked password sets), so it is kept up by that project rather than by us.
"""

import re
from functools import cache

from flask_babel import lazy_gettext as _l

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS_CHECKED = 10_000
_SYMBOLS_AT_THE_END = re.compile(r"[\W_]+$")
_DIGITS_OR_SYMBOLS_AT_THE_END = re.compile(r"[\W\d_]+$")


@cache
def common_passwords() -> frozenset[str]:
    """The most common passwords, lower-case (loaded once, on first use)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_CHECKED])


def is_common(password: str) -> bool:
    """True for a common password, also with digits or symbols added at its end."""
    folded = password.lower()
    candidates = {folded, _SYMBOLS_AT_THE_END.sub("", folded),
                  _DIGITS_OR_SYMBOLS_AT_THE_END.sub("", folded)}
    return any(len(stem) >= 4 and stem in common_passwords() for stem in candidates)


def password_problem(password: str | None, *, email: str = "") -> str | None:
    """Why `password` may not be chosen, for people; None when it may."""
    password = password or ""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _l("Use a password of at least %(count)d characters.", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _l("Use a password of at most %(count)d characters.", count=MAX_PASSWORD_LENGTH)
    local_part = email.partition("@")[0].lower()
    if is_common(password) or (len(local_part) >= 4 and local_part in password.lower()):
        return _l("This password is too easy to guess: it is one of the most common ones or "
                  "holds your email. A few unrelated words make a good one.")
    return None
