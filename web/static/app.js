// Conveniences only: every page works without this file.
// 1. The draft-check form shows upload progress and elapsed time while the server checks.
// 2. A <select data-autosubmit> submits its form when changed.
(function () {
  "use strict";

  function checkProgress(form) {
    var box = document.getElementById("check-progress");
    var bar = document.getElementById("check-bar");
    var status = document.getElementById("check-status");
    if (!box || !window.XMLHttpRequest || !window.FormData) return;
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var button = form.querySelector("button[type=submit]");
      var xhr = new XMLHttpRequest();
      var started = Date.now();
      var timer = null;
      box.hidden = false;
      if (button) button.disabled = true;
      bar.value = 0;
      status.textContent = "正在上传……";
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
      });
      xhr.upload.addEventListener("load", function () {
        bar.removeAttribute("value"); // indeterminate while the server works
        timer = setInterval(function () {
          status.textContent = "正在检查，已用 " + Math.round((Date.now() - started) / 1000) + " 秒……";
        }, 500);
        status.textContent = "正在检查……";
      });
      xhr.addEventListener("load", function () {
        if (timer) clearInterval(timer);
        if (xhr.status < 400 && xhr.responseURL && xhr.responseURL.indexOf("/check/r/") >= 0) {
          window.location.assign(xhr.responseURL);
          return;
        }
        // The server answered with the form and an error message: show its main part.
        var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
        var fresh = doc.querySelector("main");
        var main = document.querySelector("main");
        if (fresh && main) {
          main.innerHTML = fresh.innerHTML;
          var again = main.querySelector("form[data-progress]");
          if (again) checkProgress(again);
          var err = main.querySelector(".error");
          if (err) { err.setAttribute("tabindex", "-1"); err.focus(); }
        } else {
          if (button) button.disabled = false;
          status.textContent = "检查失败（HTTP " + xhr.status + "）。";
        }
      });
      xhr.addEventListener("error", function () {
        if (timer) clearInterval(timer);
        if (button) button.disabled = false;
        status.textContent = "网络错误，请重试。";
      });
      xhr.open("POST", form.action);
      xhr.send(new FormData(form));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-progress]");
    if (form) checkProgress(form);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
      sel.addEventListener("change", function () { sel.form.submit(); });
    });
  });
})();
