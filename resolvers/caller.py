"""Who is asking: the one argument every domain's resolvers take (调用者).

A resolver receives a ``Caller`` rather than loose ``(services, user)`` pairs, so a rule about
who may do what reads the same in every domain: ``caller.can(resource, action)`` and
``caller.roles()``.
The schema builds it once per request from the signed-in viewer (``schema/caller.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from models.accounts import User
from models.tenancy import Street
from policies.vocabulary import Capability, street_domain
from resolvers.services import Services


@dataclass(frozen=True)
class Caller:
    services: Services
    user: User
    street: Street

    def can(self, resource: str, action: str) -> bool:
        return self.services.authorizer.can(
            self.user.id, street_domain(self.street.id), Capability(resource, action)
        )

    def roles(self) -> set[str]:
        return set(self.services.authorizer.roles(self.user.id, street_domain(self.street.id)))

    @property
    def sees_pii(self) -> bool:
        """Whether residents' personal data (身份证号, phone) is shown to this caller unmasked."""
        return self.can("resident", "pii")
