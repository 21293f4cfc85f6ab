"""A voter's receipt proves inclusion: `checkVoteReceipt` returns the ballot's entry in the
street's audit log, its audit path and the signed checkpoint the published result was counted
from (the bulletin board's), and `gongzhi audit check-receipt RECEIPT.json` checks it offline.
A receipt that does not verify is reported, never passed."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from core import notes
from resolvers.audit.sequencer import audit_keys
from resolvers.services import Services
from tests.audit.support import run_cli, sequence_now
from tests.support import Api
from tests.votes.support import CLOSE, PUBLISH, cast, marks, new_key, open_vote, step, vote_street
from tests.votes.test_secrecy import cast_secretly

PROVEN = """
query($id: ID!, $receipt: String!) {
  checkVoteReceipt(id: $id, receipt: $receipt) {
    receiptHash
    inclusion {
      __typename
      ... on AuditInclusionProof { leafIndex treeSize hashes entry { action }
                                   checkpoint { size note } }
      ... on AuditProofPending { sequenced }
    }
    receiptDocument
  }
}
"""
BOARD_CHECKPOINT = "query($id: ID!) { voteBulletinBoard(id: $id) { checkpoint { size note } } }"


def keep(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


async def check_receipt(services: Services, path: Path, *keys: str) -> tuple[int, str]:
    args = ["audit", "check-receipt", str(path)]
    for key in keys:
        args += ["--key", key]
    return await run_cli(services, *args)


async def test_a_secret_ballots_receipt_proves_it_is_in_the_counted_log(
    api: Api, services: Services, tmp_path: Path
) -> None:
    vs = await vote_street(api, services)
    vote, counted = await cast_secretly(api, vs)
    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])
    receipt = counted[0][1]["receipt"]
    pending = (await api.gql(PROVEN, {"id": vote["id"], "receipt": receipt}))["data"]
    if pending["checkVoteReceipt"]["inclusion"]["__typename"] == "AuditProofPending":
        assert pending["checkVoteReceipt"]["receiptDocument"] is None
    await sequence_now(services)

    board = (await api.gql(BOARD_CHECKPOINT, {"id": vote["id"]}))["data"]["voteBulletinBoard"]
    found = (await api.gql(PROVEN, {"id": vote["id"], "receipt": receipt}))["data"]
    mine = found["checkVoteReceipt"]
    assert mine["inclusion"]["__typename"] == "AuditInclusionProof"
    assert mine["inclusion"]["entry"]["action"] == "vote.ballot_unsealed"
    assert mine["inclusion"]["checkpoint"] == board["checkpoint"]  # the board's checkpoint
    checkpoint, _ = notes.open_checkpoint(
        board["checkpoint"]["note"], audit_keys(services).verifiers
    )
    assert checkpoint.size == board["checkpoint"]["size"]
    document = mine["receiptDocument"]
    assert document["receipt"] == receipt and document["secret"] is True

    code, out = await check_receipt(services, keep(tmp_path / "RECEIPT.json", document))
    assert code == 0, out
    assert "receipt verified" in out

    # anything changed in it, and it is reported, not passed
    first_item = next(iter(document["ballot"]["choices"]))
    other_answer = "YES" if document["ballot"]["choices"][first_item] != "YES" else "NO"
    changes = {
        "choices": lambda d: d["ballot"]["choices"].__setitem__(first_item, other_answer),
        "receipt": lambda d: d.__setitem__("receipt", "AAAA-BBBB-CCCC-DDDD"),
        "proof": lambda d: d["proof"].reverse() if len(d["proof"]) > 1 else d["proof"].clear(),
        "index": lambda d: d.__setitem__("leafIndex", d["leafIndex"] + 1),
        "time": lambda d: d["entry"].__setitem__("time", "2020-01-01T00:00:00.000000+00:00"),
        "checkpoint": lambda d: d.__setitem__(
            "checkpoint", d["checkpoint"].replace("\n\n", "\nextra\n\n")
        ),
    }
    for what, change in changes.items():
        forged = copy.deepcopy(document)
        change(forged)
        code, out = await check_receipt(services, keep(tmp_path / f"{what}.json", forged))
        assert code == 1 and "RECEIPT DOES NOT VERIFY" in out, (what, out)
    stranger = notes.generate_signer("someone-else")
    code, out = await check_receipt(services, tmp_path / "RECEIPT.json", stranger.verifier.text)
    assert code == 1 and "no known key" in out
    (tmp_path / "broken.json").write_text("{not json")
    code, out = await check_receipt(services, tmp_path / "broken.json")
    assert code == 2


async def test_a_named_ballots_receipt_verifies_too(
    api: Api, services: Services, tmp_path: Path
) -> None:
    vs = await vote_street(api, services)
    vote = await open_vote(api, vs, secret=False)
    first, second = (item["id"] for item in vote["items"])
    result = await cast(api, vs.representatives[0], vote["id"], marks((first, "YES")), new_key())
    await cast(api, vs.representatives[1], vote["id"], marks((second, "NO")), new_key())
    await step(api, vs, CLOSE, vote["id"])
    await step(api, vs, PUBLISH, vote["id"])
    await sequence_now(services)
    found = await api.gql(PROVEN, {"id": vote["id"], "receipt": result["receipt"]})
    mine = found["data"]["checkVoteReceipt"]
    assert mine["inclusion"]["entry"]["action"] == "vote.ballot_cast"
    code, out = await check_receipt(services, keep(tmp_path / "r.json", mine["receiptDocument"]))
    assert code == 0, out
