// Computes, with DuckDB, the per-SLO valid/good counts that `slokit report` computes for
// bench/report_spec.yaml over the same JSON-lines file, and prints them as JSON.
// Usage: node slo_counts.mjs <events.jsonl> [threads]
import { DuckDBInstance } from '@duckdb/node-api';

const [file, threads] = process.argv.slice(2);
if (!file) {
  console.error('usage: node slo_counts.mjs <events.jsonl> [threads]');
  process.exit(2);
}
const db = await DuckDBInstance.create(':memory:', threads ? { threads: String(threads) } : {});
const con = await db.connect();

// Explicit columns: the peer does not pay for schema inference, and types match slokit's reading.
const source = `read_json('${file.replace(/'/g, "''")}', format = 'newline_delimited', columns = {
  ts: 'VARCHAR', model: 'VARCHAR', region: 'VARCHAR', language: 'VARCHAR', status: 'INTEGER',
  completion_tokens: 'DOUBLE', ttft_ms: 'DOUBLE', itl_ms: 'DOUBLE', e2e_ms: 'DOUBLE',
  quality_score: 'DOUBLE', hallucination: 'BOOLEAN', maintenance: 'BOOLEAN'})`;

// slokit's filter semantics map to SQL's: a comparison with a missing field is NULL, which
// filters like false; "not maintenance" is true when the field is missing.
const sql = `
WITH e AS (
  SELECT *, epoch(ts::TIMESTAMPTZ) AS t, NOT coalesce(maintenance, false) AS not_maint
  FROM ${source}
),
-- slokit evaluates at the minute after the last event and counts only completed slices.
complete AS (
  SELECT floor(t / 300)::BIGINT AS slice5m, * FROM e
  WHERE floor(t / 300) * 300 + 300 <= (SELECT floor(max(t) / 60) * 60 + 60 FROM e)
),
p95 AS (
  SELECT count(*) AS n, count(*) FILTER (WHERE ttft_ms <= 1500) AS fast
  FROM complete WHERE status = 200 AND ttft_ms IS NOT NULL GROUP BY slice5m
),
tput AS (
  SELECT count(*) AS n, sum(coalesce(completion_tokens, 0)) AS tokens
  FROM complete WHERE status = 200 GROUP BY slice5m
),
occ AS (
  SELECT
    count(*) FILTER (WHERE not_maint AND status NOT IN (499, 401, 403)) AS availability_valid,
    count(*) FILTER (WHERE not_maint AND status NOT IN (499, 401, 403) AND status < 500) AS availability_good,
    count(*) FILTER (WHERE not_maint AND status = 200 AND ttft_ms IS NOT NULL) AS ttft_valid,
    count(*) FILTER (WHERE not_maint AND status = 200 AND ttft_ms <= 2500) AS ttft_good,
    count(*) FILTER (WHERE status = 200 AND completion_tokens > 1 AND itl_ms IS NOT NULL) AS itl_valid,
    count(*) FILTER (WHERE status = 200 AND completion_tokens > 1 AND itl_ms <= 100) AS itl_good,
    count(*) FILTER (WHERE quality_score IS NOT NULL) AS quality_valid,
    count(*) FILTER (WHERE quality_score >= 0.7) AS quality_good,
    count(*) FILTER (WHERE hallucination IS NOT NULL) AS hallucination_valid,
    count(*) FILTER (WHERE hallucination = false) AS hallucination_good,
    count(*) FILTER (WHERE not_maint AND status NOT IN (499, 401, 403, 429)) AS composite_valid,
    count(*) FILTER (WHERE not_maint AND status NOT IN (499, 401, 403, 429) AND status < 500
                     AND e2e_ms <= 30000 AND (quality_score IS NULL OR quality_score >= 0.5)) AS composite_good
  FROM e
)
SELECT occ.*,
  (SELECT count(*) FROM p95 WHERE n >= 10) AS p95_valid,
  (SELECT count(*) FROM p95 WHERE n >= 10 AND fast >= ceil(0.95 * n - 1e-9)) AS p95_good,
  (SELECT count(*) FROM tput WHERE n >= 5) AS throughput_valid,
  (SELECT count(*) FROM tput WHERE n >= 5 AND tokens / 300.0 >= 5) AS throughput_good
FROM occ`;

const reader = await con.runAndReadAll(sql);
const row = reader.getRowObjects()[0];
const out = {};
for (const [k, v] of Object.entries(row)) out[k] = Number(v);
console.log(JSON.stringify(out));
