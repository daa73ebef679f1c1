// Messages per UTC day (inbound/outbound bars) and the outbound delivery rate (line, right axis).
// Loaded lazily: recharts is heavy and only this chart needs it.
import { CompositeChart } from '@mantine/charts';
import { Group, Paper, Text } from '@mantine/core';
import { memo, useMemo } from 'react';
import { aggregateDaily, foldIntoWeeks, summarize } from '../model/daily';
import type { LogRow } from '../model/rows';

function VolumeChart({ rows, startMs, endMs }: { rows: readonly LogRow[]; startMs: number; endMs: number }) {
  const { unit, buckets: days } = useMemo(
    () => foldIntoWeeks(aggregateDaily(rows, startMs, endMs)),
    [rows, startMs, endMs],
  );
  const totals = useMemo(() => summarize(rows), [rows]);
  const data = useMemo(
    () =>
      days.map((d) => ({
        day: unit === 'week' ? d.day : d.day.slice(5),
        Inbound: d.inbound,
        Outbound: d.outbound,
        'Delivery rate': d.deliveryRate,
      })),
    [days, unit],
  );
  const fmt = (n: number) => n.toLocaleString('en-US');
  return (
    <Paper withBorder p="md" radius="md" data-testid="volume-chart">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Text fw={600} size="sm">
          {unit === 'week'
            ? 'Messages per week (UTC, weeks starting on the day shown)'
            : 'Messages per day (UTC)'}
        </Text>
        <Group gap="md">
          <Text size="sm">
            In <b>{fmt(totals.inbound)}</b>
          </Text>
          <Text size="sm">
            Out <b>{fmt(totals.outbound)}</b>
          </Text>
          <Text size="sm">
            Delivered <b>{totals.deliveryRate === null ? '—' : `${totals.deliveryRate}%`}</b>
            <Text span size="xs" c="dimmed">
              {' '}
              of settled outbound
            </Text>
          </Text>
        </Group>
      </Group>
      <CompositeChart
        h={220}
        data={data}
        dataKey="day"
        withLegend
        withRightYAxis
        rightYAxisLabel="Delivered %"
        rightYAxisProps={{ domain: [0, 100], width: 50 }}
        yAxisProps={{ width: 50 }}
        maxBarWidth={28}
        withDots={days.length <= 14}
        connectNulls={false}
        tooltipAnimationDuration={100}
        role="figure"
        aria-label="Chart of messages per day, inbound and outbound, with delivery rate"
        series={[
          { name: 'Inbound', color: 'grape.5', type: 'bar' },
          { name: 'Outbound', color: 'indigo.6', type: 'bar' },
          { name: 'Delivery rate', color: 'teal.6', type: 'line', yAxisId: 'right' },
        ]}
      />
    </Paper>
  );
}

export default memo(VolumeChart);
