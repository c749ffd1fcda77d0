// The recovery codes are shown once: offer to print them or save them as a text file. The buttons are
// hidden until this script runs (without it, the page is printed or copied as any page).
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var list = document.querySelector("ol.recovery-codes");
  if (!list) { return; }
  var print = document.querySelector("[data-print-codes]");
  var save = document.querySelector("[data-save-codes]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  if (save && window.Blob && window.URL && URL.createObjectURL) {
    save.hidden = false;
    save.addEventListener("click", function () {
      var codes = Array.prototype.map.call(list.querySelectorAll("code"), function (c) { return c.textContent; });
      var text = save.getAttribute("data-heading") + "\n\n" + codes.join("\n") + "\n";
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([text], {type: "text/plain;charset=utf-8"}));
      link.download = link.textContent = save.getAttribute("data-file");
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
    });
  }
});
