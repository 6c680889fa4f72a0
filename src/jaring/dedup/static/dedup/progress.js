// Polls a deduplication run's status while it runs, moves the progress bar, and reloads the page when done.
(function () {
  var box = document.getElementById("run-status");
  if (!box || box.dataset.running !== "1") return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("run-progress");
  var text = document.getElementById("run-status-text");
  var message = document.getElementById("run-message");
  function poll() {
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.progress;
        text.textContent = s.status_display;
        message.textContent = s.message;
        if (s.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 500);
})();
