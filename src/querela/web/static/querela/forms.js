// A form that came back with errors: move the focus to the list of errors, so a screen reader reads
// it first and a keyboard user can jump from it to each field (the list links to them).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
});
