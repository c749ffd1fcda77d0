// The worklist by keyboard: j/k move between complaints, o or Enter opens the focused one, a assigns an
// unassigned one to oneself (the same form a click would send). Typing in a field is never taken over.
(function () {
  "use strict";
  function links() {
    return Array.prototype.slice.call(document.querySelectorAll("#worklist a.ref"));
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target && /^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(target.tagName)) return;
    var all = links();
    if (!all.length) return;
    var at = all.indexOf(document.activeElement);
    if (event.key === "j" || event.key === "k") {
      var next = event.key === "j" ? Math.min(at + 1, all.length - 1) : Math.max(at - 1, 0);
      if (at === -1) next = 0;
      all[next].focus();
      event.preventDefault();
    } else if (event.key === "o" && at !== -1) {
      all[at].click();
      event.preventDefault();
    } else if (event.key === "a" && at !== -1) {
      var row = all[at].closest("tr");
      var form = document.getElementById("assign-me");
      if (row && row.dataset.assign && form) {
        form.action = row.dataset.assign;
        form.submit();
        event.preventDefault();
      }
    }
  });
})();
