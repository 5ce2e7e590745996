/* The date picker: flatpickr (vendor/flatpickr) on every input with data-louyu-date="date"
   or "datetime", in Chinese unless the page is in English. The input stays typeable; the
   server reads 2026-12-03, 2026/12/03, 2026.12.03 and 2026年12月3日 (with HH:MM for a
   datetime) in Asia/Shanghai; typing or Escape closes the calendar. Inputs added later
   by htmx are set up too. */
(function () {
  "use strict";
  if (typeof window.flatpickr !== "function") { return; }

  function setup(input) {
    if (input._flatpickr) { return; }
    var withTime = input.getAttribute("data-louyu-date") === "datetime";
    var english = (document.documentElement.lang || "").toLowerCase().indexOf("en") === 0;
    var picker = window.flatpickr(input, {
      locale: english ? "default" : (window.flatpickr.l10ns.zh || "default"),
      allowInput: true,
      enableTime: withTime,
      time_24hr: true,
      dateFormat: withTime ? "Y-m-d H:i" : "Y-m-d",
      disableMobile: true,
      onReady: function (_dates, _text, instance) {
        instance.calendarContainer.setAttribute("data-testid", "datepicker-" + (input.name || input.id));
      }
    });
    // Typing means the calendar is not wanted: close it (it would cover the fields and
    // buttons below), keeping the typed text for the server to read. flatpickr also
    // ignores Escape while the input has the focus.
    input.addEventListener("input", function () {
      if (picker.isOpen) { picker.close(); }
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && picker.isOpen) { picker.close(); }
    });
  }

  function setupAll(root) {
    var inputs = (root || document).querySelectorAll("input[data-louyu-date]");
    for (var i = 0; i < inputs.length; i++) { setup(inputs[i]); }
  }

  document.addEventListener("DOMContentLoaded", function () { setupAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { setupAll(event.target); });
})();
