// Polls the batch's status while a job runs, moves the progress bar, and reloads the page when it is done.
(function () {
  var box = document.getElementById("batch-status");
  if (!box || box.dataset.running !== "1") return;
  var url = box.dataset.statusUrl;
  var bar = document.getElementById("batch-progress");
  var text = document.getElementById("status-text");
  var message = document.getElementById("progress-message");
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
