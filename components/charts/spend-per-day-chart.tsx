"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// A tenant's spend per UTC day of this month, with its daily limit as a line. The amounts arrive as exact decimal
// strings with their formatted labels; Number() only sizes the bars, the tooltip shows the exact text.

export interface SpendPerDayDatum {
  /** "YYYY-MM-DD" (UTC). */
  day: string;
  amount: string;
  amountLabel: string;
}

interface SpendPerDayChartProps {
  data: SpendPerDayDatum[];
  /** Exact decimal text of the daily limit, drawn as a line; null for none. */
  dailyLimit: string | null;
  label: string;
}

export function SpendPerDayChart({ data, dailyLimit, label }: SpendPerDayChartProps) {
  const rows = data.map((d) => ({ ...d, label: d.day.slice(8, 10), value: Number(d.amount) }));
  return (
    <div className="h-56 w-full" role="img" aria-label={label} data-chart="spend-per-day">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} className="stroke-slate-200 dark:stroke-slate-800" />
          <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" tickLine={false} />
          <YAxis tick={{ fontSize: 11 }} tickLine={false} axisLine={false} />
          <Tooltip
            cursor={{ fillOpacity: 0.1 }}
            labelFormatter={(_label, payload) => `${(payload[0]?.payload as (typeof rows)[number] | undefined)?.day ?? ""} (UTC)`}
            formatter={(_value, _name, item) => [(item.payload as (typeof rows)[number]).amountLabel, "Spent"]}
          />
          {dailyLimit !== null ? <ReferenceLine y={Number(dailyLimit)} stroke="#dc2626" strokeDasharray="4 4" ifOverflow="extendDomain" /> : null}
          <Bar dataKey="value" name="value" fill="#2563eb" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
