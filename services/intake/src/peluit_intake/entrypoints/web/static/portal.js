// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // "Add another person" adds a row in place instead of a round trip.
  var add = document.getElementById("add-person");
  var count = document.getElementById("people");
  if (add && count) {
    add.addEventListener("click", function (event) {
      var rows = document.querySelectorAll("#who .person");
      if (!rows.length || rows.length >= 20) { return; }
      event.preventDefault();
      var last = rows[rows.length - 1];
      var index = rows.length;
      var copy = last.cloneNode(true);
      copy.setAttribute("data-index", String(index));
      copy.querySelectorAll("[id],[name],[for]").forEach(function (el) {
        ["id", "name", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) { el.setAttribute(attr, v.replace(/who-\d+-/, "who-" + index + "-")); }
        });
        if (el.tagName === "INPUT") { el.value = ""; }
        if (el.tagName === "SELECT") { el.selectedIndex = 0; }
      });
      copy.querySelectorAll(".error").forEach(function (el) { el.remove(); });
      var title = copy.querySelector(".person-title");
      if (title) { title.textContent = title.textContent.replace(/\d+$/, String(index + 1)); }
      last.parentNode.insertBefore(copy, add);
      count.value = String(index + 1);
      var first = copy.querySelector("input");
      if (first) { first.focus(); }
    });
  }
  // Identity fields only matter when "identified" is chosen.
  var fields = document.getElementById("identity-fields");
  var radios = document.querySelectorAll("input[name=identity_choice]");
  function sync() {
    var identified = document.getElementById("identity-identified");
    if (fields && identified) { fields.hidden = !identified.checked; }
  }
  radios.forEach(function (r) { r.addEventListener("change", sync); });
  sync();
  // The error summary takes the focus, so a screen reader reads it first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // The mailbox warns two minutes before the session idles out; "stay signed in" renews it.
  var note = document.getElementById("idle-note");
  var warning = document.getElementById("idle-warning");
  if (note && warning) {
    var idle = parseInt(note.getAttribute("data-idle-seconds"), 10) || 900;
    var timer = null;
    var arm = function () {
      if (timer) { clearTimeout(timer); }
      warning.hidden = true;
      timer = setTimeout(function () { warning.hidden = false; }, Math.max(idle - 120, 30) * 1000);
    };
    var stay = document.getElementById("stay-signed-in");
    if (stay) {
      stay.addEventListener("click", function () {
        fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
          .then(arm, arm);
      });
    }
    arm();
  }
  // The receipt page can be printed with one tap.
  var print = document.getElementById("print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
}());
