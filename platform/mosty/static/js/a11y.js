// Two helps for phones and screen readers; the pages work without them.
// 1. A form sent back with errors: the focus goes to its error summary, or else to the first
//    marked field, so a user who sees a small part of a long page (or hears it) lands on the
//    problem instead of the top of the page. (QA: a decline form's error sat at y=2736.)
// 2. The partnership menu (a <details>, open as served) folds under "Menu" on a narrow screen,
//    where header and menu took most of the first screen; it opens again on a wider one.
(function () {
  var problem = document.querySelector(".error-summary") || document.querySelector(
    "[aria-invalid=true], .has-error input:not([type=hidden]), .has-error select, .has-error textarea");
  if (!problem) {
    // A refusal of the whole form (no field to mark: "choose an instrument or a service",
    // "processing is restricted") is a message in the page: it takes the focus instead.
    problem = document.querySelector("main p.error, main [role=alert]");
    if (problem && !problem.hasAttribute("tabindex")) { problem.setAttribute("tabindex", "-1"); }
  }
  if (problem) { problem.focus(); }

  var menu = document.querySelector("details.menu-toggle");
  if (!menu || !window.matchMedia) { return; }
  var narrow = window.matchMedia("(max-width: 640px)");
  function fit() { menu.open = !narrow.matches; }
  fit();
  if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
})();
