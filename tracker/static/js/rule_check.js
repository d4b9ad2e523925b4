// Series rule form: the scheduling helper's tables for the rule's next meetings follow the
// organiser's typing, fetched as an HTML fragment. Without JavaScript the "Check these times"
// button sends the form back with the same tables, and nothing is saved.
(function () {
  "use strict";
  var section = document.querySelector("[data-rule-check]");
  if (!section || !window.fetch) return;
  var results = section.querySelector("[data-rule-check-results]");
  var form = document.querySelector("form.form-grid");
  if (!form || !results) return;
  var timer = null;
  var latest = 0;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
    });
    return params.toString();
  }

  function refresh() {
    var ticket = ++latest;
    section.setAttribute("aria-busy", "true");
    fetch(section.getAttribute("data-check-url") + "?" + query(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.status < 500, html: html }; });
    }).then(function (answer) {
      // An older answer arriving after a newer one must not overwrite it.
      if (ticket !== latest || !answer.ok) return;
      results.innerHTML = answer.html;
    }).catch(function () {
      // Offline or server gone: the "Check these times" button still works.
    }).then(function () {
      if (ticket === latest) section.removeAttribute("aria-busy");
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 400);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
