// Read the page's main content aloud with the browser's own speech synthesis (no outside service).
// The button stays hidden where the browser cannot speak.
(function () {
  "use strict";
  var button = document.querySelector("[data-read-aloud]");
  if (!button || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }
  var main = document.getElementById("main");
  var startLabel = button.textContent;
  var stopLabel = button.getAttribute("data-stop-label");
  function reset() {
    button.textContent = startLabel;
    button.setAttribute("aria-pressed", "false");
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    if (window.speechSynthesis.speaking) {
      window.speechSynthesis.cancel();
      reset();
      return;
    }
    var utterance = new SpeechSynthesisUtterance(main ? main.innerText : document.body.innerText);
    utterance.lang = document.documentElement.lang === "en" ? "en-US" : "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = reset;
    utterance.onerror = reset;
    button.textContent = stopLabel;
    button.setAttribute("aria-pressed", "true");
    window.speechSynthesis.speak(utterance);
  });
})();
