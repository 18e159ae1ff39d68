import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./errors";

// The shapes are those Prisma 7 with @prisma/adapter-pg throws (PrismaClientKnownRequestError: `code`, and the
// driver adapter's PostgreSQL error under meta.driverAdapterError.cause), recorded from a real client.
describe("isDatabaseUnavailable", () => {
  it("recognises a socket that is gone or refused, a pool timeout and a server shutting down", () => {
    expect(isDatabaseUnavailable({ code: "ENOENT", meta: { modelName: "User" } })).toBe(true);
    expect(isDatabaseUnavailable({ code: "ECONNREFUSED" })).toBe(true);
    expect(isDatabaseUnavailable({ code: "P2024" })).toBe(true);
    const terminated = { code: "P2010", meta: { driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: "57P01", kind: "postgres" } } } };
    expect(isDatabaseUnavailable(terminated)).toBe(true);
    expect(isDatabaseUnavailable({ code: "P2010", meta: { driverAdapterError: { cause: { code: "08006" } } } })).toBe(true);
  });

  it("is false for errors of the request itself and for anything that is not a database error", () => {
    expect(isDatabaseUnavailable({ code: "P2002" })).toBe(false); // unique constraint
    expect(isDatabaseUnavailable({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "22021" } } } })).toBe(false); // bad byte sequence
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
    expect(isDatabaseUnavailable("ECONNREFUSED")).toBe(false);
  });
});
