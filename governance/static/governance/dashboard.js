/* The committee's dashboard (the admin's home page, governance/templates/admin/governance/dashboard.html).
 *
 * Reads every chart's rows from the JSON the page carries (<script id="dashboard-data">, written by
 * governance/dashboard_views.py from governance/dashboard.py: the same rows as the CSV links and the data
 * tables) and draws them with Apache ECharts (vendored, governance/static/governance/vendor/) into each
 * div[data-chart]. Nothing reads colour alone: ambition is a shape as well as a colour, the stacked bars
 * carry hatching (ECharts' decals) and percentage labels, the heat map writes its counts in the cells,
 * ECharts' aria module describes each chart to screen readers, and every chart has its data table.
 *
 * A file of its own, never inline: the Content Security Policy allows scripts from this origin only.
 * Text from the data goes into tooltips through echarts.format.encodeHTML, never as raw HTML.
 */
(function () {
  "use strict";

  var source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) {
    return;
  }
  var data = JSON.parse(source.textContent);
  var L = data.labels;
  var rows = data.charts;
  var charts = {};
  // For the browser tests (a bubble's position) and for whoever debugs a drawing.
  window.committeeDashboard = { charts: charts, data: data };

  var AMBITIONS = ["optimisation", "transformation", "not_set"];
  var COLOURS = { optimisation: "#1F6FB4", transformation: "#E8710A", not_set: "#8C8C8C" };
  var SHAPES = { optimisation: "circle", transformation: "diamond", not_set: "rect" };
  var PROGRESS_COLOURS = { on_track: "#2E8B57", at_risk: "#E0A100", off_track: "#C0392B" };

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name);
    return value && value.trim() ? value.trim() : fallback;
  }
  var FG = cssVar("--body-fg", "#333333");
  var QUIET = cssVar("--body-quiet-color", "#666666");
  var LINE = cssVar("--hairline-color", "#e8e8e8");
  var BG = cssVar("--body-bg", "#ffffff");

  var language = document.documentElement.lang || "en";
  var money = new Intl.NumberFormat(language, { style: "currency", currency: "EUR", maximumFractionDigits: 0 });
  function percent(share) {
    return share === null || share === undefined ? "–" : Math.round(share * 100) + "%";
  }
  function esc(text) {
    return echarts.format.encodeHTML(text === null || text === undefined ? "" : String(text));
  }
  function shorten(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  function axisStyle(extra) {
    var style = {
      axisLine: { lineStyle: { color: QUIET } },
      axisLabel: { color: FG },
      nameTextStyle: { color: QUIET },
      splitLine: { lineStyle: { color: LINE } },
    };
    return Object.assign(style, extra || {});
  }

  function draw(slug, option) {
    var box = document.querySelector('[data-chart="' + slug + '"]');
    if (!box) {
      return null;
    }
    var chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption(
      Object.assign(
        {
          // Described to screen readers (series, values), and hatched so that no series is told by colour alone.
          aria: { enabled: true, decal: { show: true } },
          // ECharts' own font (sans-serif): it lays labels out by measuring that one, so they fit.
          textStyle: { color: FG },
          tooltip: { confine: true },
          animation: false,
        },
        option
      )
    );
    charts[slug] = chart;
    box.setAttribute("data-drawn", "true");
    return chart;
  }

  function legend(extra) {
    return Object.assign({ top: 0, textStyle: { color: FG }, itemGap: 16 }, extra || {});
  }

  // Scores run from 1 to 5; the axes leave half a step of room on each side for the bubbles.
  function scoreLabel(value) {
    return value >= 1 && value <= 5 ? String(value) : "";
  }

  // Value against feasibility -----------------------------------------------------------------------------

  function valueFeasibility() {
    var bubbles = rows["value-feasibility"];
    var largest = 0;
    bubbles.forEach(function (row) {
      largest = Math.max(largest, row.estimated_annual_benefit || 0);
    });
    // Use cases with the same two scores share a point: they are spread on a small circle around it
    // (drawing only; the data table and the CSV keep the exact scores).
    var cells = {};
    bubbles.forEach(function (row) {
      var key = row.feasibility + ":" + row.business_value;
      (cells[key] = cells[key] || []).push(row);
    });
    var placed = {};
    Object.keys(cells).forEach(function (key) {
      var group = cells[key];
      group.forEach(function (row, index) {
        var radius = group.length === 1 ? 0 : Math.min(0.36, 0.16 + 0.025 * group.length);
        var angle = (2 * Math.PI * index) / group.length - Math.PI / 2;
        placed[row.id] = [row.feasibility + radius * Math.cos(angle), row.business_value + radius * Math.sin(angle)];
      });
    });
    function size(row) {
      if (!row.estimated_annual_benefit || !largest) {
        return 9;
      }
      return 10 + 30 * Math.sqrt(row.estimated_annual_benefit / largest);
    }
    var series = AMBITIONS.filter(function (ambition) {
      return bubbles.some(function (row) {
        return row.ambition === ambition;
      });
    }).map(function (ambition) {
      return {
        name: L.ambition[ambition],
        type: "scatter",
        symbol: SHAPES[ambition],
        itemStyle: { color: COLOURS[ambition], opacity: 0.8, borderColor: BG, borderWidth: 1 },
        emphasis: { focus: "self", itemStyle: { opacity: 1, borderColor: FG, borderWidth: 2 } },
        cursor: "pointer",
        data: bubbles
          .filter(function (row) {
            return row.ambition === ambition;
          })
          .map(function (row) {
            return { value: placed[row.id], symbolSize: size(row), row: row, name: row.reference };
          }),
      };
    });
    var chart = draw("value-feasibility", {
      legend: legend(),
      grid: { left: 64, right: 24, top: 40, bottom: 56 },
      xAxis: axisStyle({
        name: L.feasibility,
        nameLocation: "middle",
        nameGap: 32,
        min: 0,
        max: 6,
        interval: 1,
        axisLabel: { color: FG, formatter: scoreLabel },
      }),
      yAxis: axisStyle({
        name: L.business_value,
        nameLocation: "middle",
        nameGap: 40,
        min: 0,
        max: 6,
        interval: 1,
        axisLabel: { color: FG, formatter: scoreLabel },
      }),
      tooltip: {
        confine: true,
        formatter: function (point) {
          var row = point.data.row;
          return (
            "<strong>" + esc(row.reference + " " + row.title) + "</strong><br>" +
            esc(row.domain) + " · " + esc(L.status[row.status] || row.status) + "<br>" +
            esc(L.ambition[row.ambition]) + "<br>" +
            esc(L.business_value) + ": " + row.business_value + " · " + esc(L.feasibility) + ": " + row.feasibility + "<br>" +
            esc(L.benefit) + ": " + (row.estimated_annual_benefit === null ? esc(L.no_benefit) : money.format(row.estimated_annual_benefit)) +
            "<br><em>" + esc(L.open) + "</em>"
          );
        },
      },
      series: series,
    });
    if (chart) {
      chart.on("click", function (point) {
        if (point.data && point.data.row) {
          window.location.href = data.urls.use_case.replace("{pk}", point.data.row.id);
        }
      });
    }
  }

  // Optimisation and transformation per domain ------------------------------------------------------------

  function ambitionByDomain() {
    var domains = rows["ambition-by-domain"].slice().reverse(); // the first domain on top
    var withoutAmbition = domains.some(function (row) {
      return row.not_set > 0;
    });
    var shown = withoutAmbition ? AMBITIONS : AMBITIONS.slice(0, 2);
    draw("ambition-by-domain", {
      legend: legend(),
      grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: axisStyle({ type: "value", max: 100, axisLabel: { color: FG, formatter: "{value}%" } }),
      yAxis: axisStyle({
        type: "category",
        data: domains.map(function (row) {
          return row.domain;
        }),
        axisLabel: { color: FG, width: 170, overflow: "truncate" },
      }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: function (points) {
          var row = domains[points[0].dataIndex];
          return (
            "<strong>" + esc(row.domain) + "</strong><br>" +
            shown
              .map(function (ambition) {
                return esc(L.ambition[ambition]) + ": " + row[ambition] + " (" + percent(row[ambition + "_share"]) + ")";
              })
              .join("<br>")
          );
        },
      },
      series: shown.map(function (ambition) {
        return {
          name: L.ambition[ambition],
          type: "bar",
          stack: "share",
          barMaxWidth: 28,
          itemStyle: { color: COLOURS[ambition], borderColor: BG, borderWidth: 1 },
          label: {
            show: true,
            color: "#ffffff",
            backgroundColor: "rgba(0, 0, 0, 0.6)",
            padding: [2, 4],
            borderRadius: 3,
            formatter: function (point) {
              return point.value >= 8 ? Math.round(point.value) + "%" : "";
            },
          },
          data: domains.map(function (row) {
            return Math.round((row[ambition + "_share"] || 0) * 1000) / 10;
          }),
        };
      }),
    });
  }

  // The pipeline: use cases per status, and the median days in each ----------------------------------------

  function pipelineChart() {
    var statuses = rows.pipeline.slice().reverse(); // the workflow's first status on top
    var names = statuses.map(function (row) {
      return row.label;
    });
    draw("pipeline", {
      grid: [
        { left: 8, width: "46%", top: 34, bottom: 16, containLabel: true },
        { right: 28, width: "24%", top: 34, bottom: 16, containLabel: true },
      ],
      title: [
        { text: L.use_cases, left: "22%", top: 0, textStyle: { fontSize: 12, color: QUIET, fontWeight: "normal" } },
        { text: L.median_days, right: 16, top: 0, textStyle: { fontSize: 12, color: QUIET, fontWeight: "normal" } },
      ],
      xAxis: [
        axisStyle({ type: "value", gridIndex: 0, minInterval: 1 }),
        axisStyle({ type: "value", gridIndex: 1, minInterval: 1 }),
      ],
      yAxis: [
        axisStyle({ type: "category", gridIndex: 0, data: names, axisLabel: { color: FG, width: 140, overflow: "truncate" } }),
        axisStyle({ type: "category", gridIndex: 1, data: names, axisLabel: { show: false }, axisTick: { show: false } }),
      ],
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: function (points) {
          var row = statuses[points[0].dataIndex];
          return (
            "<strong>" + esc(row.label) + "</strong><br>" +
            esc(L.use_cases) + ": " + row.use_cases +
            (row.median_days === null ? "" : "<br>" + esc(L.median_days) + ": " + row.median_days + " (" + row.stays + ")")
          );
        },
      },
      series: [
        {
          name: L.use_cases,
          type: "bar",
          xAxisIndex: 0,
          yAxisIndex: 0,
          barMaxWidth: 18,
          itemStyle: { color: "#417690" },
          label: { show: true, position: "right", color: FG },
          data: statuses.map(function (row) {
            return row.use_cases;
          }),
        },
        {
          name: L.median_days,
          type: "bar",
          xAxisIndex: 1,
          yAxisIndex: 1,
          barMaxWidth: 18,
          itemStyle: { color: "#8E6C8A" },
          label: {
            show: true,
            position: "right",
            color: FG,
            formatter: function (point) {
              return point.value === null || point.value === undefined ? "" : point.value;
            },
          },
          data: statuses.map(function (row) {
            return row.median_days;
          }),
        },
      ],
    });
  }

  // Success measures ------------------------------------------------------------------------------------------

  function kpiCoverage() {
    var categories = rows["kpi-coverage"].slice().reverse();
    draw("kpi-coverage", {
      grid: { left: 8, right: 72, top: 12, bottom: 24, containLabel: true },
      xAxis: axisStyle({ type: "value", minInterval: 1, name: L.covered, nameLocation: "middle", nameGap: 28 }),
      yAxis: axisStyle({
        type: "category",
        data: categories.map(function (row) {
          return row.label;
        }),
      }),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      series: [
        {
          name: L.covered,
          type: "bar",
          barMaxWidth: 22,
          itemStyle: { color: "#417690" },
          label: {
            show: true,
            position: "right",
            color: FG,
            formatter: function (point) {
              return point.value + " (" + percent(categories[point.dataIndex].share) + ")";
            },
          },
          data: categories.map(function (row) {
            return row.use_cases;
          }),
        },
      ],
    });
  }

  function kpiProgress() {
    var months = rows["kpi-progress"];
    draw("kpi-progress", {
      legend: legend(),
      grid: { left: 8, right: 8, top: 40, bottom: 24, containLabel: true },
      xAxis: axisStyle({
        type: "category",
        data: months.map(function (row) {
          return row.month;
        }),
      }),
      yAxis: [
        axisStyle({ type: "value", min: 0, max: 100, axisLabel: { color: FG, formatter: "{value}%" } }),
        axisStyle({ type: "value", minInterval: 1, splitLine: { show: false } }),
      ],
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: function (points) {
          var row = months[points[0].dataIndex];
          return (
            "<strong>" + esc(row.month) + "</strong><br>" +
            esc(L.on_track_share) + ": " + percent(row.on_track_share) + "<br>" +
            esc(L.measured) + ": " + row.measured + "<br>" +
            esc(L.progress.on_track) + ": " + row.on_track + " · " +
            esc(L.progress.at_risk) + ": " + row.at_risk + " · " +
            esc(L.progress.off_track) + ": " + row.off_track
          );
        },
      },
      series: [
        {
          name: L.measured,
          type: "bar",
          yAxisIndex: 1,
          barMaxWidth: 22,
          itemStyle: { color: "#C9D6DF" },
          data: months.map(function (row) {
            return row.measured;
          }),
        },
        {
          name: L.on_track_share,
          type: "line",
          yAxisIndex: 0,
          symbol: "circle",
          symbolSize: 7,
          connectNulls: false,
          itemStyle: { color: PROGRESS_COLOURS.on_track },
          lineStyle: { width: 2.5 },
          label: {
            show: true,
            position: "top",
            color: FG,
            formatter: function (point) {
              return point.value === null || point.value === undefined ? "" : Math.round(point.value) + "%";
            },
          },
          data: months.map(function (row) {
            return row.on_track_share === null ? null : Math.round(row.on_track_share * 1000) / 10;
          }),
        },
      ],
    });
  }

  // Foundations ---------------------------------------------------------------------------------------------------

  function foundations() {
    var list = rows.foundations.slice().reverse(); // the one unlocking most on top
    var box = document.querySelector('[data-chart="foundations"]');
    if (box) {
      box.style.height = Math.max(160, 56 + 26 * list.length) + "px";
    }
    function name(row) {
      var label = shorten(row.foundation, 34);
      return row.held_back ? label + " ⚠ " + L.held_back.replace("%(count)s", row.held_back) : label;
    }
    draw("foundations", {
      legend: legend(),
      grid: { left: 8, right: 40, top: 36, bottom: 16, containLabel: true },
      xAxis: axisStyle({ type: "value", minInterval: 1 }),
      yAxis: axisStyle({ type: "category", data: list.map(name) }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: function (points) {
          var row = list[points[0].dataIndex];
          return (
            "<strong>" + esc(row.foundation) + "</strong> (" + esc(L.kind[row.kind] || row.kind) + ", " +
            esc(L.readiness) + " " + row.readiness + ")<br>" +
            esc(L.use_cases) + ": " + row.use_cases + " · " + esc(L.reusing) + ": " + row.reusing + "<br>" +
            esc(L.benefit) + ": " + money.format(row.benefit_enabled || 0) +
            (row.held_back ? "<br>⚠ " + esc(L.held_back.replace("%(count)s", row.held_back)) : "")
          );
        },
      },
      series: [
        {
          name: L.reusing,
          type: "bar",
          stack: "unlocked",
          barMaxWidth: 18,
          itemStyle: { color: "#417690" },
          data: list.map(function (row) {
            return row.reusing;
          }),
        },
        {
          name: L.not_reusing,
          type: "bar",
          stack: "unlocked",
          barMaxWidth: 18,
          itemStyle: { color: "#B7C4CC" },
          label: {
            show: true,
            position: "right",
            color: FG,
            formatter: function (point) {
              return String(list[point.dataIndex].use_cases);
            },
          },
          data: list.map(function (row) {
            return row.use_cases - row.reusing;
          }),
        },
      ],
    });
  }

  // Side effects: the heat map ------------------------------------------------------------------------------------

  function sideEffects() {
    var cells = rows["side-effects"];
    var most = 0;
    cells.forEach(function (cell) {
      most = Math.max(most, cell.side_effects);
    });
    var levels = ["1", "2", "3", "4", "5"];
    draw("side-effects", {
      aria: { enabled: true },
      grid: { left: 56, right: 16, top: 12, bottom: 84 },
      xAxis: axisStyle({
        type: "category",
        data: levels,
        name: L.severity,
        nameLocation: "middle",
        nameGap: 26,
        splitArea: { show: false },
      }),
      yAxis: axisStyle({
        type: "category",
        data: levels,
        name: L.likelihood,
        nameLocation: "middle",
        nameGap: 32,
      }),
      visualMap: {
        min: 0,
        max: Math.max(most, 1),
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemHeight: 120,
        text: [String(Math.max(most, 1)), "0"],
        textStyle: { color: FG },
        inRange: { color: ["#FFF7E6", "#FDBE6F", "#E8590C", "#A61E1E"] },
      },
      tooltip: {
        confine: true,
        formatter: function (point) {
          return (
            esc(L.likelihood) + ": " + (point.value[1] + 1) + "<br>" + esc(L.severity) + ": " + (point.value[0] + 1) +
            "<br><strong>" + esc(L.side_effects) + ": " + point.value[2] + "</strong>"
          );
        },
      },
      series: [
        {
          name: L.side_effects,
          type: "heatmap",
          itemStyle: { borderColor: BG, borderWidth: 2 },
          label: {
            show: true,
            fontSize: 14,
            fontWeight: "bold",
            color: "#1F1F1F",
            textBorderColor: "rgba(255,255,255,0.8)",
            textBorderWidth: 2,
          },
          data: cells.map(function (cell) {
            var dark = most > 0 && cell.side_effects / most > 0.55;
            return {
              value: [cell.severity - 1, cell.likelihood - 1, cell.side_effects],
              label: dark ? { color: "#ffffff", textBorderColor: "rgba(0, 0, 0, 0.6)" } : {},
            };
          }),
        },
      ],
    });
  }

  // Priorities: standalone score and synergy, stacked, the highest on top ---------------------------------------

  function priorities() {
    var list = rows.priorities.slice().reverse();
    var box = document.querySelector('[data-chart="priorities"]');
    if (box) {
      box.style.height = Math.max(160, 56 + 26 * list.length) + "px";
    }
    function name(row) {
      var label = row.reference + " " + shorten(row.title, 30);
      return row.keystone ? label + " ◆" : label;
    }
    draw("priorities", {
      legend: legend(),
      grid: { left: 8, right: 40, top: 36, bottom: 16, containLabel: true },
      xAxis: axisStyle({ type: "value" }),
      yAxis: axisStyle({ type: "category", data: list.map(name) }),
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        confine: true,
        formatter: function (points) {
          var row = list[points[0].dataIndex];
          return (
            "<strong>" + esc(row.reference + " " + row.title) + "</strong>" +
            (row.keystone ? " (" + esc(L.keystone) + ")" : "") + "<br>" +
            esc(L.standalone_score) + ": " + (row.standalone === null ? "–" : row.standalone.toFixed(2)) + "<br>" +
            esc(L.synergy) + ": " + row.synergy.toFixed(2)
          );
        },
      },
      series: [
        {
          name: L.standalone_score,
          type: "bar",
          stack: "priority",
          barMaxWidth: 18,
          itemStyle: { color: "#417690" },
          data: list.map(function (row) { return row.standalone || 0; }),
        },
        {
          name: L.synergy,
          type: "bar",
          stack: "priority",
          barMaxWidth: 18,
          itemStyle: { color: "#6941C6" },
          data: list.map(function (row) { return row.synergy; }),
        },
      ],
    });
    var chart = charts.priorities;
    if (chart) {
      chart.on("click", function (point) {
        var row = list[point.dataIndex];
        if (row && data.urls && data.urls.use_case) {
          window.location.href = data.urls.use_case.replace("{pk}", row.id);
        }
      });
    }
  }

  // Isolated pilots: domain x function, standing alone (colour) out of all (label) ---------------------------------

  function isolatedPilots() {
    var cells = rows["isolated-pilots"];
    var domains = [];
    var functions = [];
    var most = 0;
    cells.forEach(function (cell) {
      if (domains.indexOf(cell.domain) < 0) {
        domains.push(cell.domain);
      }
      if (functions.indexOf(cell["function"]) < 0) {
        functions.push(cell["function"]);
      }
      most = Math.max(most, cell.standalone);
    });
    functions.sort();
    draw("isolated-pilots", {
      aria: { enabled: true },
      grid: { left: 140, right: 16, top: 12, bottom: 110, containLabel: false },
      xAxis: axisStyle({ type: "category", data: functions, axisLabel: { rotate: 30, interval: 0 } }),
      yAxis: axisStyle({ type: "category", data: domains, axisLabel: { width: 130, overflow: "truncate" } }),
      visualMap: {
        min: 0,
        max: Math.max(most, 1),
        calculable: false,
        orient: "horizontal",
        left: "center",
        bottom: 0,
        itemHeight: 120,
        text: [L.standalone + " " + String(Math.max(most, 1)), "0"],
        textStyle: { color: FG },
        inRange: { color: ["#EEF6F1", "#FDBE6F", "#E8590C", "#A61E1E"] },
      },
      tooltip: {
        confine: true,
        formatter: function (point) {
          var cell = cells[point.dataIndex];
          return (
            esc(cell.domain) + " · " + esc(cell["function"]) + "<br>" + esc(L.standalone) + ": <strong>" +
            cell.standalone + "</strong><br>" + esc(L.in_portfolio) + ": " + cell.in_portfolio
          );
        },
      },
      series: [
        {
          name: L.standalone,
          type: "heatmap",
          itemStyle: { borderColor: BG, borderWidth: 2 },
          label: {
            show: true,
            color: "#1F1F1F",
            formatter: function (point) {
              var cell = cells[point.dataIndex];
              return cell.standalone + "/" + cell.use_cases;
            },
          },
          data: cells.map(function (cell) {
            return [functions.indexOf(cell["function"]), domains.indexOf(cell.domain), cell.standalone];
          }),
        },
      ],
    });
  }

  // The headline's trend lines -----------------------------------------------------------------------------------

  function trends() {
    var headline = rows.headline;
    if (headline.length < 2) {
      return; // no snapshot yet: nothing to draw a trend from
    }
    data.figures.forEach(function (figure) {
      var box = document.querySelector('[data-trend="' + figure.key + '"]');
      if (!box) {
        return;
      }
      var chart = echarts.init(box, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        grid: { left: 2, right: 2, top: 4, bottom: 2 },
        xAxis: { type: "category", show: false, data: headline.map(function (row) { return row.taken_on; }) },
        yAxis: { type: "value", show: false, scale: true },
        series: [
          {
            type: "line",
            symbol: "none",
            lineStyle: { width: 1.5, color: QUIET },
            areaStyle: { color: LINE, opacity: 0.6 },
            data: headline.map(function (row) {
              return row[figure.key];
            }),
          },
        ],
      });
      charts["trend-" + figure.key] = chart;
    });
  }

  // Success measures per domain and per portfolio ---------------------------------------------------------

  function impactByGroup() {
    var groups = rows["impact-by-group"].slice().reverse(); // the first domain on top
    var statuses = ["on_track", "at_risk", "off_track", "no_data"];
    var colours = Object.assign({ no_data: "#B8B8B8" }, PROGRESS_COLOURS);
    var names = groups.map(function (row) {
      return L.group[row.group] + ": " + row.name;
    });
    var box = document.querySelector('[data-chart="impact-by-group"]');
    if (box) {
      box.style.height = Math.max(220, 60 + groups.length * 26) + "px";
    }
    draw("impact-by-group", {
      legend: legend(),
      grid: { left: 8, right: 24, top: 36, bottom: 24, containLabel: true },
      xAxis: axisStyle({ type: "value", minInterval: 1 }),
      yAxis: axisStyle({ type: "category", data: names, axisLabel: { color: FG, width: 220, overflow: "truncate" } }),
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      series: statuses.map(function (status) {
        return {
          name: L.progress[status],
          type: "bar",
          stack: "measures",
          barMaxWidth: 20,
          itemStyle: { color: colours[status], borderColor: BG, borderWidth: 1 },
          label: {
            show: true,
            color: "#ffffff",
            backgroundColor: "rgba(0, 0, 0, 0.6)",
            padding: [1, 3],
            borderRadius: 3,
            formatter: function (point) {
              return point.value > 0 ? String(point.value) : "";
            },
          },
          data: groups.map(function (row) {
            return row[status];
          }),
        };
      }),
    });
  }

  function drawAll() {
    impactByGroup();
    valueFeasibility();
    ambitionByDomain();
    pipelineChart();
    kpiCoverage();
    kpiProgress();
    foundations();
    sideEffects();
    isolatedPilots();
    priorities();
    trends();
    document.querySelector(".committee-dashboard").setAttribute("data-drawn", Object.keys(charts).length);
  }

  drawAll();
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      Object.keys(charts).forEach(function (key) {
        charts[key].resize();
      });
    }, 150);
  });
})();
