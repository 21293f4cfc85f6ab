"""Capabilities of the people domain: Residents, staff, tags, messages, representatives and deliberators, visits (居民与网格).

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``.
"""

from __future__ import annotations

from policies.vocabulary import Capability

STAFF_ASSIGN = Capability(
    "staff", "assign", "assign staff to grids (网格长、网格员) and communities (社区两委)"
)
TAG_READ = Capability("tag", "read", "list the street's resident tags (居民标签)")
TAG_MANAGE = Capability("tag", "manage", "create, rename and delete the street's resident tags")
RESIDENT_READ = Capability(
    "resident",
    "read",
    "list residents (居民) and their tags, row rule: grid staff see their own grids only",
)
RESIDENT_PII = Capability(
    "resident", "pii", "see residents' phone, masked ID number and address unmasked (个人信息)"
)
RESIDENT_MANAGE = Capability(
    "resident", "manage", "register and edit residents, link a resident to an account"
)
RESIDENT_TAG = Capability("resident", "tag", "tag and untag residents")
RESIDENT_IMPORT = Capability(
    "resident", "import", "bulk-import residents from a CSV file (批量导入)"
)
MESSAGE_STAFF = Capability(
    "message", "staff", "one-to-one message threads with residents of one's grids (网格长直通车)"
)
MESSAGE_RESIDENT = Capability(
    "message", "resident", "a resident's own message threads with grid staff"
)
PEOPLE_HANDOVER = Capability(
    "people",
    "handover",
    "hand a leaving grid chief's grids, residents and threads to a successor (账号继承)",
)
DELEGATE_READ = Capability(
    "delegate",
    "read",
    "list representatives and deliberators (人大代表、议事员) and their QR codes",
)
DELEGATE_FIND = Capability(
    "delegate",
    "find",
    "a resident finds the representatives of their grid or community (扫码找代表)",
)
DELEGATE_MANAGE = Capability(
    "delegate",
    "manage",
    "create representative and deliberator profiles, groups, issue and revoke QR codes",
)
VISIT_RECORD = Capability("visit", "record", "record household visits (走访日志)")
VISIT_READ = Capability(
    "visit", "read", "monthly visit counts against the street's target, grid staff see their own"
)

CAPABILITIES = (
    STAFF_ASSIGN,
    TAG_READ,
    TAG_MANAGE,
    RESIDENT_READ,
    RESIDENT_PII,
    RESIDENT_MANAGE,
    RESIDENT_TAG,
    RESIDENT_IMPORT,
    MESSAGE_STAFF,
    MESSAGE_RESIDENT,
    PEOPLE_HANDOVER,
    DELEGATE_READ,
    DELEGATE_FIND,
    DELEGATE_MANAGE,
    VISIT_RECORD,
    VISIT_READ,
)
