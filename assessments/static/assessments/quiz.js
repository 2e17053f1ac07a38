/* The phone quiz screen: navigator, countdown from the server's deadline, autosave through the
   API, and answers kept in localStorage (re-sent when the network returns), so nothing is lost. */
(function () {
  "use strict";
  var root = document.getElementById("quiz");
  if (!root) return;
  var api = root.dataset.api;
  var paper = root.dataset.paper === "1";
  var deadline = root.dataset.deadline ? Date.parse(root.dataset.deadline) : null;
  var skew = Date.parse(root.dataset.now) - Date.now(); // server clock minus this phone's clock
  var storeKey = "ga-quiz-attempt-" + root.dataset.attempt;
  var sections = Array.prototype.slice.call(root.querySelectorAll(".question"));
  var navItems = Array.prototype.slice.call(root.querySelectorAll(".navigator .nav-item"));
  var status = document.getElementById("save-status");
  var current = 0;
  var closed = false;
  var store = {};
  try { store = JSON.parse(localStorage.getItem(storeKey) || "{}"); } catch (e) { store = {}; }

  function persist() { try { localStorage.setItem(storeKey, JSON.stringify(store)); } catch (e) { /* private mode */ } }
  function csrf() { var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/); return m ? decodeURIComponent(m[1]) : ""; }
  function say(text) { status.textContent = text; }

  function readAnswer(section) {
    var type = section.dataset.type;
    var inputs = Array.prototype.slice.call(section.querySelectorAll("input, textarea"));
    if (type === "单选" || type === "判断") {
      var picked = inputs.filter(function (i) { return i.checked; })[0];
      return picked ? picked.value : null;
    }
    if (type === "多选") {
      return inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; }).sort().join("");
    }
    if (type === "填空") return inputs.map(function (i) { return i.value; });
    return inputs[0].value;
  }

  function writeAnswer(section, value) {
    var type = section.dataset.type;
    var inputs = Array.prototype.slice.call(section.querySelectorAll("input, textarea"));
    if (type === "单选" || type === "判断" || type === "多选") {
      inputs.forEach(function (i) { i.checked = value != null && String(value).indexOf(i.value) !== -1; });
    } else if (type === "填空") {
      inputs.forEach(function (i, n) { i.value = (value && value[n]) || ""; });
    } else { inputs[0].value = value || ""; }
  }

  function answered(value) {
    if (value == null) return false;
    if (Array.isArray(value)) return value.some(function (v) { return String(v).trim() !== ""; });
    return String(value).trim() !== "";
  }

  function refreshNav(index) {
    var section = sections[index];
    navItems[index].classList.toggle("answered", answered(readAnswer(section)));
  }

  function show(index) {
    current = Math.max(0, Math.min(sections.length - 1, index));
    navItems.forEach(function (item, n) { item.classList.toggle("current", n === current); });
    if (paper) { sections[current].scrollIntoView({ block: "start" }); return; }
    sections.forEach(function (s, n) { s.classList.toggle("hidden", n !== current); });
    document.getElementById("prev").disabled = current === 0;
    document.getElementById("next").disabled = current === sections.length - 1;
  }

  function pending() { return Object.keys(store).filter(function (qid) { return store[qid].dirty; }); }

  // One request per question at a time: two PUTs in flight together (two options ticked quickly) can
  // reach the server in either order, and the older answer would overwrite the newer one. A change
  // made while one is in flight is sent when it returns.
  var inflight = {};
  function send(qid) {
    var running = inflight[qid];
    if (running) { running.again = true; return running.promise; }
    var state = { again: false };
    state.promise = sendNow(qid).then(function (ok) {
      delete inflight[qid];
      if (ok && state.again && store[qid] && store[qid].dirty && !closed) return send(qid);
      return ok;
    });
    inflight[qid] = state;
    return state.promise;
  }

  function sendNow(qid) {
    var entry = store[qid];
    if (!entry || closed) return Promise.resolve(true);
    var body = { answer: entry.answer };
    if (entry.flagged !== undefined) body.flagged = entry.flagged;
    var sentAt = entry.stamp;
    return fetch(api + "/answers/" + qid, {
      method: "PUT", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) {
        if (store[qid] && store[qid].stamp === sentAt) { store[qid].dirty = false; persist(); }
        if (!pending().length) say("已自动保存");
        return true;
      }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 409) { closed = true; say(data.detail || "作答已结束"); finish(true); return false; }
        if (response.status === 400) { store[qid].dirty = false; persist(); say(data.detail || "答案格式不正确"); return true; }
        say("保存失败，稍后自动重试"); return false;
      });
    }).catch(function () {
      say("网络已断开，答案已保存在本机，联网后自动提交");
      return false;
    });
  }

  function flush() {
    return Promise.all(pending().map(send)).then(function (results) { return results.every(Boolean); });
  }

  var timers = {};
  function changed(section, immediate) {
    var qid = section.dataset.qid;
    var entry = store[qid] || {};
    entry.answer = readAnswer(section);
    entry.dirty = true;
    entry.stamp = Date.now();
    store[qid] = entry;
    persist();
    refreshNav(Number(section.dataset.index));
    say("正在保存…");
    clearTimeout(timers[qid]);
    timers[qid] = setTimeout(function () { send(qid); }, immediate ? 0 : 600);
  }

  sections.forEach(function (section) {
    var qid = section.dataset.qid;
    // Answers typed while offline (or before a reload) win over what the server last saw.
    if (store[qid] && store[qid].dirty && store[qid].answer !== undefined) {
      writeAnswer(section, store[qid].answer);
      refreshNav(Number(section.dataset.index));
    }
    section.addEventListener("change", function () { changed(section, true); });
    section.addEventListener("input", function (event) {
      if (event.target.type === "text" || event.target.tagName === "TEXTAREA") changed(section, false);
    });
    var flag = section.querySelector(".flag-btn");
    flag.addEventListener("click", function () {
      var nav = navItems[Number(section.dataset.index)];
      var on = !nav.classList.contains("flagged");
      nav.classList.toggle("flagged", on);
      flag.textContent = on ? "取消标记" : "标记本题";
      var entry = store[qid] || { answer: readAnswer(section) };
      entry.flagged = on; entry.answer = readAnswer(section); entry.dirty = true; entry.stamp = Date.now();
      store[qid] = entry; persist(); send(qid);
    });
  });
  navItems.forEach(function (item) { item.addEventListener("click", function () { show(Number(item.dataset.target)); }); });
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  if (paper) { document.getElementById("prev").hidden = true; document.getElementById("next").hidden = true; }

  var submitting = false;
  function finish(timeUp) {
    if (submitting) return;
    submitting = true;
    var error = document.getElementById("submit-error");
    flush().then(function (allSaved) {
      if (!allSaved && !closed) {
        submitting = false;
        error.textContent = "网络异常，还有答案未送达服务器。答案已保存在本机，请联网后再交卷。";
        return;
      }
      return fetch(api + "/submit", {
        method: "POST", credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
      }).then(function (response) {
        if (!response.ok) throw new Error("submit");
        try { localStorage.removeItem(storeKey); } catch (e) { /* ignore */ }
        window.location.href = root.dataset.review;
      });
    }).catch(function () {
      submitting = false;
      error.textContent = timeUp ? "时间到，联网后将自动交卷。" : "交卷失败，请检查网络后重试。";
    });
  }
  document.getElementById("submit").addEventListener("click", function () {
    var left = navItems.filter(function (i) { return !i.classList.contains("answered"); }).length;
    var text = left ? "还有 " + left + " 题未作答，确定交卷吗？" : "确定交卷吗？";
    if (window.confirm(text)) finish(false);
  });

  var countdown = document.getElementById("countdown");
  function tick() {
    if (deadline === null) return;
    var left = Math.max(0, Math.floor((deadline - (Date.now() + skew)) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    countdown.textContent = "剩余 " + m + ":" + (s < 10 ? "0" : "") + s;
    countdown.classList.toggle("urgent", left <= 60);
    if (left === 0 && !submitting) finish(true);
  }
  if (deadline !== null) { tick(); setInterval(tick, 1000); }

  window.addEventListener("online", function () { flush().then(function () { if (closed === false && submitting === false) say("已重新连接，答案已同步"); }); });
  setInterval(function () { if (pending().length) flush(); }, 5000);
  show(0);
  if (pending().length) flush();
})();
