"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface TrendSeries {
  key: string;
  label: string;
  color: string;
}

/**
 * Scores over time, 0-100 %, one line per series, each value as the score is shown (rounded down to
 * 0.1: 99.9 never reads 100). Props only.
 */
export function ScoreTrend({
  data,
  series,
  height = 220,
  label,
  compact = false,
}: {
  data: Array<Record<string, string | number | null>>;
  series: TrendSeries[];
  height?: number;
  label: string;
  compact?: boolean;
}) {
  return (
    <div role="img" aria-label={label} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: compact ? -30 : -12 }}>
          {!compact && <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />}
          <XAxis
            dataKey="day"
            hide={compact}
            tick={{ fontSize: 11, fill: "#64748b" }}
            tickFormatter={(v: string) => v.slice(5)}
            interval="preserveStartEnd"
          />
          <YAxis
            domain={[0, 100]}
            hide={compact}
            tick={{ fontSize: 11, fill: "#64748b" }}
            tickFormatter={(v: number) => `${v}%`}
          />
          <Tooltip
            contentStyle={{ fontSize: 12 }}
            formatter={(v) => (v === null || v === undefined ? "—" : `${Number(v).toFixed(1)}%`)}
          />
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.label}
              stroke={s.color}
              strokeWidth={2}
              dot={false}
              connectNulls
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
