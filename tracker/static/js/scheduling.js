// Meeting form: the scheduling helper refreshes its table as the organiser types, by fetching
// the HTML fragment from /scheduling/check. Without JavaScript the "Check this time" button
// sends the form back with the same table, and a suggestion's button fills in the time.
(function () {
  "use strict";
  var helper = document.querySelector("[data-slot-helper]");
  if (!helper || !window.fetch) return;
  var form = helper.closest("form");
  var results = helper.querySelector("[data-slot-results]");
  if (!form || !results) return;
  var timer = null;
  var latest = 0;

  function value(name) {
    var field = form.elements.namedItem(name);
    return field && "value" in field ? field.value : "";
  }

  function query() {
    var params = new URLSearchParams();
    params.set("starts", value("starts"));
    params.set("ends", value("ends"));
    params.set("timezone", value("timezone"));
    params.set("series", value("series_id"));
    form.querySelectorAll("select[name$='-organisation']").forEach(function (select) {
      if (select.value) params.append("org", select.value);
    });
    return params.toString();
  }

  function refresh() {
    var ticket = ++latest;
    helper.setAttribute("aria-busy", "true");
    fetch(helper.getAttribute("data-check-url") + "?" + query(), {
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      return response.text().then(function (html) { return { ok: response.status < 500, html: html }; });
    }).then(function (answer) {
      // An older answer arriving after a newer one must not overwrite it.
      if (ticket !== latest || !answer.ok) return;
      results.innerHTML = answer.html;
    }).catch(function () {
      // Offline or server gone: the "Check this time" button still works.
    }).then(function () {
      if (ticket === latest) helper.removeAttribute("aria-busy");
    });
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  function watched(target) {
    var name = target.name || "";
    return name === "starts" || name === "ends" || name === "timezone" || name === "series_id" ||
      /-organisation$/.test(name);
  }

  form.addEventListener("input", function (event) { if (watched(event.target)) later(); });
  form.addEventListener("change", function (event) { if (watched(event.target)) later(); });

  // A suggestion fills the start and end in place instead of sending the form.
  results.addEventListener("click", function (event) {
    var button = event.target.closest("[data-slot-starts]");
    if (!button) return;
    event.preventDefault();
    form.elements.namedItem("starts").value = button.getAttribute("data-slot-starts");
    form.elements.namedItem("ends").value = button.getAttribute("data-slot-ends");
    refresh();
    form.elements.namedItem("starts").focus();
  });
})();
