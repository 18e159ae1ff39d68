"use client";

import type { PacketRates } from "@/lib/db/queries/snapshots";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// SIP packets per second and drops by reason over time (lib/db/queries/snapshots counterRateSeries), cluster-wide
// or for one node. Two charts share this: traffic ("sip") and drops (every other series). Times are UTC.

/** One bucket: its ISO start time and the rates of lib/db/queries/snapshots.ts. */
export type PacketRateDatum = PacketRates & { at: string };

export type PacketSeries = Exclude<keyof PacketRateDatum, "at">;

export const PACKET_SERIES: Record<PacketSeries, { label: string; color: string }> = {
  sip: { label: "SIP packets", color: "#2563eb" },
  blocklist: { label: "Blocklist", color: "#111827" },
  banned: { label: "Banned (fail2ban)", color: "#dc2626" },
  geoip: { label: "GeoIP", color: "#7c3aed" },
  scanner: { label: "Scanner", color: "#d97706" },
  rateLimit: { label: "Rate limit", color: "#059669" },
};

interface PacketRateChartProps {
  data: PacketRateDatum[];
  series: PacketSeries[];
  label: string;
}

export function PacketRateChart({ data, series, label }: PacketRateChartProps) {
  const rows = data.map((d) => ({ ...d, label: d.at.slice(11, 16) }));
  return (
    <div className="h-60 w-full" role="img" aria-label={label} data-chart={series.length === 1 ? "sip-rate" : "drop-rates"}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} className="stroke-slate-200 dark:stroke-slate-800" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" tickLine={false} minTickGap={24} />
          <YAxis tick={{ fontSize: 11 }} tickLine={false} axisLine={false} />
          <Tooltip labelFormatter={(value) => `${value} UTC`} formatter={(value, name) => [`${value} pkt/s`, PACKET_SERIES[name as PacketSeries]?.label ?? name]} />
          {series.length > 1 ? <Legend formatter={(value: string) => PACKET_SERIES[value as PacketSeries]?.label ?? value} wrapperStyle={{ fontSize: 12 }} /> : null}
          {series.map((key) => (
            <Line key={key} type="monotone" dataKey={key} name={key} stroke={PACKET_SERIES[key].color} strokeWidth={2} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
