// Fast entry of opinions at an event (Enter saves the line over htmx, clears it and starts the
// next one) and the report review (a marked passage and its item point at each other).
(function () {
  "use strict";

  function entryForm() { return document.getElementById("entry"); }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = entryForm();
    if (!form || event.detail.requestConfig.elt !== form) { return; }
    var error = document.getElementById("entry-error");
    if (event.detail.xhr.status >= 400) {
      event.detail.shouldSwap = true;
      event.detail.target = error;
      event.detail.swapOverride = "innerHTML";
    } else if (error) {
      error.innerHTML = "";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = entryForm();
    if (!form || event.detail.elt !== form || event.detail.xhr.status >= 400) { return; }
    if (!event.detail.successful && event.detail.xhr.status !== 200) { return; }
    ["speaker", "section", "text"].forEach(function (name) { form.elements[name].value = ""; });
    // a fresh key per line: a repeated Enter on the same line is recorded once
    form.elements.key.value = "entry-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2);
    var status = document.getElementById("entry-status");
    if (status) { status.textContent = status.dataset.saved || ""; }
    form.elements.speaker.focus();
  });

  function markItem(id, on) {
    document.querySelectorAll("mark[data-items]").forEach(function (mark) {
      if (mark.dataset.items.split(" ").indexOf(id) >= 0) { mark.classList.toggle("active", on); }
    });
  }

  document.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("mark[data-item]");
    if (!mark) { return; }
    var item = document.getElementById("item-" + mark.dataset.item);
    if (item) { item.scrollIntoView({ block: "center" }); item.classList.add("active"); }
  });

  // the report review's "select all" ticks every item for the bulk accept/reject form
  document.addEventListener("change", function (event) {
    var box = event.target;
    var all = document.getElementById("select-all");
    if (!all || !box.matches) { return; }
    var picks = document.querySelectorAll('input.pick[form="bulk-review"]');
    if (box === all) {
      picks.forEach(function (pick) { pick.checked = all.checked; });
    } else if (box.matches("input.pick")) {
      all.checked = Array.prototype.every.call(picks, function (pick) { return pick.checked; });
    }
  });

  ["focusin", "mouseover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var item = event.target.closest && event.target.closest("li.item[data-item]");
      document.querySelectorAll("mark.active").forEach(function (m) { m.classList.remove("active"); });
      if (item) { markItem(item.dataset.item, true); }
    });
  });
})();
