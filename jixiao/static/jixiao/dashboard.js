// The dashboards' charts. The server sends each chart as plain data (json_script
// "dashboard-charts": categories, series of points {value, url}); this file only draws them with
// the local ECharts and follows a point's url when it is clicked, so every bar drills down to the
// list behind it. Charts are SVG (crisp on paper), resized with the window and for printing.
(function () {
  "use strict";

  // On paper every chart takes the full line: 680 px at 96 dpi fits A4 portrait (190 mm
  // between margins) and landscape alike.
  const PRINT_WIDTH = 680;

  function number(value) {
    return value === null || value === undefined || value === "" ? null : Number(value);
  }

  function points(series) {
    return series.data.map((p) =>
      p !== null && typeof p === "object" ? { ...p, value: number(p.value) } : number(p));
  }

  // About how wide a label's character is at 11 px (CJK), and what the value axis takes.
  const CHAR_PX = 12;
  const AXIS_PX = 74;

  function option(spec, paper, width) {
    const horizontal = spec.kind === "hbar";
    const percent = !!spec.percent;
    const count = spec.categories.length;
    const longest = Math.max(0, ...spec.categories.map((c) => String(c).length));
    // Many categories on a vertical axis, or labels wider than their bar's share of the
    // chart's `width` (a few long unit names on paper): labels turn so that none overlaps
    // the next and each keeps its bar.
    const crowded = !!width && longest * CHAR_PX + 8 > (width - AXIS_PX) / Math.max(1, count);
    const rotate = horizontal ? 0 : count > 24 ? 90 : count > 8 || crowded ? 40 : 0;
    const category = {
      type: "category", data: spec.categories,
      axisLabel: { fontSize: rotate === 90 ? (paper ? 8 : 10) : 11, interval: 0, rotate: rotate,
                   width: horizontal ? (spec.wide_labels ? 180 : 90) : rotate ? 110 : undefined,
                   overflow: horizontal || rotate ? "truncate" : undefined },
      inverse: horizontal,
    };
    const value = {
      type: "value", minInterval: percent ? 0 : 1,
      axisLabel: { fontSize: 11, formatter: percent ? "{value}%" : "{value}" },
    };
    const bottom = rotate ? Math.min(120, 14 + longest * (rotate === 90 ? 11 : 8)) : 28;
    // A horizontal chart's labels are measured by ECharts itself (containLabel): CJK widths
    // vary too much by font to guess.
    const left = horizontal ? 8 : 44;
    const many = spec.series.length > 1;
    return {
      animation: false,
      aria: { enabled: true },
      textStyle: { fontFamily: "inherit" },
      grid: { left: left, right: 30, top: many ? 30 : 10, bottom: bottom,
              containLabel: horizontal },
      legend: many ? { top: 0, itemHeight: 10, textStyle: { fontSize: 12 } } : undefined,
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" }, confine: true,
        formatter: (items) => {
          const index = items[0].dataIndex;
          const title = (spec.full_names || spec.categories)[index];
          return [title].concat(items.map((i) => {
            const v = i.value === null || i.value === undefined ? "—" : i.value;
            return `${i.marker}${i.seriesName}: ${v}${percent && v !== "—" ? "%" : ""}`;
          })).join("<br>");
        },
      },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map((s) => ({
        name: s.name,
        type: s.type || "bar",
        stack: spec.stack ? "total" : undefined,
        data: points(s),
        barMaxWidth: 28,
        cursor: "pointer",
        symbol: s.type === "line" ? "none" : undefined,
        itemStyle: s.color ? { color: s.color } : undefined,
        lineStyle: s.type === "line" ? { color: s.color, type: s.dashed ? "dashed" : "solid" }
          : undefined,
        label: !spec.stack && s.type !== "line" && !rotate
          ? { show: true, position: horizontal ? "right" : "top", fontSize: 11,
              formatter: (p) => (p.value ? p.value + (percent ? "%" : "") : "") }
          : undefined,
      })),
    };
  }

  function drillDown(params) {
    const url = params.data && params.data.url;
    if (url) window.location.assign(url);
  }

  function init() {
    const source = document.getElementById("dashboard-charts");
    if (!source || !window.echarts) return;
    const specs = JSON.parse(source.textContent);
    const charts = [];
    document.querySelectorAll(".chart[data-chart]").forEach((el) => {
      const spec = specs[el.dataset.chart];
      if (!spec || !spec.categories.length) return;
      const chart = echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option(spec, false, el.clientWidth));
      chart.on("click", drillDown);
      el.dataset.ready = "1";
      charts.push(chart);
    });
    // On paper the grid becomes one column: draw each chart at the width it will print at.
    const print = window.matchMedia ? window.matchMedia("print") : { matches: false };
    // Drawn at once (refreshImmediately): the browser takes the printed image right after
    // "beforeprint", before any animation frame would have painted the new size.
    const toPaper = () => charts.forEach((c) => {
      const third = c.getDom().closest(".dash-row3") !== null; // the pipeline stays 3 across
      const width = third ? Math.floor((PRINT_WIDTH - 24) / 3) : PRINT_WIDTH;
      // notMerge: what the screen's option set and paper's leaves out goes (and back)
      c.setOption(option(specs[c.getDom().dataset.chart], true, width), true);
      c.resize({ width: width });
      c.getZr().refreshImmediately();
    });
    const toScreen = () => charts.forEach((c) => {
      c.resize({ width: "auto" });
      c.setOption(option(specs[c.getDom().dataset.chart], false, c.getDom().clientWidth), true);
    });
    const fit = () => (print.matches ? toPaper() : toScreen());
    window.addEventListener("resize", fit);
    window.addEventListener("beforeprint", toPaper);
    window.addEventListener("afterprint", fit);
    if (print.addEventListener) print.addEventListener("change", fit);
  }

  document.addEventListener("DOMContentLoaded", init);
})();
