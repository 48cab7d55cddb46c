/* Flask-Admin behaviours that its templates wire with inline handlers, which our
   Content-Security-Policy forbids. The admin templates carry data-mosty-* attributes instead
   (see mosty/admin/templates/admin/), and this file binds them. */
(function () {
  "use strict";

  function closest(target, selector) {
    return target && target.closest ? target.closest(selector) : null;
  }

  // "javascript:void(0)" links would be blocked (and reported) by the CSP when followed.
  document.addEventListener("click", function (event) {
    if (closest(event.target, "a[href^='javascript:']")) {
      event.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var action = closest(event.target, "[data-mosty-action]");
    if (action) {
      event.preventDefault();
      if (window.modelActions) {
        window.modelActions.execute(action.getAttribute("data-mosty-action"));
      }
      return;
    }

    var confirmed = closest(event.target, "[data-mosty-confirm]");
    if (confirmed && !window.confirm(confirmed.getAttribute("data-mosty-confirm"))) {
      event.preventDefault();
      return;
    }

    var inlineAdd = closest(event.target, "[data-mosty-inline-add]");
    if (inlineAdd && window.faForm) {
      event.preventDefault();
      window.faForm.addInlineField(inlineAdd, inlineAdd.getAttribute("data-mosty-inline-add"));
    }
  });
})();
