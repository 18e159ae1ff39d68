import { readFileSync } from "node:fs";
import { join } from "node:path";
import { getDMMF } from "@prisma/internals";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "../lib/db/migrate";
import { createTestDatabase } from "./database";

// Proves that prisma/schema.prisma and the database produced by the hand-written migrations agree:
// the same tables, the same columns, the same types (native types included) and the same nullability.

interface DbColumn {
  table: string;
  column: string;
  dataType: string;
  udtName: string;
  isNullable: boolean;
  precision: number | null;
  scale: number | null;
  datetimePrecision: number | null;
  charLength: number | null;
}

interface Expected {
  udtName: string;
  precision?: number;
  scale?: number;
  datetimePrecision?: number;
  charLength?: number;
}

type NativeType = readonly [string, readonly string[]] | null | undefined;

/** The PostgreSQL type Prisma maps a field to (its udt_name as information_schema reports it). */
function expectedType(type: string, kind: string, nativeType: NativeType): Expected {
  if (kind === "enum") return { udtName: type };
  const [native, args] = nativeType ?? [undefined, []];
  const num = (i: number) => Number(args[i]);
  switch (type) {
    case "String":
      if (native === "Uuid") return { udtName: "uuid" };
      if (native === "Inet") return { udtName: "inet" };
      if (native === "Char") return { udtName: "bpchar", charLength: num(0) };
      if (native === "VarChar") return args.length ? { udtName: "varchar", charLength: num(0) } : { udtName: "varchar" };
      if (native === undefined || native === "Text") return { udtName: "text" };
      break;
    case "Int":
      if (native === "SmallInt") return { udtName: "int2" };
      if (native === undefined || native === "Integer") return { udtName: "int4" };
      break;
    case "BigInt":
      return { udtName: "int8" };
    case "Boolean":
      return { udtName: "bool" };
    case "DateTime":
      if (native === "Timestamptz") return { udtName: "timestamptz", datetimePrecision: args.length ? num(0) : 6 };
      if (native === undefined) return { udtName: "timestamp", datetimePrecision: 3 };
      break;
    case "Decimal":
      return native === "Decimal" ? { udtName: "numeric", precision: num(0), scale: num(1) } : { udtName: "numeric", precision: 65, scale: 30 };
    case "Json":
      return { udtName: native === "Json" ? "json" : "jsonb" };
    case "Bytes":
      return { udtName: "bytea" };
  }
  throw new Error(`schema-agreement: no mapping for ${type} @db.${String(native)} — extend expectedType()`);
}

let db: Awaited<ReturnType<typeof createTestDatabase>>;
let columns: DbColumn[];
let enums: Map<string, string[]>;
let datamodel: Awaited<ReturnType<typeof getDMMF>>["datamodel"];

beforeAll(async () => {
  db = await createTestDatabase("rampart_schema");
  await migrateDatabase(db.url, join(process.cwd(), "prisma", "migrations"));
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const result = await client.query(`
      SELECT table_name, column_name, data_type, udt_name, is_nullable, numeric_precision, numeric_scale,
             datetime_precision, character_maximum_length
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`);
    columns = result.rows.map((r) => ({
      table: r.table_name, column: r.column_name, dataType: r.data_type, udtName: r.udt_name, isNullable: r.is_nullable === "YES",
      precision: r.numeric_precision, scale: r.numeric_scale, datetimePrecision: r.datetime_precision, charLength: r.character_maximum_length,
    }));
    const enumRows = await client.query(
      `SELECT t.typname, e.enumlabel FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`,
    );
    enums = new Map();
    for (const row of enumRows.rows) enums.set(row.typname, [...(enums.get(row.typname) ?? []), row.enumlabel]);
  } finally {
    await client.end();
  }
  datamodel = (await getDMMF({ datamodel: readFileSync(join(process.cwd(), "prisma", "schema.prisma"), "utf8") })).datamodel;
});

afterAll(async () => {
  await db?.drop();
});

describe("schema.prisma and the migrated database", () => {
  it("have the same tables", () => {
    const fromSchema = datamodel.models.map((m) => m.dbName ?? m.name).sort();
    const fromDb = [...new Set(columns.map((c) => c.table))].sort();
    expect(fromDb).toEqual(fromSchema);
  });

  it("have the same columns in every table", () => {
    for (const model of datamodel.models) {
      const table = model.dbName ?? model.name;
      const expected = model.fields.filter((f) => f.kind !== "object").map((f) => f.dbName ?? f.name).sort();
      const actual = columns.filter((c) => c.table === table).map((c) => c.column).sort();
      expect(actual, `columns of ${table}`).toEqual(expected);
    }
  });

  it("agree on every column's type and nullability", () => {
    const problems: string[] = [];
    for (const model of datamodel.models) {
      const table = model.dbName ?? model.name;
      for (const field of model.fields.filter((f) => f.kind !== "object")) {
        const name = field.dbName ?? field.name;
        const column = columns.find((c) => c.table === table && c.column === name);
        if (!column) continue; // reported by the column test
        const expected = expectedType(field.type, field.kind, field.nativeType as NativeType);
        const where = `${table}.${name}`;
        if (field.isList) {
          if (column.dataType !== "ARRAY" || column.udtName !== `_${expected.udtName}`) problems.push(`${where}: expected ${expected.udtName}[] got ${column.udtName}`);
          // Prisma itself creates scalar-list columns without NOT NULL, so either is accepted for lists.
          continue;
        }
        if (column.udtName !== expected.udtName) problems.push(`${where}: expected ${expected.udtName}, got ${column.udtName}`);
        if (column.isNullable === field.isRequired) problems.push(`${where}: expected ${field.isRequired ? "NOT NULL" : "nullable"}`);
        if (expected.precision !== undefined && (column.precision !== expected.precision || column.scale !== expected.scale)) {
          problems.push(`${where}: expected numeric(${expected.precision},${expected.scale}), got numeric(${column.precision},${column.scale})`);
        }
        if (expected.datetimePrecision !== undefined && column.datetimePrecision !== expected.datetimePrecision) {
          problems.push(`${where}: expected precision ${expected.datetimePrecision}, got ${column.datetimePrecision}`);
        }
        if (expected.charLength !== undefined && column.charLength !== expected.charLength) {
          problems.push(`${where}: expected length ${expected.charLength}, got ${column.charLength}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("have the same enums with the same values in the same order", () => {
    const fromSchema = Object.fromEntries(datamodel.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)]));
    expect(Object.fromEntries(enums)).toEqual(fromSchema);
  });
});
