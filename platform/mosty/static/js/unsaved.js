// Typing is not lost by leaving its page unsaved. A form someone has typed into (a POST form:
// registration, a note, a referral) is "unsaved" until it is sent. Sending another form of the
// page meanwhile (the language switch, signing out) first asks; leaving by a link or closing
// the tab gets the browser's own question. (Scripts may not be inline under the CSP.)
(function () {
  var unsaved = new Set();
  var question = document.body.getAttribute("data-unsaved-question");

  function watched(form) {
    return form && form.method.toLowerCase() === "post" && !form.hasAttribute("data-no-unsaved");
  }

  document.addEventListener("input", function (event) {
    if (watched(event.target.form)) { unsaved.add(event.target.form); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (unsaved.has(form) || unsaved.size === 0) { unsaved.clear(); return; }
    if (window.confirm(question)) { unsaved.clear(); return; }
    event.preventDefault();
    event.stopImmediatePropagation();
  }, true);

  window.addEventListener("beforeunload", function (event) {
    if (unsaved.size > 0) { event.preventDefault(); event.returnValue = ""; }
  });
})();
