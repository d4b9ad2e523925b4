// Meeting pages: a Print button on the report. Without JavaScript the button stays hidden and
// the browser's own print command prints the same page.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
