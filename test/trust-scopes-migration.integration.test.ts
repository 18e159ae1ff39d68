import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase, readMigrations } from "@/lib/db/migrate";
import { createTestDatabase } from "./database";

// The upgrade story of 20261202190000_trust_scopes, on databases migrated up to the one before it and filled
// in the old shape: whitelist entries people wrote keep trusting everything, auto-whitelisted registrations and
// tenant entries drop to SIP trust, nothing waits for approval, the exposure policy exists with its defaults,
// and a fail2ban notice address (the sendmail-whois action that is gone) becomes a digest recipient, once.

const MIGRATIONS = join(process.cwd(), "prisma", "migrations");
const TRUST_SCOPES_MIGRATION = "20261202190000_trust_scopes";

const databases: Awaited<ReturnType<typeof createTestDatabase>>[] = [];
const clients: pg.Client[] = [];
afterAll(async () => {
  for (const client of clients) await client.end();
  for (const db of databases) await db.drop();
});

/** A database in the schema just before the migration, filled by `fill`, then migrated to the end. */
async function upgrade(prefix: string, fill: (client: pg.Client) => Promise<void>): Promise<pg.Client> {
  const db = await createTestDatabase(prefix);
  databases.push(db);
  const before = (await readMigrations(MIGRATIONS)).map((m) => m.name).filter((name) => name < TRUST_SCOPES_MIGRATION);
  await migrateDatabase(db.url, MIGRATIONS, () => {}, new Set(before));
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  clients.push(client);
  await fill(client);
  const { applied } = await migrateDatabase(db.url, MIGRATIONS);
  expect(applied).toContain(TRUST_SCOPES_MIGRATION);
  return client;
}

async function setFail2banNotify(client: pg.Client, enabled: boolean, email: string | null): Promise<void> {
  await client.query(`UPDATE fail2ban_settings SET notify_enabled = $1, notify_email = $2, notify_sender = 'fail2ban@pbx.example.com', max_retry = 7`, [
    enabled,
    email,
  ]);
}

async function recipientsOf(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ recipients: string[] }>(`SELECT recipients FROM notification_settings WHERE id = 1`);
  return rows[0]!.recipients;
}

describe(`migration ${TRUST_SCOPES_MIGRATION}`, () => {
  it("keeps people's whitelist entries all-scoped, makes auto and tenant entries SIP-scoped, and approves everything already stored", async () => {
    let tenantId = "";
    const client = await upgrade("rampart_trust_scopes", async (c) => {
      const { rows } = await c.query<{ id: string }>(`INSERT INTO tenants (name, auto_whitelist_restrictions) VALUES ('Acme', true) RETURNING id`);
      tenantId = rows[0]!.id;
      await c.query(
        `INSERT INTO address_entries (list, network, family, source, tenant_id, comment) VALUES
           ('WHITELIST', '198.51.100.0/24', 4, 'MANUAL', NULL, 'office'),
           ('WHITELIST', '2001:db8:1::/48', 6, 'IMPORT', NULL, 'imported'),
           ('WHITELIST', '203.0.113.9/32', 4, 'AUTO_REGISTRATION', NULL, 'registered'),
           ('WHITELIST', '203.0.113.0/28', 4, 'TENANT', NULL, 'tenant wrote it'),
           ('BLOCKLIST', '192.0.2.0/24', 4, 'MANUAL', NULL, 'attacker'),
           ('TENANT_RESTRICTION', '198.51.100.128/25', 4, 'TENANT', $1, 'acme office')`,
        [tenantId],
      );
      await c.query(`UPDATE notification_settings SET recipients = ARRAY['ops@example.com']`);
      await setFail2banNotify(c, true, "noc@example.com");
    });

    const { rows: entries } = await client.query<{ list: string; source: string; network: string; scope: string; pending_reason: string | null; tenant_id: string | null }>(
      `SELECT list, source, network::text AS network, scope, pending_reason, tenant_id FROM address_entries`,
    );
    const whitelistScopes = Object.fromEntries(entries.filter((e) => e.list === "WHITELIST").map((e) => [e.source, e.scope]));
    expect(whitelistScopes).toEqual({ MANUAL: "ALL", IMPORT: "ALL", AUTO_REGISTRATION: "SIP", TENANT: "SIP" });
    expect(entries).toHaveLength(6);
    expect(entries.filter((e) => e.pending_reason !== null)).toEqual([]);
    // The tenant's restriction survives as it was, still the tenant's; its flag now means SIP trust at render time.
    expect(entries.find((e) => e.list === "TENANT_RESTRICTION")).toMatchObject({ network: "198.51.100.128/25", tenant_id: tenantId });
    const { rows: tenants } = await client.query(`SELECT auto_whitelist_restrictions FROM tenants WHERE id = $1`, [tenantId]);
    expect(tenants).toEqual([{ auto_whitelist_restrictions: true }]);

    const { rows: exposure } = await client.query(
      `SELECT id, sip_from, rtp_from, web_from, ami_ports, extra_tcp_ports, extra_udp_ports, icmp_echo, drop_port_scans, ssh_new_per_minute, final_action FROM exposure_policy`,
    );
    expect(exposure).toEqual([
      {
        id: 1,
        sip_from: "WORLD",
        rtp_from: "WORLD",
        web_from: "MANAGEMENT",
        ami_ports: [5038],
        extra_tcp_ports: [],
        extra_udp_ports: [],
        icmp_echo: true,
        drop_port_scans: true,
        ssh_new_per_minute: 6,
        final_action: "DROP",
      },
    ]);
    const { rows: platform } = await client.query(`SELECT panel_addresses, tenant_min_prefix4, tenant_min_prefix6 FROM platform_settings`);
    expect(platform).toEqual([{ panel_addresses: [], tenant_min_prefix4: 24, tenant_min_prefix6: 48 }]);

    // Nobody stops getting ban mail: the fail2ban notice address joins the digest's recipients, after the existing ones.
    expect(await recipientsOf(client)).toEqual(["ops@example.com", "noc@example.com"]);
    const { rows: fail2ban } = await client.query(`SELECT * FROM fail2ban_settings`);
    expect(fail2ban).toHaveLength(1);
    expect(fail2ban[0]).toMatchObject({ max_retry: 7 });
    expect(Object.keys(fail2ban[0]!).filter((column) => column.startsWith("notify"))).toEqual([]);
  });

  it("does not add the notice address twice when the digest already mails it", async () => {
    const client = await upgrade("rampart_trust_scopes_dup", async (c) => {
      await c.query(`UPDATE notification_settings SET recipients = ARRAY['noc@example.com', 'ops@example.com']`);
      await setFail2banNotify(c, true, "noc@example.com");
    });
    expect(await recipientsOf(client)).toEqual(["noc@example.com", "ops@example.com"]);
  });

  it("carries nothing from a notice that was switched off", async () => {
    const client = await upgrade("rampart_trust_scopes_off", async (c) => {
      await setFail2banNotify(c, false, "old@example.com");
    });
    expect(await recipientsOf(client)).toEqual([]);
  });
});
