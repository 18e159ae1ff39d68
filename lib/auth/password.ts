import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

// argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).
// algorithm 2 is Argon2id (the package exports it as an ambient const enum, unusable with isolatedModules).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hash of a random secret, verified against when the account does not exist so unknown users cost the same time. */
let dummyHash: Promise<string> | undefined;
function getDummyHash(): Promise<string> {
  dummyHash ??= hash(randomBytes(32).toString("hex"), OPTIONS);
  return dummyHash;
}

/** argon2id PHC string of the password. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Constant-work check: always runs one argon2 verification, even without a stored hash. */
export async function verifyPassword(storedHash: string | null | undefined, password: string): Promise<boolean> {
  try {
    const ok = await verify(storedHash ?? (await getDummyHash()), password);
    return storedHash ? ok : false;
  } catch {
    return false;
  }
}
