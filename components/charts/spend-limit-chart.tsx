"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

// Spend beside its limit, one pair of bars per budget (today, this month, an extension's day). Amounts arrive as the
// exact decimal strings with their formatted labels; Number() is only for the bar heights, and the tooltip and the
// figure's label show the exact text, so the chart is never the only (or a rounded) way to read an amount.

export interface SpendLimitDatum {
  /** "Today", "This month", … */
  budget: string;
  /** Exact decimal text of the spend. */
  spent: string;
  /** Exact decimal text of the limit, or null for none. */
  limit: string | null;
  /** The formatted spend and limit (formatMoney), for the tooltip. */
  spentLabel: string;
  limitLabel: string;
}

interface SpendLimitChartProps {
  data: SpendLimitDatum[];
  /** Accessible name of the chart, stating the exact figures. */
  label: string;
  /** A stable name for tests and styling ("tenant-budgets"). */
  name: string;
}

export function SpendLimitChart({ data, label, name }: SpendLimitChartProps) {
  const rows = data.map((d) => ({ ...d, spentValue: Number(d.spent), limitValue: d.limit === null ? null : Number(d.limit) }));
  return (
    <div className="h-56 w-full" role="img" aria-label={label} data-chart={name}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} className="stroke-slate-200 dark:stroke-slate-800" />
          <XAxis dataKey="budget" tick={{ fontSize: 11 }} tickLine={false} />
          <YAxis tick={{ fontSize: 11 }} tickLine={false} axisLine={false} />
          <Tooltip
            cursor={{ fillOpacity: 0.1 }}
            formatter={(_value, key, item) => {
              const row = item.payload as (typeof rows)[number];
              return key === "spentValue" ? [row.spentLabel, "Spent"] : [row.limitLabel, "Limit"];
            }}
          />
          <Bar dataKey="spentValue" name="spentValue" fill="#2563eb" radius={[3, 3, 0, 0]} isAnimationActive={false} />
          <Bar dataKey="limitValue" name="limitValue" fill="#94a3b8" radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
