// The real server for the client tests: `gongzhi serve --demo` on a free loopback port, its
// SQLite database in a temporary directory, stopped when the tests end. When GONGZHI_URL is set
// (scripts/with-demo-server.mjs starts one for the whole `npm test`), that server is used.
import { after } from "node:test";
import { startDemoServer } from "../scripts/demo-server.mjs";

let url: Promise<string> | undefined;

export function demoServerUrl(): Promise<string> {
  if (process.env.GONGZHI_URL) return Promise.resolve(process.env.GONGZHI_URL);
  url ??= startDemoServer().then((server) => {
    after(() => server.stop());
    return server.url;
  });
  return url;
}
