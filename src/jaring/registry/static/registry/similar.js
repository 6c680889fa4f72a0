// Warns while a person is typed in when the registry may already hold them (same birth date and a
// similar name, or a NIK one digit away). Asks GET /api/v1/persons/similar; our own code, no library.
(function () {
  "use strict";
  var form = document.getElementById("person-form");
  var box = document.getElementById("similar-warning");
  if (!form || !box) { return; }
  var url = form.getAttribute("data-similar-url");
  var exclude = form.getAttribute("data-exclude") || "";
  var english = (document.documentElement.lang || "id").slice(0, 2) === "en";
  var fields = ["id_full_name", "id_birth_date", "id_nik"].map(function (id) { return document.getElementById(id); });
  var timer = null;
  var last = "";

  function render(items) {
    box.textContent = "";
    if (!items.length) { box.hidden = true; return; }
    var list = document.createElement("ul");
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.textContent = english ? item.message_en : item.message_id;
      if (item.in_scope && item.person_id) {
        var a = document.createElement("a");
        a.href = "/persons/" + item.person_id + "/";
        a.textContent = " " + item.full_name + " (" + item.nik + ")";
        li.appendChild(a);
      }
      list.appendChild(li);
    });
    box.appendChild(list);
    box.hidden = false;
  }

  function check() {
    var params = new URLSearchParams();
    params.set("name", fields[0] ? fields[0].value : "");
    if (fields[1] && fields[1].value) { params.set("birth_date", fields[1].value); }
    params.set("nik", fields[2] ? fields[2].value : "");
    if (exclude) { params.set("exclude", exclude); }
    var query = params.toString();
    if (query === last) { return; }
    last = query;
    fetch(url + "?" + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { if (query === last) { render(body.items || []); } })
      .catch(function () { /* a failed check must never block typing */ });
  }

  fields.forEach(function (input) {
    if (!input) { return; }
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 400); });
    input.addEventListener("change", check);
  });
})();
