// The monitoring round's chart: each unit's execution rate against the time progress. The data
// comes from the page's <script type="application/json" id="round-chart">, the series names from
// the chart element's data-rate-label and data-progress-label (translated by the template).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const source = document.getElementById("round-chart");
  const el = document.getElementById("execution-chart");
  if (!window.echarts || !el || !source) return;
  const data = JSON.parse(source.textContent);
  const rate = el.dataset.rateLabel;
  const progress = el.dataset.progressLabel;
  const chart = echarts.init(el, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 48, right: 16, top: 30, bottom: 90 },
    tooltip: { trigger: "axis" },
    legend: { data: [rate, progress] },
    xAxis: { type: "category", data: data.units, axisLabel: { rotate: 45, fontSize: 11 } },
    yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    series: [
      { name: rate, type: "bar", data: data.rates, itemStyle: { color: "#1d4ed8" } },
      { name: progress, type: "line", symbol: "none", data: data.units.map(() => data.time_progress),
        lineStyle: { color: "#b91c1c", type: "dashed" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
});
