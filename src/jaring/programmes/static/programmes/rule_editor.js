// Live check of a funding source's eligibility rule: asks the rule-check endpoint as the user types and
// shows either the count of eligible persons or the error with a caret under its column. Our own code,
// no library.
(function () {
  "use strict";
  var input = document.getElementById("rule-input");
  var status = document.getElementById("rule-status");
  var pointer = document.getElementById("rule-pointer");
  if (!input || !status) return;
  var form = input.form;
  var csrf = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  var lang = (document.documentElement.lang || "en").slice(0, 2);
  var timer = null;
  var seq = 0;

  function caret(text, column) {
    // column is 1-based over the whole text; show the line it falls on and a caret under the spot.
    var before = text.slice(0, column - 1);
    var lineStart = before.lastIndexOf("\n") + 1;
    var lineEnd = text.indexOf("\n", lineStart);
    var line = text.slice(lineStart, lineEnd < 0 ? text.length : lineEnd);
    return line + "\n" + " ".repeat(Math.max(0, column - 1 - lineStart)) + "^";
  }

  function show(body, text) {
    if (body.ok) {
      status.className = "ok";
      status.textContent = status.dataset.textOk
        .replace("{eligible}", body.eligible.toLocaleString())
        .replace("{total}", body.total.toLocaleString());
      pointer.hidden = true;
      input.removeAttribute("aria-invalid");
    } else {
      var err = body.error;
      status.className = "error";
      status.textContent = lang === "id" ? err.message_id : err.message_en;
      pointer.textContent = caret(text, err.column);
      pointer.hidden = false;
      input.setAttribute("aria-invalid", "true");
    }
  }

  function check() {
    var text = input.value;
    var mine = ++seq;
    status.className = "muted";
    status.textContent = status.dataset.textChecking;
    fetch(status.dataset.checkUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify({ rule: text, programme: status.dataset.programme || null }),
    })
      .then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (body) {
        if (mine === seq) show(body, text); // an older answer never overwrites a newer one
      })
      .catch(function () {
        if (mine === seq) {
          status.className = "error";
          status.textContent = status.dataset.textFailed;
        }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  check();
})();
