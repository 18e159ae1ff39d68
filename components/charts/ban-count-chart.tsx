"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// Bans started per hour or per day (lib/db/queries/snapshots bansPerHour / bansPerDay). The points arrive as
// plain JSON (ISO times); labels are UTC so the server and every browser agree. The figure's label states the
// total, so the chart is not the only way to read it.

export interface BanCountDatum {
  /** ISO start of the bucket. */
  at: string;
  bans: number;
  addresses: number;
}

interface BanCountChartProps {
  data: BanCountDatum[];
  unit: "hour" | "day";
  /** Accessible name of the chart. */
  label: string;
}

function bucketLabel(iso: string, unit: "hour" | "day"): string {
  return unit === "hour" ? `${iso.slice(11, 13)}:00` : iso.slice(5, 10);
}

export function BanCountChart({ data, unit, label }: BanCountChartProps) {
  const rows = data.map((d) => ({ ...d, label: bucketLabel(d.at, unit) }));
  return (
    <div className="h-56 w-full" role="img" aria-label={label} data-chart={`bans-per-${unit}`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} className="stroke-slate-200 dark:stroke-slate-800" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" tickLine={false} />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} tickLine={false} axisLine={false} />
          <Tooltip
            cursor={{ fillOpacity: 0.1 }}
            labelFormatter={(value) => `${value} UTC`}
            formatter={(value, name) => [value, name === "bans" ? "Bans" : "Addresses"]}
          />
          <Bar dataKey="bans" name="bans" fill="#dc2626" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
