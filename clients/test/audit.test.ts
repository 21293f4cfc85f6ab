// GraphQL-over-HTTP conformance of /graphql: the graphql-http package's server audit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { audit } from "../scripts/audit-graphql-http.mjs";
import { demoServerUrl } from "./server.ts";

test("graphql-http auditServer: no errors and no warnings", async () => {
  const { passed, errors, warnings } = await audit(await demoServerUrl());
  assert.deepEqual(errors, []);
  assert.deepEqual(warnings, []);
  assert.ok(passed.length > 40);
});
