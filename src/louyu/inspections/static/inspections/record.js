// The on-site inspection form: keeps a draft of its fields on the device (localStorage, per
// assignment), and submits with a submission key generated once, so a submission retried
// after a dropped connection is stored once. Files cannot be kept and must be re-chosen.
(function () {
  "use strict";
  var form = document.getElementById("inspection-form");
  if (!form) return;
  var key = form.dataset.draftKey;
  var status = form.querySelector("[data-testid=inspection-status]");
  var errors = form.querySelector("[data-testid=inspection-errors]");
  var keyField = form.elements.submission_key;
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { return {}; }
  }
  function fields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken";
    });
  }
  function save(pending) {
    var draft = load();
    var values = {};
    fields().forEach(function (el) {
      if (el.name === "submission_key") return;
      if (el.type === "radio" || el.type === "checkbox") {
        values[el.name] = values[el.name] || [];
        if (el.checked) values[el.name].push(el.value);
      } else {
        values[el.name] = el.value;
      }
    });
    draft.values = values;
    draft.key = keyField.value;
    if (pending !== undefined) draft.pending = pending;
    localStorage.setItem(key, JSON.stringify(draft));
  }
  function restore() {
    var draft = load();
    keyField.value = draft.key || (window.crypto && crypto.randomUUID ? crypto.randomUUID() : "");
    var values = draft.values || {};
    fields().forEach(function (el) {
      if (!(el.name in values) || el.name === "submission_key") return;
      var value = values[el.name];
      if (el.type === "radio" || el.type === "checkbox") el.checked = value.indexOf(el.value) !== -1;
      else el.value = value;
    });
    if (draft.pending) show(status, form.dataset.offlineText);
    save();
  }
  function show(box, text) {
    box.textContent = text;
    box.classList.toggle("d-none", !text);
  }
  function toggleOutcome() {
    var outcome = form.querySelector("input[name=outcome]:checked");
    var value = outcome ? outcome.value : "inspected";
    form.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = part.dataset.when !== value;
    });
  }
  function offline() {
    save(true);
    show(status, form.dataset.offlineText);
  }
  function submit() {
    if (sending) return;
    save(true);
    if (!navigator.onLine) { offline(); return; }
    sending = true;
    show(errors, "");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (body) {
        sending = false;
        if (response.ok) {
          localStorage.removeItem(key);
          window.location.assign(body.url);
          return;
        }
        save(false);
        show(status, "");
        show(errors, (body.errors || [form.dataset.failedText]).join("；"));
      });
    }).catch(function () {
      sending = false;
      offline();
    });
  }

  restore();
  toggleOutcome();
  form.addEventListener("change", function () { toggleOutcome(); save(); });
  form.addEventListener("input", function () { save(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); submit(); });
  window.addEventListener("online", function () { if (load().pending) submit(); });
})();
