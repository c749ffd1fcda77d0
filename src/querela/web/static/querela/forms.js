// A form that came back with errors: move the focus to the list of errors, so a screen reader reads
// it first and a keyboard user can jump from it to each field (the list links to them).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});

// Changing the language reloads the page: what was typed into its forms (a complaint half written) is
// kept for that one reload, in this tab only, and put back. Passwords, files and hidden fields are not.
(function () {
  "use strict";
  var KEY = "querela:typed:" + location.pathname;
  var SKIP = {password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1, image: 1};
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (f) {
      return f.name && !SKIP[f.type] && f.name !== "csrfmiddlewaretoken" && !f.disabled;
    });
  }
  function typedForms() {
    return Array.prototype.filter.call(document.forms, function (f) { return !f.classList.contains("lang"); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var lang = document.querySelector("form.lang");
    if (!lang || !window.sessionStorage) { return; }
    lang.addEventListener("submit", function () {
      var saved = typedForms().map(function (form) {
        var values = {};
        fields(form).forEach(function (f) {
          if (f.type === "checkbox" || f.type === "radio") {
            values[f.name] = values[f.name] || [];
            if (f.checked) { values[f.name].push(f.value); }
          }
          else { values[f.name] = f.value; }  // empty too: a field emptied stays empty
        });
        return values;
      });
      try { sessionStorage.setItem(KEY, JSON.stringify({at: Date.now(), forms: saved})); } catch (e) { /* full or off */ }
    });
    var raw = sessionStorage.getItem(KEY);
    sessionStorage.removeItem(KEY);
    var data = raw ? JSON.parse(raw) : null;
    if (!data || Date.now() - data.at > 60000) { return; }
    typedForms().forEach(function (form, i) {
      var values = data.forms[i] || {};
      fields(form).forEach(function (f) {
        if (!(f.name in values)) { return; }
        if (f.type === "checkbox" || f.type === "radio") { f.checked = values[f.name].indexOf(f.value) >= 0; }
        else { f.value = values[f.name]; }  // as it was, also where the page filled a value in
      });
    });
  });
})();
