// The progress page of a background job (export jobs, bulk certificate issuance). The element with
// data-status-url is polled while data-running="1" and the answer is still pending/running; its
// parts are found by data-job: status, bar, count, file-name, hint (hidden once finished), error;
// a part's data-prefix goes before the text it is given. With data-reload-when-done="1" the page
// reloads once the job has finished, for pages whose finished state is drawn by the server.
// An element with data-job-show="flag" appears once the answer's `flag` is true; a link with
// data-job-link="key" gets the answer's `key` (e.g. download_url) as its address once there is one.
(function () {
  document.querySelectorAll("[data-status-url]").forEach(function (box) {
    var every = Number(box.dataset.pollMs || 1000);
    function part(name) { return box.querySelector('[data-job="' + name + '"]'); }
    function set(name, text) { var el = part(name); if (el && text) { el.textContent = (el.dataset.prefix || "") + text; } }
    function poll() {
      fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
        set("status", s.status_label);
        set("count", s.done + "/" + s.total);
        set("file-name", s.file_name);
        var bar = part("bar");
        if (bar) {
          bar.style.width = s.percent + "%";
          if (bar.parentNode.hasAttribute("aria-valuenow")) { bar.parentNode.setAttribute("aria-valuenow", s.percent); }
        }
        box.querySelectorAll("[data-job-link]").forEach(function (el) {
          if (s[el.dataset.jobLink]) { el.href = s[el.dataset.jobLink]; }
        });
        box.querySelectorAll("[data-job-show]").forEach(function (el) {
          if (s[el.dataset.jobShow]) { el.hidden = false; }
        });
        var error = part("error");
        if (error && s.error) { error.textContent = s.error; error.hidden = false; }
        if (s.status === "pending" || s.status === "running") { setTimeout(poll, every); }
        else if (box.dataset.reloadWhenDone === "1") { window.location.reload(); }
        else if (part("hint")) { part("hint").hidden = true; }
      }).catch(function () { setTimeout(poll, 3 * every); });
    }
    if (box.dataset.running === "1") { poll(); }
  });
})();
