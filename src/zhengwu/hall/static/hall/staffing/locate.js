// Attendance: a mobile sign-in sends the browser's location; the print button of the patrol log.
(function () {
  document.querySelectorAll("form[data-locate]").forEach(function (form) {
    var located = false;
    form.addEventListener("submit", function (event) {
      var method = form.querySelector("[name=method]");
      if (!method || method.value !== "mobile" || located || !navigator.geolocation) return;
      event.preventDefault();
      var button = event.submitter;
      navigator.geolocation.getCurrentPosition(function (pos) {
        form.querySelector("[name=lat]").value = pos.coords.latitude;
        form.querySelector("[name=lon]").value = pos.coords.longitude;
        located = true;
        if (button) { button.click(); } else { form.submit(); }
      }, function () { located = true; form.requestSubmit(button); });
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
