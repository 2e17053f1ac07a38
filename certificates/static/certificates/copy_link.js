// 复制链接: the Clipboard API where the browser allows it, else the link's text is selected and
// copied the old way; the button's neighbour says what happened.
(function () {
  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function fallbackCopy(element) {
    selectText(element);
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-target]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var status = document.getElementById(button.getAttribute("data-copy-status"));
    var text = source.textContent.trim();
    function report(copied) {
      status.textContent = copied ? "已复制" : "已选中链接，请长按或按 Ctrl+C 复制";
      if (!copied) selectText(source);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { report(true); },
        function () { report(fallbackCopy(source)); }
      );
    } else {
      report(fallbackCopy(source));
    }
  });
})();
