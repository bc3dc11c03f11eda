// The hall screen (叫号屏): polls the feed every 1.5 s, shows every window's number, and announces
// each new call with the browser's Chinese speech synthesis (after a first touch, as browsers
// require a user gesture before speaking).
(function () {
  "use strict";
  var root = document.getElementById("screen");
  if (!root) { return; }
  var feed = root.getAttribute("data-feed");
  var after = parseInt(root.getAttribute("data-after") || "0", 10);
  var pattern = root.getAttribute("data-say");
  var voiceOn = false;
  var latest = document.getElementById("latest");
  var sound = document.getElementById("sound");

  function sentence(call) {
    return pattern.replace("{number}", call.number).replace("{window}", call.window);
  }

  function speak(text) {
    if (!voiceOn || !("speechSynthesis" in window)) { return; }
    var spoken = text.replace(/([A-Z])(\d+)/g, function (_m, letter, digits) {
      return letter + " " + digits.split("").join(" ");
    });
    var utterance = new SpeechSynthesisUtterance(spoken);
    utterance.lang = "zh-CN";
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function paint(data) {
    (data.windows || []).forEach(function (w) {
      var box = root.querySelector('[data-window="' + w.code + '"]');
      if (!box) { return; }
      box.classList.toggle("closed", !w.open);
      box.querySelector("[data-current]").textContent = w.current || "—";
    });
    (data.types || []).forEach(function (t) {
      var item = root.querySelector('[data-type="' + t.code + '"] strong');
      if (item) { item.textContent = t.waiting; }
    });
    (data.calls || []).forEach(function (call) {
      after = Math.max(after, call.id);
      var text = sentence(call);
      latest.textContent = text;
      var box = root.querySelector('[data-window="' + call.window + '"]');
      if (box) {
        box.classList.add("flash");
        setTimeout(function () { box.classList.remove("flash"); }, 4000);
      }
      speak(text);
      speak(text);
    });
    root.setAttribute("data-after", String(after));
  }

  function poll() {
    fetch(feed + "&after=" + after, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { paint(data); } })
      .catch(function () { /* the next poll tries again */ })
      .finally(function () { setTimeout(poll, 1500); });
  }

  if (sound) {
    sound.addEventListener("click", function () {
      voiceOn = true;
      sound.classList.add("d-none");
      speak(sound.textContent);
    });
  }
  setTimeout(poll, 1500);
})();
