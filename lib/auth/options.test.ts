import { beforeEach, describe, expect, it, vi } from "vitest";

// When the sign-in check itself fails (the database did not answer), next-auth would put the error's
// message into the URL it sends the browser to: the form gets a fixed code instead, and the server logs it.

const signInWithPassword = vi.fn();
vi.mock("./sign-in", () => ({ SESSION_MAX_AGE_SECONDS: 3600, THROTTLED_PREFIX: "THROTTLED:", signInWithPassword }));
vi.mock("@/lib/db/client", () => ({ getDb: () => ({}) }));

const { authOptions, SIGN_IN_UNAVAILABLE } = await import("./options");
type Authorize = (credentials: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
const authorize = (authOptions.providers[0] as unknown as { options: { authorize: Authorize } }).options.authorize;

describe("sign-in when the check fails", () => {
  beforeEach(() => {
    signInWithPassword.mockReset();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
  });

  it("answers a fixed code, never the database's message", async () => {
    signInWithPassword.mockRejectedValue(new Error('Invalid `prisma.user.findUnique()` invocation: portal "" does not exist'));
    await expect(authorize({ email: "a@b.cd", password: "x" }, { headers: {} })).rejects.toThrow(new RegExp(`^${SIGN_IN_UNAVAILABLE}$`));
    expect(console.error).toHaveBeenCalled();
  });

  it("passes the throttle's answer through, and a valid or wrong password's result as it is", async () => {
    signInWithPassword.mockRejectedValueOnce(new Error("THROTTLED:120"));
    await expect(authorize({ email: "a@b.cd", password: "x" }, { headers: {} })).rejects.toThrow("THROTTLED:120");
    signInWithPassword.mockResolvedValueOnce(null);
    await expect(authorize({ email: "a@b.cd", password: "x" }, { headers: {} })).resolves.toBeNull();
    signInWithPassword.mockResolvedValueOnce({ id: "s1", email: "a@b.cd", name: "A" });
    await expect(authorize({ email: "a@b.cd", password: "x" }, { headers: {} })).resolves.toEqual({ id: "s1", email: "a@b.cd", name: "A" });
  });
});
