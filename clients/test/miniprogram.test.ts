// The mini-program example against the real demo server (GONGZHI_TRUSTED_DOCUMENTS=require):
// wx.request with documentIds, graphql-ws over the mini-program socket API (shimmed by Node's
// WebSocket), a notice subscription resumed from its last cursor.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MyNoticesDocument,
  NoticeReceivedDocument,
  type NoticeReceivedSubscription,
} from "../generated/graphql.ts";
import { GraphQLRequestError, MiniProgramClient } from "../miniprogram/client.ts";
import { nodeWx } from "../miniprogram/node-wx.ts";
import { sendNotice, staffToken } from "./staff.ts";
import { demoServerUrl } from "./server.ts";

const RESIDENT = "wulidun.resident";

type Received = NoticeReceivedSubscription["noticeReceived"];

/** A subscription's events as they arrive, and a wait for one of them. */
function collector() {
  const seen: Received[] = [];
  return {
    seen,
    push: (event: Received) => seen.push(event),
    async waitFor(wanted: (event: Received) => boolean, ms = 10_000): Promise<Received | undefined> {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        const found = seen.find(wanted);
        if (found) return found;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return undefined;
    },
  };
}

test("a refused login is read as its typed error", async () => {
  const client = new MiniProgramClient({ wx: nodeWx(), url: await demoServerUrl() });
  const refused = await client.login(RESIDENT, "not-the-password");
  assert.equal(refused.__typename, "InputError");
  assert.ok(refused.__typename === "InputError");
  assert.equal(refused.code, "INVALID_CREDENTIALS");
  assert.equal(typeof refused.message, "string");
  assert.equal(client.accessToken, undefined);
});

test("the resident signs in, reads the inbox, and follows notices with resume", async () => {
  const url = await demoServerUrl();
  const client = new MiniProgramClient({ wx: nodeWx(), url });
  const login = await client.login(RESIDENT, "demo1234");
  assert.equal(login.__typename, "LoginSuccess");

  const inbox = await client.execute(MyNoticesDocument, { first: 5 });
  assert.equal(typeof inbox.myNotices.totalCount, "number");

  const staff = await staffToken(url);
  const events = collector();
  const stop = client.subscribe(NoticeReceivedDocument, {}, {
    next: (data) => events.push(data.noticeReceived),
  });
  try {
    // Notices are sent until the subscription is live (the socket connects lazily).
    let first: Received | undefined;
    for (let attempt = 0; !first && attempt < 20; attempt++) {
      await sendNotice(url, staff, `停水通知 ${attempt}`);
      first = await events.waitFor(() => true, 500);
    }
    assert.ok(first, "the subscription received a notice");
    assert.match(first.notice.title, /^停水通知/);
  } finally {
    stop();
    await client.disconnect();
  }
  const cursor = events.seen.at(-1)!.cursor;

  // While the mini-program is in the background, another notice is sent…
  await sendNotice(url, staff, "电梯检修");
  // …and subscribing again from the last cursor seen delivers it.
  const resumed = collector();
  const stopResumed = client.subscribe(
    NoticeReceivedDocument,
    { after: cursor },
    { next: (data) => resumed.push(data.noticeReceived) },
  );
  try {
    const missed = await resumed.waitFor((event) => event.notice.title === "电梯检修");
    assert.ok(missed, "the notice sent while disconnected arrives after resuming");
    assert.deepEqual(
      resumed.seen.filter((e) => events.seen.some((s) => s.cursor === e.cursor)),
      [],
      "nothing seen before is delivered again",
    );
  } finally {
    stopResumed();
    await client.disconnect();
  }
});

test("a mini-program may not send a document outside the manifest", async () => {
  const url = await demoServerUrl();
  const client = new MiniProgramClient({ wx: nodeWx(), url });
  await client.login(RESIDENT, "demo1234");
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${client.accessToken}`,
      "x-client-kind": "mini-program",
    },
    body: JSON.stringify({ query: "{ me { username } }" }),
  });
  assert.equal(response.status, 400);
  const body = await response.json();
  assert.equal(body.errors[0].extensions.code, "PERSISTED_QUERY_REQUIRED");
  assert.equal("data" in body, false);
  // an unknown documentId is refused the same way, with its own code
  await assert.rejects(
    async () => client.execute({ ...MyNoticesDocument, definitions: [] } as never),
    /not a trusted document/,
  );
  const unknown = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-client-kind": "mini-program" },
    body: JSON.stringify({ documentId: `sha256:${"0".repeat(64)}` }),
  });
  assert.equal(unknown.status, 400);
  assert.equal((await unknown.json()).errors[0].extensions.code, "PERSISTED_QUERY_NOT_FOUND");
  assert.ok(GraphQLRequestError);
});
