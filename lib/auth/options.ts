import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "@/lib/db/client";
import { toSafeRedirectPath } from "./safe-redirect";
import { SESSION_MAX_AGE_SECONDS, signInWithPassword, THROTTLED_PREFIX } from "./sign-in";

/** What the sign-in form is told when the check itself failed (the database did not answer, say). */
export const SIGN_IN_UNAVAILABLE = "UNAVAILABLE";

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

// The JWT only carries the id of an auth_sessions row: see lib/auth/session.ts and lib/auth/sign-in.ts.
export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        try {
          return await signInWithPassword(credentials, headerReader(req.headers));
        } catch (error) {
          if (error instanceof Error && error.message.startsWith(THROTTLED_PREFIX)) throw error;
          // next-auth hands an error's message to the browser (in the error URL): a database message must
          // not reach it. Logged here, shown as "not available right now" by the form.
          console.error("rampart: sign-in check failed", error);
          throw new Error(SIGN_IN_UNAVAILABLE);
        }
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
