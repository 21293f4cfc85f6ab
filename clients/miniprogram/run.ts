// Run the mini-program example against a server (default: `gongzhi serve --demo` on :8000):
//   npm run miniprogram [-- http://127.0.0.1:8000/graphql]
// Signs in as the demo resident, lists the notice inbox, then prints notices as they are sent
// (send one as wulidun.street_admin with the sendNotice mutation), until Ctrl-C.
import { MyNoticesDocument, NoticeReceivedDocument } from "../generated/graphql.ts";
import { MiniProgramClient } from "./client.ts";
import { nodeWx } from "./node-wx.ts";

const url = process.argv[2] ?? "http://127.0.0.1:8000/graphql";
const client = new MiniProgramClient({ wx: nodeWx(), url });
const login = await client.login("wulidun.resident", "demo1234");
if (login.__typename !== "LoginSuccess") {
  console.error("login refused:", login.__typename === "InputError" ? login.message : login);
  process.exit(1);
}
const { myNotices } = await client.execute(MyNoticesDocument, { first: 5 });
console.log(`inbox: ${myNotices.totalCount} notices`);
for (const { node } of myNotices.edges) console.log(`  ${node.sentAt}  ${node.title}`);
let after: string | undefined;
console.log("waiting for notices (Ctrl-C to stop)…");
client.subscribe(NoticeReceivedDocument, { after }, {
  next: ({ noticeReceived }) => {
    after = noticeReceived.cursor; // keep it (wx.setStorageSync) to resume after a restart
    console.log(`notice: ${noticeReceived.notice.title} (cursor ${after})`);
  },
  error: (error) => console.error("subscription ended:", error),
});
process.on("SIGINT", () => client.disconnect().then(() => process.exit(0)));
