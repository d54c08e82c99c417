// A survey's results page: one bar chart per choice question. The server sends the data as
// plain JSON (json_script "survey-charts": by question id, its categories and counts); each
// chart element names its question in data-chart and its height in data-height. This file only
// draws them with the local ECharts (SVG, crisp on paper) and resizes them with the window.
// Labels are set as text by ECharts, never as markup.
(function () {
  "use strict";

  function option(spec) {
    return {
      animation: false,
      aria: { enabled: true },
      textStyle: { fontFamily: "inherit" },
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 11 } },
      yAxis: {
        type: "category", data: spec.categories, inverse: true,
        axisLabel: { fontSize: 12, width: 160, overflow: "truncate" },
      },
      series: [{
        type: "bar", data: spec.counts, barMaxWidth: 22,
        itemStyle: { color: "#1d4ed8" },
        label: { show: true, position: "right", fontSize: 11 },
      }],
    };
  }

  function init() {
    const source = document.getElementById("survey-charts");
    if (!source || !window.echarts) return;
    const specs = JSON.parse(source.textContent);
    const charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach((el) => {
      const spec = specs[el.dataset.chart];
      if (!spec || !spec.categories.length) return;
      el.style.height = (Number(el.dataset.height) || 220) + "px";
      const chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec));
      el.dataset.ready = "1";
      charts.push(chart);
    });
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
    window.addEventListener("beforeprint", () => charts.forEach((c) => c.resize()));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
