// The request form: the identity fields of the applicant kind chosen (a natural person's ID card
// number; an organisation's type and unified social credit code). Without script every field shows.
(function () {
  document.querySelectorAll("[data-applicant-form]").forEach(function (form) {
    function show() {
      var chosen = form.querySelector("input[name=applicant_kind]:checked");
      var kind = chosen ? chosen.value : "";
      form.querySelectorAll("[data-if-person]").forEach(function (node) {
        node.hidden = kind === "organization";
      });
      form.querySelectorAll("[data-if-organization]").forEach(function (node) {
        node.hidden = kind === "person";
      });
    }
    form.querySelectorAll("input[name=applicant_kind]").forEach(function (radio) {
      radio.addEventListener("change", show);
    });
    show();
  });
})();
