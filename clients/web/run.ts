// Run the web-screen example against a server (default: `gongzhi serve --demo` on :8000):
//   npm run web [-- http://127.0.0.1:8000/graphql]
// Signs in as the street admin, shows the street and its tags, shows a typed error as the
// Apollo cache returns it, then follows the street's live events as the big screen does.
import {
  CreateTagDocument,
  LoginDocument,
  StreetEventsDocument,
  StreetOverviewDocument,
} from "../generated/graphql.ts";
import { createWebClient } from "./client.ts";

const url = process.argv[2] ?? "http://127.0.0.1:8000/graphql";
const client = createWebClient({ url });
const { data } = await client.apollo.mutate({
  mutation: LoginDocument,
  variables: { username: "wulidun.street_admin", password: "demo1234" },
});
if (data?.login.__typename !== "LoginSuccess") {
  console.error("login refused:", data?.login);
  process.exit(1);
}
client.signIn(data.login.accessToken);
const { data: overview } = await client.apollo.query({ query: StreetOverviewDocument });
console.log(`${overview?.street.name} (${overview?.street.code}): ${overview?.tags.length} tags`);
const { data: refused } = await client.apollo.mutate({
  mutation: CreateTagDocument,
  variables: { name: "" },
});
const payload = refused?.createTag;
if (payload?.__typename === "InputError") {
  console.log(`typed error through the cache: ${payload.code} on ${payload.field}: ${payload.message}`);
}
console.log("live events (create a tag or a notice in GraphiQL; Ctrl-C to stop)…");
client.apollo.subscribe({ query: StreetEventsDocument, variables: {} }).subscribe({
  next: ({ data: event }) =>
    event && console.log(`${event.streetEvents.occurredAt} ${event.streetEvents.type} ${event.streetEvents.cursor}`),
});
process.on("SIGINT", () => client.stop().then(() => process.exit(0)));
