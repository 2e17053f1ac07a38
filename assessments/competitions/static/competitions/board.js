// 排行榜（手机）与大屏：首屏数据随页面下发，之后每 2 秒带 If-None-Match 轮询，未变化时服务器回 304。
(function () {
  var root = document.getElementById("board");
  if (!root) return;
  var screen = root.dataset.mode === "screen";
  var me = root.dataset.me;
  var etag = root.dataset.etag;
  var dataNode = document.getElementById("board-data");
  var data = dataNode ? JSON.parse(dataNode.textContent) : null;

  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }
  function pct(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(1);
  }
  function head(table, labels) {
    var row = document.createElement("tr");
    labels.forEach(function (l) { row.appendChild(cell("th", l.text, l.cls)); });
    var thead = table.tHead;
    thead.textContent = "";
    thead.appendChild(row);
  }
  function render(d) {
    if (!d) return;
    var people = document.getElementById("people");
    var teams = document.getElementById("teams");
    var rounds = d.rounds || [];
    var labels = [{ text: "名次", cls: "rank" }, { text: "选手", cls: "who" }];
    rounds.forEach(function (r) { labels.push({ text: r.name + (r.published ? "" : "*"), cls: "num" }); });
    labels.push({ text: "总分", cls: "num total" });
    head(people, labels);
    var body = people.tBodies[0];
    body.textContent = "";
    var mine = null;
    (d.results || []).forEach(function (s) {
      var tr = document.createElement("tr");
      tr.dataset.worker = s.worker;
      if (me && s.worker === me) { tr.className = "me"; mine = tr; }
      tr.appendChild(cell("td", s.rank, "rank"));
      var who = cell("td", s.name, "who");
      if (s.unit) who.appendChild(cell("small", s.unit, "unit"));
      tr.appendChild(who);
      rounds.forEach(function (r) { tr.appendChild(cell("td", pct((s.rounds || {})[r.name]), "num")); });
      tr.appendChild(cell("td", pct(s.overall), "num total"));
      body.appendChild(tr);
    });
    head(teams, [{ text: "名次", cls: "rank" }, { text: "单位", cls: "who" }, { text: "团体成绩", cls: "num total" }]);
    var tbody = teams.tBodies[0];
    tbody.textContent = "";
    (d.teams || []).forEach(function (t) {
      var tr = document.createElement("tr");
      tr.appendChild(cell("td", t.rank, "rank"));
      tr.appendChild(cell("td", t.unit, "who"));
      tr.appendChild(cell("td", pct(t.score), "num total"));
      tbody.appendChild(tr);
    });
    document.getElementById("board-empty").hidden = (d.results || []).length > 0;
    var updated = document.getElementById("updated");
    if (updated && d.updated_at) updated.textContent = new Date(d.updated_at).toLocaleTimeString("zh-CN", { hour12: false });
    if (mine && !render.scrolled && !screen) { render.scrolled = true; mine.scrollIntoView({ block: "center" }); }
  }
  function poll() {
    var headers = etag ? { "If-None-Match": '"' + etag + '"' } : {};
    fetch(root.dataset.url, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (r) {
        if (r.status === 200) {
          etag = (r.headers.get("ETag") || "").replace(/^W\//, "").replace(/"/g, "");
          return r.json().then(render);
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 2000); });
  }

  // 手机：个人 / 团体两个标签页
  Array.prototype.forEach.call(document.querySelectorAll(".board-tabs .tab"), function (tab) {
    tab.addEventListener("click", function () {
      Array.prototype.forEach.call(document.querySelectorAll(".board-tabs .tab"), function (t) {
        var on = t === tab;
        t.classList.toggle("active", on);
        t.setAttribute("aria-selected", on ? "true" : "false");
      });
      Array.prototype.forEach.call(root.querySelectorAll("[data-pane]"), function (pane) {
        pane.hidden = pane.dataset.pane !== tab.dataset.tab;
      });
    });
  });

  // 大屏：名单超出一屏时缓慢滚动，到底停留后回到顶部
  if (screen) {
    var pane = root.querySelector("[data-pane=people]");
    var pause = 0;
    setInterval(function () {
      if (pane.scrollHeight <= pane.clientHeight + 2) return;
      if (pause > 0) { pause -= 1; return; }
      if (pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 1) { pane.scrollTop = 0; pause = 60; return; }
      pane.scrollTop += 2;
    }, 50);
  }

  render(data);
  setTimeout(poll, 2000);
})();
