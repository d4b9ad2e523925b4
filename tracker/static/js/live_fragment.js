// One way for a form to show a server-rendered fragment that follows the typing: fetch the
// fragment for the form's current values, newest answer wins, and a failed fetch leaves the
// page as it is (the form's own submit button still works without JavaScript).
window.trackerLiveFragment = function (container, results, url, query) {
  "use strict";
  var timer = null;
  var latest = 0;

  function refresh() {
    var ticket = ++latest;
    container.setAttribute("aria-busy", "true");
    fetch(url + "?" + query(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.status < 500, html: html }; });
    }).then(function (answer) {
      // An older answer arriving after a newer one must not overwrite it.
      if (ticket !== latest || !answer.ok) return;
      results.innerHTML = answer.html;
    }).catch(function () {
      // Offline or server gone: the form's submit button still works.
    }).then(function () {
      if (ticket === latest) container.removeAttribute("aria-busy");
    });
  }

  function later(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, delay || 300);
  }

  return { refresh: refresh, later: later };
};
