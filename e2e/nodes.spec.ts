import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
// ssh2 is CommonJS; under Node's ESM loader only its default export carries every member.
import ssh2 from "ssh2";
import { fingerprintOfKeyBlob } from "../lib/ssh/fingerprint";
import { generateClientKey } from "../lib/ssh/keys";
import { databaseUrl, getTestServerUrl } from "../test/database";
import { createUser, sql } from "./db";
import { E2E_BASE_URL, E2E_DATABASE } from "./env";
import { signInAndWait } from "./helpers";

// Nodes: adding one through the page against a real SSH server (ssh2's Server, in this process, with its own
// host key), and the host-key check on the API and CLI paths. Asserts what the page shows and what the
// database holds (the key only sealed, the fingerprint pinned, the audit record).

const { Server, utils } = ssh2;

interface SshServer {
  port: number;
  fingerprint: string;
  close(): Promise<void>;
}

/** An SSH server on 127.0.0.1 that presents a fresh ed25519 host key and lets nobody in. */
async function startSshServer(): Promise<SshServer> {
  const hostKey = generateClientKey("e2e-host");
  const parsed = utils.parseKey(hostKey.publicKey);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  const server = new Server({ hostKeys: [hostKey.privateKey] }, (client) => {
    client.on("authentication", (ctx) => ctx.reject());
    client.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fingerprint: fingerprintOfKeyBlob(key.getPublicSSH()),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const uniqueName = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;
const WRONG_FINGERPRINT = `SHA256:${"Q".repeat(43)}`;

async function nodeCount(name: string): Promise<number> {
  const [row] = await sql<{ count: string }>(`SELECT count(*) FROM nodes WHERE name = $1`, [name]);
  return Number(row!.count);
}

/** Same-origin API call with the page's session (a session without Origin is refused as cross-site). */
function postNode(page: Page, data: Record<string, unknown>) {
  return page.request.post("/api/v1/nodes", { headers: { Origin: E2E_BASE_URL }, data });
}

let ssh: SshServer;
test.beforeAll(async () => {
  ssh = await startSshServer();
});
test.afterAll(async () => {
  await ssh.close();
});

test.describe("nodes", () => {
  test("an administrator adds a node with a generated key after confirming its host key", async ({ page }) => {
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    await page.goto("/nodes");
    await page.getByRole("link", { name: "Add node" }).first().click();
    await expect(page.getByRole("heading", { level: 1, name: "Add node" })).toBeVisible();

    const name = uniqueName("pbx");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Tags").fill("e2e, lab");
    await page.getByLabel("Host", { exact: true }).fill("127.0.0.1");
    await page.getByLabel("Port").fill(String(ssh.port));
    await page.getByLabel("SSH user").fill("rampart");

    // Saving before the host key is confirmed is refused with a message, not silently.
    await page.getByRole("button", { name: "Save node" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Fetch the host key" })).toBeVisible();

    await page.getByLabel("Generate a new key").check();
    await page.getByRole("button", { name: "Generate key pair" }).click();
    const publicKey = await page.getByLabel("Public key", { exact: true }).inputValue();
    expect(publicKey).toMatch(/^ssh-ed25519 \S+ rampart$/);
    await expect(page.getByText("~/.ssh/authorized_keys").first()).toBeVisible();

    await page.getByRole("button", { name: "Fetch host key" }).click();
    await expect(page.getByLabel("Fetched host key fingerprint")).toHaveText(ssh.fingerprint);
    await expect(page.getByText("ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub").first()).toBeVisible();
    await page.getByLabel("The fingerprint matches what the node shows").check();
    await page.getByRole("button", { name: "Save node" }).click();

    await expect(page).toHaveURL(/\/nodes\?added=/);
    await expect(page.getByRole("status").filter({ hasText: `Node ${name} was added` })).toBeVisible();
    const row = page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
    await expect(row).toContainText(`rampart@127.0.0.1:${ssh.port}`);
    await expect(row).toContainText("Nothing pushed yet");
    await expect(row).toContainText("Not tested");

    const [stored] = await sql<{ id: string; host_key_fingerprint: string; public_key: string; tags: string[]; key_text: string }>(
      `SELECT id, host_key_fingerprint, public_key, tags, encode(encrypted_private_key, 'escape') AS key_text FROM nodes WHERE name = $1`,
      [name],
    );
    expect(stored).toMatchObject({ host_key_fingerprint: ssh.fingerprint, public_key: publicKey, tags: ["e2e", "lab"] });
    expect(stored!.key_text).not.toContain("PRIVATE KEY");
    const [audit] = await sql<{ action: string; actor_label: string; after: Record<string, unknown> }>(
      `SELECT action, actor_label, after FROM audit_log WHERE object_id = $1`,
      [stored!.id],
    );
    expect(audit).toMatchObject({ action: "node.create", actor_label: admin.email, after: { name, keySource: "generate", hostKeyFingerprint: ssh.fingerprint } });
    expect(JSON.stringify(audit!.after)).not.toContain("PRIVATE KEY");

    // The API never hands out the private key.
    const listed = await page.request.get("/api/v1/nodes");
    expect(listed.status()).toBe(200);
    const text = await listed.text();
    expect(text).toContain(name);
    expect(text).not.toMatch(/PRIVATE KEY|encryptedPrivateKey/);
  });

  test("a host-key alert is shown in red until an administrator re-pins the key; a node is deleted after confirmation", async ({ page }) => {
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    const name = uniqueName("alert");
    const created = await postNode(page, { name, host: "127.0.0.1", port: ssh.port, user: "rampart", keySource: "generate", hostKeyFingerprint: ssh.fingerprint });
    expect(created.status(), await created.text()).toBe(201);
    // What a push meeting another key records: the pinned key is the old one, the node now shows ssh.fingerprint.
    await sql(`UPDATE nodes SET host_key_fingerprint = $2, host_key_mismatch_fingerprint = $3, host_key_mismatch_at = now() WHERE name = $1`, [name, WRONG_FINGERPRINT, ssh.fingerprint]);

    await page.goto("/nodes");
    const banner = page.getByRole("alert").filter({ hasText: `The host key of ${name} changed` });
    await expect(banner).toContainText(ssh.fingerprint);
    await banner.getByRole("link", { name: "Review new host key" }).click();
    await expect(page).toHaveURL(new RegExp(`/nodes/${name}#host-key$`));
    await page.getByRole("button", { name: "Fetch host key" }).click();
    await expect(page.getByLabel("Fetched host key fingerprint")).toHaveText(ssh.fingerprint);
    await page.getByLabel("The fingerprint matches what the node shows").check();
    await page.getByRole("button", { name: "Pin this host key" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Commands to the node may run again" })).toBeVisible();

    const [pinned] = await sql<{ host_key_fingerprint: string; host_key_mismatch_fingerprint: string | null }>(
      `SELECT host_key_fingerprint, host_key_mismatch_fingerprint FROM nodes WHERE name = $1`,
      [name],
    );
    expect(pinned).toEqual({ host_key_fingerprint: ssh.fingerprint, host_key_mismatch_fingerprint: null });
    await page.goto("/nodes");
    await expect(page.getByRole("alert").filter({ hasText: `The host key of ${name} changed` })).toHaveCount(0);

    await page.getByRole("button", { name: `Delete ${name}` }).click();
    const dialog = page.getByRole("alertdialog", { name: `Delete ${name}?` });
    await dialog.getByRole("button", { name: "Delete node" }).click();
    await expect(page.getByRole("link", { name, exact: true })).toHaveCount(0);
    expect(await nodeCount(name)).toBe(0);
    const actions = await sql<{ action: string }>(`SELECT action FROM audit_log WHERE after->>'name' = $1 OR before->>'name' = $1 ORDER BY id`, [name]);
    expect(actions.map((a) => a.action)).toEqual(["node.create", "node.pin-host-key", "node.delete"]);
  });

  test("the API refuses a fingerprint the node does not present, and stores nothing", async ({ page }) => {
    const admin = await createUser("ADMIN");
    await signInAndWait(page, admin.email);
    const name = uniqueName("wrong");
    const response = await postNode(page, { name, host: "127.0.0.1", port: ssh.port, user: "rampart", keySource: "generate", hostKeyFingerprint: WRONG_FINGERPRINT });
    expect(response.status()).toBe(422);
    const body = (await response.json()) as { error: string; fieldErrors: Record<string, string[]> };
    expect(body.fieldErrors.hostKeyFingerprint?.[0]).toContain(ssh.fingerprint);
    expect(await nodeCount(name)).toBe(0);

    // The right one is accepted: the refusal above was about the fingerprint.
    const accepted = await postNode(page, { name, host: "127.0.0.1", port: ssh.port, user: "rampart", keySource: "generate", hostKeyFingerprint: ssh.fingerprint });
    expect(accepted.status(), await accepted.text()).toBe(201);
    expect(await nodeCount(name)).toBe(1);
  });

  test("the CLI refuses a fingerprint the node does not present, and stores nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rampart-e2e-cli-"));
    const keyFile = join(dir, "id_ed25519");
    writeFileSync(keyFile, generateClientKey("e2e-cli").privateKey, { mode: 0o600 });
    const name = uniqueName("cli");
    // Asynchronous on purpose: the SSH server the CLI talks to runs in this process's event loop.
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ["--import", "tsx", "cli/rampart.ts", "node", "add", "--name", name, "--host", "127.0.0.1", "--port", String(ssh.port), "--user", "rampart", "--key-file", keyFile, "--host-key-fingerprint", WRONG_FINGERPRINT],
        { encoding: "utf8", env: { ...process.env, DATABASE_URL: databaseUrl(getTestServerUrl(), E2E_DATABASE), RAMPART_DATA_DIR: dir }, timeout: 60_000 },
        (error, _stdout, stderr) => resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : null, stderr }),
      );
    });
    expect(run.stderr).toContain(`presents the host key ${ssh.fingerprint}`);
    expect(run.status).toBe(2);
    expect(await nodeCount(name)).toBe(0);
  });

  test("a viewer sees the nodes but no Add button, and cannot add one through the API", async ({ page }) => {
    const viewer = await createUser("VIEWER");
    await signInAndWait(page, viewer.email);
    await page.goto("/nodes");
    await expect(page.getByRole("heading", { level: 1, name: "Nodes" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Add node" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Push ruleset" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: /^Delete / })).toHaveCount(0);

    const name = uniqueName("viewer");
    const response = await postNode(page, { name, host: "127.0.0.1", port: ssh.port, user: "rampart", keySource: "generate", hostKeyFingerprint: ssh.fingerprint });
    expect(response.status()).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/permission/);
    expect(await nodeCount(name)).toBe(0);

    expect((await page.goto("/nodes/new"))?.url()).toContain("/forbidden");
  });
});
