"""Chinese mobile numbers, resident ID-card numbers (居民身份证号码) and names: validation,
masking, and the keyed hash that lets a number be matched without being stored."""

from __future__ import annotations

import hashlib
import hmac
import re

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_ID_RE = re.compile(r"^\d{17}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


def normalize_phone(raw: str) -> str:
    """Digits only, without a +86 / 0086 prefix."""
    digits = re.sub(r"[\s-]", "", raw.strip())
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def is_cn_mobile(phone: str) -> bool:
    return bool(_MOBILE_RE.match(phone))


def normalize_id_number(raw: str) -> str:
    return raw.strip().replace(" ", "").upper()


def id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def is_valid_id_number(number: str) -> bool:
    """18 characters, a plausible birth date, and the ISO 7064 MOD 11-2 check character."""
    if not _ID_RE.match(number):
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not (1880 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31):
        return False
    return id_check_char(number[:17]) == number[17]


def mask_id_number(number: str) -> str:
    """420105********1234: region code and last four, birth date hidden."""
    return f"{number[:6]}{'*' * 8}{number[-4:]}"


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"


def mask_name(name: str) -> str:
    """张**: the first character (the surname) kept, every other one masked; a name of one
    character is masked whole, and an empty name stays empty."""
    name = name.strip()
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


class IdHasher:
    """HMAC-SHA256 of an ID number under a key derived from the server's secret key."""

    def __init__(self, secret_key: str) -> None:
        self._key = hmac.new(
            secret_key.encode(), b"gongzhi/resident-id-card/v1", hashlib.sha256
        ).digest()

    def hash(self, number: str) -> str:
        return hmac.new(self._key, number.encode(), hashlib.sha256).hexdigest()


def make_id_number(region: str, birth: str, sequence: int) -> str:
    """A well-formed ID number (demo data, tests, benchmarks): region 6 digits, birth
    YYYYMMDD, a 3-digit sequence, and the right check character."""
    first17 = f"{region}{birth}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)
