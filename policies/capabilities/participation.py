"""Capabilities of the participation domain (居民参与): rewarded reports, the reporters'
ranking and micro-wishes.

Granted to roles in ``policies/policy.csv``; declared on fields with ``Can(...)``. A reporter
reads only their own rewards (``reward:read``); staff read the street's ledger.
"""

from __future__ import annotations

from policies.vocabulary import Capability

REWARD_CONFIGURE = Capability(
    "reward",
    "configure",
    "set the street's reward rules and yearly reward budget (有奖爆料规则、预算)",
)
REWARD_GRANT = Capability(
    "reward",
    "grant",
    "grant or decline the reward of a resolved and verified case, once per case (发放奖励)",
)
REWARD_LEDGER = Capability(
    "reward_ledger", "read", "see the street's ledger of rewards and its budget (奖励台账)"
)
REWARD_READ = Capability("reward", "read", "see one's own rewards (我的奖励)")
RANKING_READ = Capability(
    "reporter_ranking", "read", "see the ranking of the year's top reporters (年度爆料达人)"
)
RANKING_CONSENT = Capability(
    "reporter_ranking", "consent", "choose to show one's own name on the ranking (实名上榜)"
)
WISH_READ = Capability("wish", "read", "see the street's micro-wishes (微心愿)")
WISH_POST = Capability("wish", "post", "post one's own micro-wish (发布微心愿)")
WISH_POST_FOR = Capability(
    "wish",
    "post_for",
    "post a micro-wish on behalf of a resident, confirm it for them, or turn a case one handles into one (代发微心愿)",
)
WISH_CLAIM = Capability(
    "wish", "claim", "claim a micro-wish as a volunteer and mark it fulfilled (认领微心愿)"
)
WISH_CONFIRM = Capability(
    "wish",
    "confirm",
    "confirm one's own fulfilled micro-wish, or one of a grid one serves for its wisher (确认)",
)
WISH_COUNT = Capability(
    "wish_count", "read", "see how many micro-wishes are claimed and fulfilled, per community"
)

CIRCLE_READ = Capability("circle", "read", "see the street's interest circles (圈子)")
CIRCLE_JOIN = Capability(
    "circle",
    "join",
    "join and leave interest circles, post, reply and report posts in the circles one is in",
)
CIRCLE_MODERATE = Capability(
    "circle",
    "moderate",
    "create circles, read every post and the reported ones, hide posts, remove members (圈子管理)",
)

NEARBY_READ = Capability(
    "nearby", "read", "read one's feed of what concerns where one lives (身边)"
)

CAPABILITIES = (
    REWARD_CONFIGURE,
    REWARD_GRANT,
    REWARD_LEDGER,
    REWARD_READ,
    RANKING_READ,
    RANKING_CONSENT,
    WISH_READ,
    WISH_POST,
    WISH_POST_FOR,
    WISH_CLAIM,
    WISH_CONFIRM,
    WISH_COUNT,
    CIRCLE_READ,
    CIRCLE_JOIN,
    CIRCLE_MODERATE,
    NEARBY_READ,
)
