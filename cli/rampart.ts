import { parseArgs } from "node:util";
import { migrate, resolveDatabase } from "@/lib/runtime/database";
import { isAppError } from "@/lib/errors";
import { checkAddressLines, readStdin } from "./commands/address";
import { LISTS_HELP, listsExport, listsExportOptions, listsImport, listsImportOptions } from "./commands/lists";
import { render } from "./commands/render";
import { tokenCreate } from "./commands/token";
import { userCreate, userResetPassword } from "./commands/user";
import { UsageError } from "./context";

// `npm run rampart -- <command>`: the same database, validation and data layer as the dashboard.

const HELP = `usage: rampart <command>

  address check -                         validate addresses/networks read from stdin, one JSON object per line
  user create --email E --role R [--tenant T] [--name N]
                                          create a user; prints the initial password once
  user reset-password --email E           set a new password (printed once) and end the user's sessions
  token create --name N --role R [--tenant T] [--expires-at DATE]
                                          create an API token; prints it alone on the last line
  render --out DIR [--node NAME]          write the ruleset artefacts of the current policy (ipset, iptables,
                                          ip6tables, fail2ban, manifest.json) for a node or the whole cluster
  db migrate                              apply pending database migrations
${LISTS_HELP}

roles: ADMIN, OPERATOR, TENANT_ADMIN, VIEWER`;

type Handler = (values: Record<string, string | undefined>, positionals: string[]) => Promise<void>;

const commands: Record<string, { options: Record<string, { type: "string" }>; run: Handler }> = {
  "address check": {
    options: {},
    async run(_values, positionals) {
      if (positionals[0] !== "-") throw new UsageError("usage: address check -   (reads standard input)");
      for (const line of checkAddressLines(await readStdin())) process.stdout.write(`${line}\n`);
    },
  },
  "user create": { options: { email: { type: "string" }, role: { type: "string" }, tenant: { type: "string" }, name: { type: "string" } }, run: userCreate },
  "user reset-password": { options: { email: { type: "string" } }, run: userResetPassword },
  "token create": {
    options: { name: { type: "string" }, role: { type: "string" }, tenant: { type: "string" }, "expires-at": { type: "string" } },
    run: tokenCreate,
  },
  "lists import": { options: listsImportOptions, run: listsImport },
  "lists export": { options: listsExportOptions, run: listsExport },
  render: { options: { out: { type: "string" }, node: { type: "string" } }, run: render },
  "db migrate": {
    options: {},
    async run() {
      const database = await resolveDatabase();
      try {
        await migrate(database.url, (line) => console.log(line));
      } finally {
        await database.close();
      }
    },
  },
};

async function main(argv: string[]): Promise<number> {
  // Commands are one or two words ("render", "user create").
  const name = commands[argv.slice(0, 2).join(" ")] ? argv.slice(0, 2).join(" ") : (argv[0] ?? "");
  const command = commands[name];
  if (!command) {
    console.error(argv.length === 0 || argv[0] === "help" || argv[0] === "--help" ? HELP : `unknown command: ${argv.join(" ")}\n\n${HELP}`);
    return argv.length === 0 || argv[0] === "help" || argv[0] === "--help" ? 0 : 2;
  }
  try {
    const { values, positionals } = parseArgs({ args: argv.slice(name.split(" ").length), options: command.options, allowPositionals: true, strict: true });
    await command.run(values as Record<string, string | undefined>, positionals);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || isAppError(error) || (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS"))) {
      console.error(`rampart: ${error.message}`);
      return 2;
    }
    console.error(`rampart: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
