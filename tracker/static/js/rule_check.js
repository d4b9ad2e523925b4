// Series rule form: the scheduling helper's tables for the rule's next meetings follow the
// organiser's typing (live_fragment.js). Without JavaScript the "Check these times" button
// sends the form back with the same tables, and nothing is saved.
(function () {
  "use strict";
  var section = document.querySelector("[data-rule-check]");
  if (!section || !window.fetch || !window.trackerLiveFragment) return;
  var results = section.querySelector("[data-rule-check-results]");
  var form = document.querySelector("form.form-grid");
  if (!form || !results) return;

  function query() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && typeof value === "string") params.append(name, value);
    });
    return params.toString();
  }

  var live = window.trackerLiveFragment(section, results, section.getAttribute("data-check-url"), query);
  form.addEventListener("input", function () { live.later(400); });
  form.addEventListener("change", function () { live.later(400); });
})();
