// The decision letter's print button: shown only where scripts run (printing from the browser's menu works too).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.getElementById("print-letter");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
