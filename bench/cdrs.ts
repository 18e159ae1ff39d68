// `npm run bench -- cdrs` — CDR ingestion: 200,000 Asterisk cdr_csv lines read the way the collector reads them
// (polls of 5,000 lines, the agent's per-poll limit), each figure beside its floor in the same run:
//  - parsing (lib/observe/cdrs.ts: strict RFC 4180 fields, 18 columns, UTC times, bounded printable text, a
//    sha256 per line) beside splitting the same bytes on "\n" and "," with no checks at all;
//  - storing (recordCallRecords: one INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING per poll through
//    Prisma; createMany was measured at ~1,900 rows/s here) beside the same statement sent by node-postgres
//    itself, into the same table with the same indexes;
//  - a poll read again (every record already stored), as after a lost acknowledgement.
// Uses its own database on the local PostgreSQL and drops it afterwards.
import { join } from "node:path";

import pg from "pg";

import { disconnectDb, getDb } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { recordCallRecords } from "@/lib/db/queries/call-records";
import { setEmbeddedDatabaseUrl } from "@/lib/env";
import { parseCdrs, type CallDetailRecord } from "@/lib/observe/cdrs";

import { createTestDatabase } from "../test/database";

const LINES = 200_000;
const POLL_LINES = 5_000;

function cdrLine(i: number): string {
  const start = new Date(Date.UTC(2026, 11, 1) + i * 7_000);
  const fmt = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ");
  const answered = i % 4 !== 0;
  const bill = answered ? (i * 37) % 900 : 0;
  const end = new Date(start.getTime() + (bill + 5) * 1000);
  const ext = 1000 + (i % 200);
  const number = `0044${String(2079460000 + (i % 99_991))}`;
  return [
    `"tenant${i % 20}"`, `"${ext}"`, `"0${number}"`, `"tenant-t${i % 20}"`, `"""${ext}"" <${ext}>"`, `"PJSIP/${ext}-${i.toString(16).padStart(8, "0")}"`,
    `"PJSIP/carrier-${(i + 1).toString(16).padStart(8, "0")}"`, `"Dial"`, `"PJSIP/${number}@carrier,60"`, `"${fmt(start)}"`, `"${answered ? fmt(new Date(start.getTime() + 5000)) : ""}"`,
    `"${fmt(end)}"`, String(bill + 5), String(bill), answered ? `"ANSWERED"` : `"NO ANSWER"`, `"DOCUMENTATION"`, `"node1-${1796000000 + i}.${i}"`, `""`,
  ].join(",");
}

const rate = (n: number, seconds: number) => `${Math.round(n / seconds).toLocaleString("en-US").padStart(10)} /s`;

export async function benchCdrs(): Promise<void> {
  const polls: string[] = [];
  for (let i = 0; i < LINES; i += POLL_LINES) {
    polls.push(Array.from({ length: Math.min(POLL_LINES, LINES - i) }, (_, k) => cdrLine(i + k)).join("\n"));
  }
  const bytes = polls.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
  console.log(`${LINES.toLocaleString("en-US")} CDR lines (${(bytes / 1048576).toFixed(1)} MiB) in polls of ${POLL_LINES.toLocaleString("en-US")}`);

  let started = process.hrtime.bigint();
  let fields = 0;
  for (const text of polls) for (const line of text.split("\n")) fields += line.split(",").length;
  const floorParse = Number(process.hrtime.bigint() - started) / 1e9;
  started = process.hrtime.bigint();
  const parsed: CallDetailRecord[][] = polls.map((text) => {
    const result = parseCdrs(text);
    if (result.rejected.length > 0) throw new Error(`the bench's own lines were refused: ${JSON.stringify(result.rejected[0])}`);
    return result.items;
  });
  const parseSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`parse      Rampart (strict, sha256 per line) ${rate(LINES, parseSeconds)}   floor: split on "\\n" and "," (${fields.toLocaleString("en-US")} fields, no checks) ${rate(LINES, floorParse)}`);

  const db = await createTestDatabase("rampart_bench_cdrs");
  try {
    await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
    await disconnectDb();
    setEmbeddedDatabaseUrl(db.url);
    const [ours, raw] = await Promise.all(["bench-cdrs-rampart", "bench-cdrs-raw"].map((name) => getDb().node.create({ data: { name, host: "198.18.0.10", sshUser: "root" } })));

    started = process.hrtime.bigint();
    let inserted = 0;
    for (const items of parsed) inserted += (await recordCallRecords(ours!.id, items, new Date())).inserted;
    const storeSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    started = process.hrtime.bigint();
    for (const items of parsed) {
      const column = <K extends keyof CallDetailRecord>(key: K) => items.map((r) => r[key]);
      await client.query(
        `INSERT INTO call_records (node_id, unique_id, record_digest, account_code, source, destination, context, caller_id, channel, dst_channel, last_app,
                                   started_at, answered_at, ended_at, duration_seconds, bill_seconds, disposition)
         SELECT $1::uuid, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                                        $12::timestamptz[], $13::timestamptz[], $14::timestamptz[], $15::int[], $16::int[], $17::"CallDisposition"[])
         ON CONFLICT DO NOTHING`,
        [raw!.id, column("uniqueId"), column("recordDigest"), column("accountCode"), column("source"), column("destination"), column("context"), column("callerId"),
          column("channel"), column("dstChannel"), column("lastApp"), column("startedAt"), column("answeredAt"), column("endedAt"), column("durationSeconds"),
          column("billSeconds"), items.map((r) => r.disposition.replace(" ", "_"))],
      );
    }
    const floorStore = Number(process.hrtime.bigint() - started) / 1e9;
    await client.end();
    console.log(`store      Rampart (Prisma, one unnest INSERT a poll) ${rate(inserted, storeSeconds)}   floor: the same INSERT sent by node-postgres ${rate(LINES, floorStore)}`);

    started = process.hrtime.bigint();
    let again = 0;
    for (const items of parsed.slice(0, 10)) again += (await recordCallRecords(ours!.id, items, new Date())).inserted;
    const rereadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const pollMs = ((parseSeconds + storeSeconds) / polls.length) * 1000;
    console.log(`re-read    10 polls already stored: ${again} inserted, ${rate(10 * POLL_LINES, rereadSeconds)}`);
    console.log(`per poll   ${POLL_LINES.toLocaleString("en-US")} lines parsed and stored in ${pollMs.toFixed(0)} ms (poll interval 15 s)`);
    if (inserted !== LINES) throw new Error(`stored ${inserted} of ${LINES}`);
  } finally {
    await disconnectDb();
    await db.drop();
  }
}
