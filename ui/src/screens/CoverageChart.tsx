import { BarChart } from 'echarts/charts';
import type { BarSeriesOption } from 'echarts/charts';
import { GridComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import type {
  GridComponentOption,
  MarkLineComponentOption,
  TitleComponentOption,
  TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import type { ComposeOption } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what these bar charts use is registered, so the coverage screen's chunk stays small
// (the full echarts bundle is about 1 MB).
echarts.use([BarChart, GridComponent, MarkLineComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

type Option = ComposeOption<
  BarSeriesOption | GridComponentOption | MarkLineComponentOption | TitleComponentOption | TooltipComponentOption
>;

export const COLOR_MET = '#1677ff';
export const COLOR_UNMET = '#ff4d4f';

export interface CoverageBar {
  name: string;
  /** Percent (0–100); `null`: nothing to count there. */
  percent: number | null;
  served: number;
  total: number;
  /** Under the target, as the Rust rule judged it (in integers, not from the rounded percent). */
  unmet: boolean;
}

/**
 * One measure by district: a bar per district (red under the target), the target as a line.
 * The canvas cannot be read by a WebDriver test, so the values ride on the container too.
 */
export function CoverageChart({
  testId,
  title,
  bars,
  targetPercent,
  targetLabel,
  noneLabel,
}: {
  testId: string;
  title: string;
  bars: CoverageBar[];
  targetPercent: number;
  targetLabel: string;
  noneLabel: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const option: Option = {
      title: { text: title, left: 'center', textStyle: { fontSize: 14 } },
      grid: { left: 40, right: 16, top: 40, bottom: 64 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: unknown) => {
          const p = (Array.isArray(params) ? params[0] : params) as { dataIndex: number };
          const b = bars[p.dataIndex];
          if (!b) return '';
          return b.percent === null ? `${b.name}<br/>${noneLabel}` : `${b.name}<br/>${b.served}/${b.total} · ${b.percent.toFixed(1)}%`;
        },
      },
      xAxis: {
        type: 'category',
        data: bars.map((b) => b.name),
        axisLabel: { interval: 0, rotate: bars.length > 8 ? 40 : 0, fontSize: 11 },
      },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'bar',
          barMaxWidth: 28,
          data: bars.map((b) => ({
            value: b.percent ?? 0,
            itemStyle: { color: b.unmet ? COLOR_UNMET : COLOR_MET },
          })),
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: '#fa8c16', type: 'dashed', width: 2 },
            label: { formatter: targetLabel, position: 'insideEndTop' },
            data: [{ yAxis: targetPercent }],
          },
        },
      ],
      animation: false,
    };
    chart.current?.setOption(option, true);
  }, [title, bars, targetPercent, targetLabel, noneLabel]);

  return (
    <div
      ref={box}
      data-testid={testId}
      data-target={targetPercent}
      data-bars={bars.length}
      data-values={JSON.stringify(bars.map((b) => [b.name, b.percent === null ? null : Number(b.percent.toFixed(1))]))}
      style={{ width: '100%', height: 300 }}
    />
  );
}
