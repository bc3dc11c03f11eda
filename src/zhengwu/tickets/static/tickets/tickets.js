/* Ticket pages: the intake form's "use" buttons, the callback form's fields, and the charts
   (data from json_script). No inline scripts: the content security policy forbids them. */
(function () {
  "use strict";

  function setSelect(form, name, value) {
    var select = form.querySelector("select[name=" + name + "]");
    if (select && value) {
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  document.addEventListener("click", function (event) {
    var use = event.target.closest("[data-use-suggestion]");
    if (use) {
      var form = use.closest("form");
      setSelect(form, "category", use.getAttribute("data-category"));
      setSelect(form, "department", use.getAttribute("data-department"));
      return;
    }
    var answer = event.target.closest("[data-use-answer]");
    if (answer) {
      var item = answer.closest("li");
      var text = item.querySelector("template[data-answer-text]");
      var box = answer.closest("form").querySelector("textarea[name=answer]");
      if (text && box) {
        box.value = text.content.textContent.trim();
        var details = box.closest("details");
        if (details) { details.open = true; }
        box.focus();
      }
    }
  });

  function showCallbackFields(form) {
    var reached = form.querySelector("input[name=reached]:checked");
    var on = !reached || reached.value === "yes";
    form.querySelectorAll("[data-if-reached]").forEach(function (group) { group.hidden = !on; });
  }

  function chart(id, build) {
    var node = document.getElementById(id);
    var source = node && document.getElementById(node.getAttribute("data-source"));
    if (!node || !source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var instance = echarts.init(node);
    instance.setOption(build(data, node));
    window.addEventListener("resize", function () { instance.resize(); });
  }

  function grouped(data, key, title) {
    return {
      title: { text: title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 24 },
      grid: { top: 60, left: 40, right: 10, bottom: 70 },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: "件", minInterval: 1 },
      series: data.years.map(function (year, i) {
        return { name: year, type: "bar", data: data[key][i], label: { show: true, position: "top" } };
      })
    };
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-callback-form]").forEach(function (form) {
      form.querySelectorAll("input[name=reached]").forEach(function (radio) {
        radio.addEventListener("change", function () { showCallbackFields(form); });
      });
      showCallbackFields(form);
    });
    chart("chart-received", function (data, node) {
      return grouped(data, "received", node.getAttribute("data-title"));
    });
    chart("chart-substantiated", function (data, node) {
      return grouped(data, "substantiated", node.getAttribute("data-title"));
    });
    chart("chart-monthly", function (data, node) {
      return {
        title: { text: node.getAttribute("data-title"), left: "center", textStyle: { fontSize: 14 } },
        tooltip: { trigger: "axis" },
        legend: { top: 24 },
        grid: { top: 60, left: 40, right: 10, bottom: 30 },
        xAxis: { type: "category", data: data.months },
        yAxis: { type: "value", minInterval: 1 },
        series: data.kinds.map(function (kind, i) {
          return { name: kind, type: "bar", stack: "kind", data: data.by_kind[i] };
        })
      };
    });
  });
})();
