/* The building picker: any input with data-building-picker="<url>" suggests buildings as
   the user types a name, alias, address fragment or code (two characters suffice). The url
   answers ?q= with {"results": [{code, name, address, operator_count?}]}. Picking a
   suggestion (click, or arrows and Enter) puts its code in the input; Escape closes the
   list. With data-picker-submit the form is submitted on pick. */
(function () {
  "use strict";
  var MIN = 2, DELAY = 150, seq = 0;

  function setup(input) {
    var holder = input.parentNode;
    holder.classList.add("ly-picker");
    var list = document.createElement("div");
    list.className = "ly-picker-list";
    list.id = input.id + "_suggestions";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var picked = document.createElement("div");
    picked.className = "form-text ly-picker-picked";
    picked.setAttribute("data-testid", "picker-picked");
    picked.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", picked);
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("aria-controls", list.id);
    var options = [], active = -1, timer = null, last = "";

    function close() {
      list.hidden = true; list.innerHTML = ""; options = []; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(index) {
      options.forEach(function (o, i) { o.el.classList.toggle("active", i === index); o.el.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0) { input.setAttribute("aria-activedescendant", options[index].el.id); options[index].el.scrollIntoView({block: "nearest"}); }
    }
    function pick(b) {
      input.value = b.code; last = b.code;
      picked.textContent = b.name + " · " + b.address;
      close();
      input.dispatchEvent(new Event("change", {bubbles: true}));
      if (input.dataset.pickerSubmit && input.form) { input.form.submit(); }
    }
    function line(cls, text) { var d = document.createElement("div"); d.className = cls; d.textContent = text; return d; }
    function show(results) {
      list.innerHTML = ""; options = []; active = -1;
      if (!results.length) {
        list.appendChild(line("ly-picker-empty", input.dataset.pickerEmpty || ""));
      }
      results.forEach(function (b, i) {
        var el = document.createElement("div");
        el.className = "ly-picker-option"; el.id = list.id + "_" + i;
        el.setAttribute("role", "option"); el.setAttribute("data-testid", "picker-option");
        el.appendChild(line("ly-picker-name", b.name));
        el.appendChild(line("ly-picker-meta", b.address));
        var meta = b.code;
        if (b.operator_count !== undefined) { meta += " · " + (input.dataset.pickerCount || "") + " " + b.operator_count; }
        el.appendChild(line("ly-picker-meta", meta));
        el.addEventListener("mousedown", function (e) { e.preventDefault(); pick(b); });
        list.appendChild(el); options.push({el: el, building: b});
      });
      list.hidden = false; input.setAttribute("aria-expanded", "true");
    }
    function lookup() {
      var q = input.value.trim();
      if (q === last) { return; }
      last = q; picked.textContent = "";
      clearTimeout(timer);
      if (q.length < MIN) { close(); return; }
      var mine = ++seq;
      timer = setTimeout(function () {
        var url = input.dataset.buildingPicker + (input.dataset.buildingPicker.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q);
        fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {results: []}; })
          .then(function (data) { if (mine === seq && input.value.trim() === q) { show(data.results || []); } })
          .catch(close);
      }, DELAY);
    }
    input.addEventListener("input", lookup);
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { if (e.key === "ArrowDown") { last = ""; lookup(); } return; }
      if (e.key === "ArrowDown" && options.length) { e.preventDefault(); highlight((active + 1) % options.length); }
      else if (e.key === "ArrowUp" && options.length) { e.preventDefault(); highlight(active <= 0 ? options.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(options[active].building); }
      else if (e.key === "Escape") { e.preventDefault(); close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-building-picker]").forEach(setup);
})();
