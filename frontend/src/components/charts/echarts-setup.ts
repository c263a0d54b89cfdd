/** The ECharts runtime with only the parts the dashboards draw (canvas renderer: no inline CSS/HTML). */
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

/** Heatmaps (and their visual map) load on first use only: most pages never draw one. */
export async function useHeatmap(): Promise<void> {
  await import("./echarts-heatmap");
}

export { init };
