// Minutes at the front office: signature pads and one more row of people present.
// A pad takes a mouse, a pen or a finger (pointer events) and puts the drawing into its hidden field as a
// PNG data URL. Without script the pads stay hidden: the typed name and the clerk's confirmation remain.
(function () {
  "use strict";

  function pad(box) {
    var area = box.querySelector("[data-pad]");
    var canvas = box.querySelector("canvas");
    var field = box.querySelector("input[type=hidden]");
    var clear = box.querySelector("[data-clear]");
    var status = box.querySelector("[data-pad-status]");
    if (!area || !canvas || !field || !canvas.getContext) { return; }
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    var last = null;
    area.hidden = false;
    canvas.style.touchAction = "none"; // a finger draws instead of scrolling the page

    function at(event) {
      var r = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - r.left) * canvas.width / r.width,
        y: (event.clientY - r.top) * canvas.height / r.height
      };
    }
    function line(from, to) {
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#000";
      ctx.beginPath();
      ctx.moveTo(from.x, from.y);
      ctx.lineTo(to.x + 0.01, to.y + 0.01);
      ctx.stroke();
    }
    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = at(event);
      line(last, last);
      drawn = true;
      if (canvas.setPointerCapture) { canvas.setPointerCapture(event.pointerId); }
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) { return; }
      var here = at(event);
      line(last, here);
      last = here;
    });
    function end() {
      if (!drawing) { return; }
      drawing = false;
      if (drawn) {
        field.value = canvas.toDataURL("image/png");
        if (status) { status.textContent = box.getAttribute("data-drawn-text") || ""; }
      }
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, canvas.width, canvas.height);
        field.value = "";
        drawn = false;
        if (status) { status.textContent = box.getAttribute("data-cleared-text") || ""; }
      });
    }
  }

  // "Add a person": a copy of the last row with the next form number (Django formset names).
  function present(group) {
    var button = group.querySelector("[data-add-present]");
    var total = group.querySelector("input[name$='-TOTAL_FORMS']");
    var max = group.querySelector("input[name$='-MAX_NUM_FORMS']");
    if (!button || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = group.querySelectorAll("[data-present-row]");
      var n = parseInt(total.value, 10);
      if (max && n >= parseInt(max.value, 10)) { return; }
      var last = rows[rows.length - 1];
      var row = last.cloneNode(true);
      var from = new RegExp("-" + (n - 1) + "-");
      row.querySelectorAll("[name], [id], [for]").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) { el.setAttribute(attr, value.replace(from, "-" + n + "-")); }
        });
        if (el.tagName === "INPUT") { el.value = ""; }
      });
      row.querySelectorAll("label").forEach(function (label) {
        label.textContent = label.textContent.replace(/\d+/, String(n + 1));
      });
      row.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      last.parentNode.insertBefore(row, last.nextSibling);
      total.value = String(n + 1);
      var name = row.querySelector("input");
      if (name) { name.focus(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-signature]").forEach(pad);
    document.querySelectorAll("[data-present]").forEach(present);
  });
})();
