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

  // A supplement that leaves listed materials without a file: say which before it is sent, and
  // send it only once the applicant confirms handing in part of them.
  function checkSupplement(form, event) {
    var warning = form.querySelector("[data-partial-warning]");
    var confirm = form.querySelector("input[name=partial]");
    if (!warning || !confirm) { return; }
    var empty = [];
    var chosen = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      if (input.files && input.files.length) {
        chosen += 1;
      } else {
        var label = form.querySelector("label[for='" + input.id + "']");
        empty.push(label ? label.textContent.trim() : input.name);
      }
    });
    if (!chosen || !empty.length || confirm.checked) { return; }
    event.preventDefault();
    form.querySelector("[data-partial-names]").textContent = empty.join("、");
    warning.hidden = false;
    confirm.focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-supplement-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) { checkSupplement(form, event); });
    });
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
