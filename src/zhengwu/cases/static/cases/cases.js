/* Case pages: print buttons, the applicant kind switch of the window form, auto-submitting
   selects. No inline scripts (the content security policy forbids them). */
(function () {
  "use strict";

  function showKind(form) {
    var checked = form.querySelector("input[name=kind]:checked");
    var kind = checked ? checked.value : "person";
    form.querySelectorAll("[data-kind]").forEach(function (group) {
      group.hidden = group.getAttribute("data-kind") !== kind;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.querySelectorAll("form[data-applicant-form]").forEach(function (form) {
      form.querySelectorAll("input[name=kind]").forEach(function (radio) {
        radio.addEventListener("change", function () { showKind(form); });
      });
      showKind(form);
    });
  });
})();
