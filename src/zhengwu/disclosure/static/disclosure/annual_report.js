/* The annual report page's charts (ECharts): the year's results by applicant type, and the
   balance of received, carried over, handled and carried forward. The figures are the page's
   tables, passed in the json_script block. */
(function () {
  "use strict";
  var source = document.getElementById("annual-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
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

  draw("chart-results", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { data: data.types.map(function (t) { return t.name; }) },
    grid: { left: 16, right: 16, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: data.groups.map(function (g) { return g.name; }) },
    series: data.types.map(function (t) {
      return {
        name: t.name,
        type: "bar",
        stack: "results",
        data: data.groups.map(function (g) { return g.values[t.key]; })
      };
    })
  });

  draw("chart-flow", {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    grid: { left: 16, right: 16, containLabel: true },
    xAxis: { type: "category", data: data.flow.names, axisLabel: { interval: 0, width: 80, overflow: "break" } },
    yAxis: { type: "value", minInterval: 1 },
    series: [{
      type: "bar",
      data: data.flow.values,
      itemStyle: { color: function (p) { return ["#0d6efd", "#6c757d", "#198754", "#ffc107"][p.dataIndex]; } }
    }]
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
