// The job page: follow a queued or running job by polling its progress (JSON) and move the
// progress bar; once the job has finished, reload the page to show its result and errors.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-progress-url");
  var state = box.getAttribute("data-state");
  if (!url || state === "done" || state === "failed") { return; }
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-progress-text");
  var stateLabel = document.getElementById("job-state");
  var delay = 1000;

  function show(data) {
    if (bar) { bar.value = data.percent; bar.textContent = data.percent + "%"; }
    if (text) {
      text.textContent = data.percent + "%" + (data.total ? " (" + data.done + " / " + data.total + ")" : "");
    }
    if (stateLabel && data.state_label) {
      var badge = document.createElement("span");
      badge.className = "badge badge-job-" + data.state;
      badge.textContent = data.state_label;
      stateLabel.replaceChildren(badge);
    }
    box.setAttribute("data-state", data.state);
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
          return;
        }
        delay = 1000;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // A lost connection in the field: keep trying, less often.
        delay = Math.min(delay * 2, 15000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);
}());
