/* The leader dashboard's charts (ECharts). The data comes from the page's json_script block;
   every chart has its table beside it in the page. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.labels;
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var chart = echarts.init(element);
    chart.setOption(option);
    charts.push(chart);
  }

  draw("chart-flow", {
    tooltip: { trigger: "axis" },
    legend: { data: [labels.received, labels.completed] },
    xAxis: { type: "category", data: data.flow.map(function (r) { return r.label; }) },
    yAxis: { type: "value", name: labels.cases },
    series: [
      { name: labels.received, type: "bar", data: data.flow.map(function (r) { return r.received; }) },
      { name: labels.completed, type: "bar", data: data.flow.map(function (r) { return r.completed; }) }
    ]
  });

  draw("chart-rates", {
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + "%"; } },
    legend: { data: [labels.on_time, labels.online] },
    grid: { left: 16, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", inverse: true, data: data.rates.map(function (r) { return r.name; }) },
    series: [
      { name: labels.on_time, type: "bar", data: data.rates.map(function (r) { return r.on_time; }) },
      { name: labels.online, type: "bar", data: data.rates.map(function (r) { return r.online; }) }
    ]
  });

  draw("chart-levels", {
    tooltip: { trigger: "item" },
    color: ["#198754", "#ffc107", "#dc3545", "#6f1d1b"],
    series: [{ type: "pie", radius: ["35%", "70%"], data: data.levels }]
  });

  draw("chart-irregularities", {
    tooltip: { trigger: "axis" },
    grid: { left: 16, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.irregularities.map(function (r) { return r.name; }) },
    series: [{ type: "bar", name: labels.cases, data: data.irregularities.map(function (r) { return r.value; }) }]
  });

  draw("chart-joint", {
    tooltip: { trigger: "axis" },
    legend: { data: [labels.used, labels.serial] },
    grid: { left: 16, containLabel: true },
    xAxis: { type: "value", name: labels.days },
    yAxis: { type: "category", inverse: true, data: data.joint.map(function (r) { return r.name; }) },
    series: [
      { name: labels.used, type: "bar", data: data.joint.map(function (r) { return r.used; }) },
      { name: labels.serial, type: "bar", data: data.joint.map(function (r) { return r.serial; }) }
    ]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
