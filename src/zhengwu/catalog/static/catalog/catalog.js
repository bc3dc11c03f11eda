// Catalogue pages: the print button and adding rows to the editor's formsets. No inline scripts.
(function () {
  "use strict";

  document.querySelectorAll("[data-action=print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("[data-formset-add]").forEach(function (button) {
    button.addEventListener("click", function () {
      var prefix = button.getAttribute("data-formset-add");
      var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
      var template = document.querySelector("template[data-formset-template=" + prefix + "]");
      var body = document.querySelector("[data-formset-body=" + prefix + "]");
      if (!total || !template || !body) { return; }
      var index = parseInt(total.value, 10) || 0;
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      while (holder.firstElementChild) { body.appendChild(holder.firstElementChild); }
      total.value = String(index + 1);
      var first = body.lastElementChild && body.lastElementChild.querySelector("input:not([type=hidden])");
      if (first) { first.focus(); }
    });
  });
})();
