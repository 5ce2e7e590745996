// The public complaint form: building suggestions as the complainant types.
(function () {
  var box = document.getElementById("building-suggest");
  var input = document.getElementById(box.dataset.input);
  var hidden = document.getElementById(box.dataset.hidden);
  var picked = document.getElementById("building-picked");
  var url = box.dataset.url;
  var timer = null;
  function clear() { box.innerHTML = ""; }
  input.addEventListener("input", function () {
    hidden.value = ""; picked.textContent = "";
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { clear(); return; }
    timer = setTimeout(function () {
      fetch(url + "?q=" + encodeURIComponent(q)).then(function (r) { return r.json(); }).then(function (data) {
        clear();
        (data.results || []).forEach(function (b) {
          var item = document.createElement("button");
          item.type = "button"; item.className = "list-group-item list-group-item-action";
          item.setAttribute("role", "option");
          var name = document.createElement("div"); name.className = "fw-semibold"; name.textContent = b.name;
          var addr = document.createElement("div"); addr.className = "small text-secondary"; addr.textContent = b.address;
          item.appendChild(name); item.appendChild(addr);
          item.addEventListener("click", function () {
            hidden.value = b.id; input.value = b.name; picked.textContent = b.address; clear();
          });
          box.appendChild(item);
        });
      }).catch(clear);
    }, 250);
  });
  document.addEventListener("click", function (e) { if (!box.contains(e.target) && e.target !== input) clear(); });
})();
