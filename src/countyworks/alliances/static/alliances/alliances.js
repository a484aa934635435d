/* Program 1 pages: the print button of a statement (CSP: no inline script). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-print]");
    if (target) { window.print(); }
  });
})();
