import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/lib/db/client";
import { signInSchema } from "@/lib/validation/auth";
import { getClientIp } from "./client-ip";
import { toSafeRedirectPath } from "./safe-redirect";
import { verifyPassword } from "./password";
import { checkSignInThrottle, recordSignInAttempt } from "./throttle";
import { reportFailedSignIn } from "./web-auth-log";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Error text the login form turns into "try again in N minutes". */
export const THROTTLED_PREFIX = "THROTTLED:";

declare module "next-auth" {
  interface Session {
    sid?: string;
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    sid?: string;
  }
}

function headerReader(raw: Record<string, unknown> | undefined): { get(name: string): string | null } {
  return {
    get(name) {
      const value = raw?.[name.toLowerCase()];
      return typeof value === "string" ? value : null;
    },
  };
}

// Same answer (null → "CredentialsSignin") and the same argon2 work for an unknown account, a disabled
// account and a wrong password. The JWT only carries the id of an auth_sessions row: see lib/auth/session.ts.
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        const parsed = signInSchema.safeParse(credentials ?? {});
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const headers = headerReader(req.headers);
        const ip = getClientIp(headers);

        const throttle = await checkSignInThrottle(email, ip);
        if (throttle.isBlocked) throw new Error(`${THROTTLED_PREFIX}${throttle.retryAfterSeconds}`);

        const user = await getDb().user.findUnique({ where: { email } });
        const isValid = await verifyPassword(user?.passwordHash, password);
        const isAllowed = isValid && user !== null && !user.disabled;
        await recordSignInAttempt(email, ip, isAllowed);
        if (!isAllowed || !user) {
          await reportFailedSignIn(ip, email);
          return null;
        }

        const now = new Date();
        const [session] = await getDb().$transaction([
          getDb().authSession.create({
            data: {
              userId: user.id,
              ip,
              userAgent: (headers.get("user-agent") ?? "").slice(0, 300),
              expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000),
            },
          }),
          getDb().user.update({ where: { id: user.id }, data: { lastSignInAt: now } }),
        ]);
        return { id: session.id, email: user.email, name: user.name };
      },
    }),
  ],
  callbacks: {
    // next-auth's own sign-in and sign-out redirects go through the same check as the sign-in page's.
    redirect({ url, baseUrl }) {
      return new URL(toSafeRedirectPath(url, baseUrl, { isAbsoluteAllowed: true }), baseUrl).href;
    },
    jwt({ token, user }) {
      if (user) token.sid = user.id;
      return token;
    },
    session({ session, token }) {
      session.sid = token.sid;
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (token?.sid) {
        await getDb().authSession.updateMany({ where: { id: token.sid, revokedAt: null }, data: { revokedAt: new Date() } });
      }
    },
  },
};
