// The answer's editor: a running count of words and characters, Ctrl+Enter for the preview, and a
// warning before leaving the page with an unsent text. Without JavaScript the form works the same.
(function () {
  "use strict";
  function setUp() {
    var form = document.querySelector("form.answer-editor");
    if (!form) return;
    var dirty = false;
    function area() { return form.querySelector("textarea[data-editor=answer]"); }
    function count() {
      var text = area() ? area().value : "";
      var out = document.getElementById("answer-text-count");
      if (!out) return;
      var words = text.trim() ? text.trim().split(/\s+/).length : 0;
      out.textContent = words + " · " + text.length;
      out.setAttribute("title", out.dataset.label || "");
    }
    form.addEventListener("input", function () { dirty = true; count(); });
    document.body.addEventListener("htmx:afterSwap", count);
    form.addEventListener("submit", function () { dirty = false; });
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        var preview = form.querySelector("button[value=preview]");
        if (preview) preview.click();
      }
    });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
    count();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
