/** Heatmap chart and visual map, registered on first use (loaded as their own small chunk). */
import { HeatmapChart } from "echarts/charts";
import { VisualMapComponent } from "echarts/components";
import { use } from "echarts/core";

use([HeatmapChart, VisualMapComponent]);
