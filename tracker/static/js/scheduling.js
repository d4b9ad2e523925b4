// Meeting form: the scheduling helper refreshes its table as the organiser types, by fetching
// the HTML fragment from /scheduling/check (live_fragment.js). Without JavaScript the "Check
// this time" button sends the form back with the same table, and a suggestion's button fills
// in the time.
(function () {
  "use strict";
  var helper = document.querySelector("[data-slot-helper]");
  if (!helper || !window.fetch || !window.trackerLiveFragment) return;
  var form = helper.closest("form");
  var results = helper.querySelector("[data-slot-results]");
  if (!form || !results) return;

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

  var live = window.trackerLiveFragment(helper, results, helper.getAttribute("data-check-url"), query);
  var refresh = live.refresh;
  var later = live.later;

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
