// GraphQL-over-HTTP conformance: the `graphql-http` package's server audit against /graphql.
// Usage: node scripts/audit-graphql-http.mjs [URL]   (default http://127.0.0.1:8000/graphql)
// Prints one line per audit that did not pass; exits 1 on any error (a MUST), 0 otherwise.
import { auditServer } from "graphql-http";

/** Run every audit; resolve to {errors, warnings, notices, passed} lists of "id name: reason". */
export async function audit(url) {
  const results = await auditServer({ url, fetchFn: fetch });
  const by = { ok: [], error: [], warn: [], notice: [] };
  for (const result of results) {
    const line = `${result.id} ${result.name}${result.status === "ok" ? "" : `: ${result.reason}`}`;
    by[result.status].push(line);
  }
  return { passed: by.ok, errors: by.error, warnings: by.warn, notices: by.notice };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? "http://127.0.0.1:8000/graphql";
  const { passed, errors, warnings, notices } = await audit(url);
  for (const line of errors) console.log(`error   ${line}`);
  for (const line of warnings) console.log(`warning ${line}`);
  for (const line of notices) console.log(`notice  ${line}`);
  console.log(
    `graphql-http audit of ${url}: ${passed.length} passed, ${errors.length} errors, ` +
      `${warnings.length} warnings, ${notices.length} notices`,
  );
  process.exit(errors.length ? 1 : 0);
}
