"""The type of a capability (resource, action) and the names of casbin's domains and subjects.

Each domain declares its capabilities in ``policies/capabilities/<domain>.py``; fields declare one
with ``Can(...)``; ``policy.csv`` grants them to roles. The vocabulary of a running platform is
the capabilities of its domains (``Vocabulary``), handed to the enforcer when the app is built.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Capability:
    """May do ``action`` on ``resource``. Two capabilities are equal by (resource, action);
    ``description`` says what it allows (shown in the schema and in ``myPermissions``), and
    ``platform`` ones are granted in the platform domain, not in a street."""

    resource: str
    action: str
    description: str = field(default="", compare=False, hash=False, repr=False)
    platform: bool = field(default=False, compare=False, hash=False, repr=False)

    def __str__(self) -> str:
        return f"{self.resource}:{self.action}"


class Vocabulary:
    """Every capability of the platform's domains, by (resource, action); a capability declared
    twice is refused."""

    def __init__(self, capabilities: Iterable[Capability]) -> None:
        self._by_key: dict[Capability, Capability] = {}
        for capability in capabilities:
            if capability in self._by_key:
                raise ValueError(f"capability {capability} is declared twice")
            self._by_key[capability] = capability

    def __contains__(self, capability: object) -> bool:
        return capability in self._by_key

    def __iter__(self) -> Iterator[Capability]:
        return iter(sorted(self._by_key))

    def __len__(self) -> int:
        return len(self._by_key)

    def describe(self, capability: Capability) -> str:
        return self._by_key[capability].description


PLATFORM_DOMAIN = "platform"


def street_domain(street_id: int) -> str:
    return f"street:{street_id}"


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def street_of_domain(domain: str) -> int | None:
    """The street id of a ``street:N`` domain; None for the platform domain."""
    prefix, _, rest = domain.partition(":")
    return int(rest) if prefix == "street" and rest.isdigit() else None


def user_of_subject(subject: str) -> int | None:
    prefix, _, rest = subject.partition(":")
    return int(rest) if prefix == "user" and rest.isdigit() else None
