// Run graphql-http's GraphQL-over-HTTP server audits against a live endpoint and print one JSON
// document: {"counts": {"ok": n, "warn": n, "notice": n, "error": n}, "results": [...]}.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
// Exits 0 when every audit ran (whatever their verdicts; the caller judges), 2 on bad usage.
import { serverAudits } from "graphql-http";

const url = process.argv[2];
if (!url) {
  console.error("usage: node audit.mjs <graphql endpoint url>");
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === "ok" ? null : result.reason,
  });
}
const counts = { ok: 0, warn: 0, notice: 0, error: 0 };
for (const result of results) counts[result.status] += 1;
process.stdout.write(JSON.stringify({ counts, results }, null, 2) + "\n");
