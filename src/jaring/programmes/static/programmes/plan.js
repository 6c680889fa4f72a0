// Progress feedback while a plan or a what-if is computed: a form marked data-computing disables its
// button and shows its progress line with the seconds elapsed. Our own code, no library.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-computing]");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      var line = document.getElementById(form.getAttribute("data-computing"));
      if (button) { button.disabled = true; }
      if (!line) { return; }
      var started = Date.now();
      line.hidden = false;
      var label = line.getAttribute("data-label") || line.textContent;
      window.setInterval(function () {
        line.textContent = label + " " + Math.round((Date.now() - started) / 1000) + " s";
      }, 500);
    });
  });
})();
