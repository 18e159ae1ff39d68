import type { Metadata } from "next";
import Link from "next/link";
import { ArtefactView } from "@/components/rulesets/artefact-view";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requirePagePermission } from "@/lib/auth/guards";
import { isAppError } from "@/lib/errors";
import { renderCurrentRuleset, listRenderTargets, CLUSTER_TARGET } from "@/lib/rulesets/current";
import { compareLines } from "@/lib/rulesets/diff";
import { loadLastDeployed } from "@/lib/rulesets/versions";
import type { Manifest } from "@/lib/rules/render-manifest";

export const metadata: Metadata = { title: "Rulesets" };
export const dynamic = "force-dynamic";

const n = (value: number) => value.toLocaleString("en");

/** The figures an administrator checks first, from the manifest. */
function summarize(manifest: Manifest): Array<[string, string]> {
  const { entries, scannerSignatures, geoip } = manifest.policy;
  const rules = [...manifest.chains.ipv4, ...manifest.chains.ipv6].reduce((sum, chain) => sum + chain.rules, 0);
  return [
    ["Whitelist", n(entries.whitelist)],
    ["Blocklist", n(entries.blocklist)],
    ["Management access", n(entries.management)],
    ["Tenant restrictions", n(entries.tenantRestrictions)],
    ["Scanner signatures", `${n(scannerSignatures.enabled)} on`],
    ["GeoIP", geoip.mode === "OFF" ? "off" : `${geoip.mode} · ${geoip.countries.length} countries`],
    ["ipset sets", n(manifest.sets.length)],
    ["iptables rules", n(rules)],
  ];
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function RulesetsPage({ searchParams }: { searchParams: SearchParams }) {
  await requirePagePermission("policy:read");
  const params = await searchParams;
  const targets = await listRenderTargets();
  const nodeName = targets.includes(first(params.node) ?? "") ? first(params.node)! : CLUSTER_TARGET;

  let result: Awaited<ReturnType<typeof renderCurrentRuleset>>;
  try {
    result = await renderCurrentRuleset(nodeName);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return (
      <>
        <PageHeader
          title="Rulesets"
          description="The policy compiled into iptables, ipset and fail2ban configuration."
          actions={<ButtonLink href="/rulesets/versions" variant="secondary">Version history</ButtonLink>}
        />
        <Card>
          <CardHeader title="The current policy cannot be compiled" description={error.message} />
          <CardBody>
            <ul className="list-disc space-y-1 pl-5 text-sm">
              {Object.entries(error.fieldErrors ?? {}).slice(0, 50).map(([field, messages]) => (
                <li key={field}><code className="font-mono">{field}</code>: {messages.join(" ")}</li>
              ))}
            </ul>
          </CardBody>
        </Card>
      </>
    );
  }

  const { rendered } = result;
  const files = Object.keys(rendered.files).sort();
  // The firewall rules are what an administrator reviews first.
  const file = files.includes(first(params.file) ?? "") ? first(params.file)! : files.includes("iptables.rules") ? "iptables.rules" : files[0]!;
  const deployed = await loadLastDeployed(nodeName);
  const isCurrent = deployed?.hash === rendered.hash;
  const changes = deployed && !isCurrent ? compareLines(deployed.files[file] ?? "", rendered.files[file]!) : null;
  const query = (next: Record<string, string>) => `?${new URLSearchParams({ node: nodeName, file, ...next })}`;
  const downloadHref = `/api/v1/rulesets/current?${new URLSearchParams({ node: nodeName, file })}`;

  return (
    <>
      <PageHeader
        title="Rulesets"
        description="The current policy compiled into iptables, ipset and fail2ban configuration, per node, compared with the version last deployed."
        actions={
          <>
            <ButtonLink href="/rulesets/versions" variant="secondary">Version history</ButtonLink>
            <ButtonLink href={downloadHref} variant="secondary" prefetch={false}>Download {file}</ButtonLink>
          </>
        }
      />

      <nav aria-label="Render target" className="mb-4 flex flex-wrap gap-2">
        {targets.map((target) => (
          <Link
            key={target}
            href={`?${new URLSearchParams({ node: target })}`}
            aria-current={target === nodeName ? "page" : undefined}
            className="rounded-md border border-slate-300 px-3 py-1 text-sm aria-[current=page]:border-brand-600 aria-[current=page]:bg-brand-50 aria-[current=page]:font-semibold dark:border-slate-700 dark:aria-[current=page]:bg-slate-800"
          >
            {target === CLUSTER_TARGET ? "Whole cluster" : target}
          </Link>
        ))}
      </nav>

      <Card className="mb-6">
        <CardHeader
          title={<>Version <code className="font-mono text-base">{rendered.hash.slice(0, 16)}</code></>}
          description={
            deployed
              ? isCurrent
                ? `This is the version deployed ${deployed.deployedAt.toISOString()}.`
                : `Differs from the version deployed ${deployed.deployedAt.toISOString()} (${deployed.hash.slice(0, 16)}).`
              : "Nothing has been deployed to this target yet: everything below is new."
          }
          actions={deployed ? (isCurrent ? <Badge tone="success">Deployed</Badge> : <Badge tone="warning">Not deployed</Badge>) : <Badge tone="info">New</Badge>}
        />
        <CardBody>
          <dl className="grid grid-cols-2 gap-4 text-sm sm:grid-cols-4">
            {summarize(rendered.manifest).map(([label, value]) => (
              <div key={label}>
                <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
                <dd className="font-mono">{value}</dd>
              </div>
            ))}
          </dl>
        </CardBody>
      </Card>

      <div className="grid gap-6 lg:grid-cols-[19rem_1fr]">
        <nav aria-label="Artefacts" className="flex flex-row flex-wrap gap-1 lg:flex-col">
          {files.map((path) => (
            <Link
              key={path}
              href={query({ file: path })}
              aria-current={path === file ? "page" : undefined}
              className="truncate rounded-md px-3 py-2 font-mono text-xs hover:bg-slate-100 aria-[current=page]:bg-slate-200 aria-[current=page]:font-semibold dark:hover:bg-slate-800 dark:aria-[current=page]:bg-slate-800"
            >
              {path}
            </Link>
          ))}
        </nav>
        <section aria-label={file} className="min-w-0 space-y-4">
          {changes ? (
            <Card>
              <CardHeader
                title="Changes against the deployed version"
                description={`${changes.addedCount.toLocaleString("en")} lines added, ${changes.removedCount.toLocaleString("en")} removed.`}
              />
              <CardBody>
                <pre className="max-h-64 overflow-auto font-mono text-xs leading-5">
                  {changes.removed.map((line, i) => <div key={`r${i}`} className="text-red-700 dark:text-red-300">- {line}</div>)}
                  {changes.added.map((line, i) => <div key={`a${i}`} className="text-emerald-700 dark:text-emerald-300">+ {line}</div>)}
                </pre>
              </CardBody>
            </Card>
          ) : null}
          <ArtefactView path={file} content={rendered.files[file]!} />
        </section>
      </div>
    </>
  );
}
