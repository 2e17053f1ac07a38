// 知识竞赛候考：按服务器给出的剩余秒数倒计时，定时向服务器校时，归零时提交开始作答。
(function () {
  var room = document.getElementById("paper");
  if (!room || room.dataset.phase !== "waiting") return;
  var label = document.getElementById("countdown");
  var form = document.getElementById("start-form");
  var button = document.getElementById("start-btn");
  var target = performance.now() + Number(room.dataset.ms);
  var sent = false;

  function show(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    label.textContent = (h ? h + " 小时 " : "") + (h || m ? m + " 分 " : "") + r + " 秒";
  }
  function tick() {
    var left = target - performance.now();
    show(left);
    if (left <= 0 && !sent) {
      sent = true;
      button.disabled = false;
      label.textContent = "开考！正在进入答题页面…";
      form.submit();
      return;
    }
    setTimeout(tick, Math.min(250, Math.max(20, left)));
  }
  function sync() {
    var asked = performance.now();
    fetch(room.dataset.clock, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || sent) return;
        var latency = (performance.now() - asked) / 2;
        target = data.started ? performance.now() : performance.now() - latency + data.ms_left;
      })
      .catch(function () {});
  }
  tick();
  sync();
  setInterval(sync, 30000);
})();
