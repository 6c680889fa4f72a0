// Polls a background job's status while it runs, moves its progress bar, and reloads the page when done.
// Markup: a box with data-job-status, data-status-url and data-running="1", holding elements marked
// data-job-bar (a <progress>), data-job-text and data-job-message. The status URL answers JSON with
// progress, status_display, message and finished.
(function () {
  var box = document.querySelector("[data-job-status]");
  if (!box || box.dataset.running !== "1") return;
  var url = box.dataset.statusUrl;
  var bar = box.querySelector("[data-job-bar]");
  var text = box.querySelector("[data-job-text]");
  var message = box.querySelector("[data-job-message]");
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
