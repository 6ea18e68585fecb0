// Read the page's main content aloud with the browser's own speech synthesis (no outside service).
// The button stays hidden where the browser cannot speak. Only what a sighted reader sees is read: never the
// hidden anti-spam field ("Leave this field empty"), text kept for screen readers only, or anything hidden.
(function () {
  "use strict";
  var button = document.querySelector("[data-read-aloud]");
  if (!button || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }
  var main = document.getElementById("main");
  var startLabel = button.textContent;
  var stopLabel = button.getAttribute("data-stop-label");
  var SKIPPED = { SCRIPT: 1, STYLE: 1, NOSCRIPT: 1, TEMPLATE: 1, SELECT: 1, TEXTAREA: 1, svg: 1 };

  // An element is not seen when it is hidden, hidden from assistive technology, or drawn in a box of one pixel
  // or less (the visually-hidden pattern) or entirely outside the page to the left (the honeypot).
  function unseen(element) {
    if (element.hidden || element.getAttribute("aria-hidden") === "true") {
      return true;
    }
    var style = window.getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden") {
      return true;
    }
    if (style.position === "absolute" || style.position === "fixed") {
      var box = element.getBoundingClientRect();
      if ((box.width <= 1 && box.height <= 1) || box.right + window.scrollX <= 0) {
        return true;
      }
    }
    return false;
  }

  function visibleText(element, parts) {
    for (var node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === Node.TEXT_NODE) {
        parts.push(node.nodeValue);
      } else if (node.nodeType === Node.ELEMENT_NODE && !SKIPPED[node.nodeName] && !unseen(node)) {
        var block = !/^inline/.test(window.getComputedStyle(node).display);
        if (block) {
          parts.push("\n");
        }
        visibleText(node, parts);
        if (block) {
          parts.push("\n");
        }
      }
    }
    return parts;
  }

  function spokenText() {
    return visibleText(main || document.body, [])
      .join("")
      .replace(/[ \t\r\f\v]+/g, " ")
      .replace(/\s*\n\s*/g, "\n")
      .trim();
  }

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
    var utterance = new SpeechSynthesisUtterance(spokenText());
    utterance.lang = document.documentElement.lang === "en" ? "en-US" : "zh-CN";
    utterance.rate = 0.9;
    utterance.onend = reset;
    utterance.onerror = reset;
    button.textContent = stopLabel;
    button.setAttribute("aria-pressed", "true");
    window.speechSynthesis.speak(utterance);
  });
})();
