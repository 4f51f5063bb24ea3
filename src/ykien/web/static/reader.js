/* ykien draft reader: moves the one opinion form to the chosen section and fills the quoted
   passage from a selection made with the mouse, a finger or the keyboard (caret browsing), or
   from the "Quote a passage" dialog, which needs nothing but Shift and the arrow keys (its text
   area is kept read-only by refusing edits, since a `readonly` one has no caret in Chromium).
   Offsets are counted in Unicode code points, as the server counts them. No framework. */
(function () {
  "use strict";

  var NARROW = "(max-width: 760px)";

  function codePoints(text) {
    return Array.from(text).length; // iterates by code point, not UTF-16 unit
  }

  function leadingSpace(text) {
    var match = /^\s*/.exec(text);
    return match ? match[0] : "";
  }

  /* A quote without the surrounding white space, and where it starts in the section text. */
  function trimmedQuote(before, selected) {
    var lead = leadingSpace(selected);
    var quote = selected.trim();
    return { quote: quote, start: codePoints(before) + codePoints(lead) };
  }

  function collapseContentsOnPhones() {
    var details = document.querySelector(".toc-details");
    if (details && window.matchMedia && window.matchMedia(NARROW).matches) {
      details.open = false;
    }
  }

  function setUp() {
    collapseContentsOnPhones();
    var form = document.getElementById("opinion-form");
    if (!form) return;

    var fields = form.elements;
    var preview = form.querySelector(".quote-preview");
    var previewText = form.querySelector(".quote-text");
    var target = form.querySelector(".form-target");
    var proposal = form.querySelector(".proposal");
    var submit = form.querySelector("button[type=submit]");
    var generalSlot = document.querySelector("#general-opinion .form-slot");
    var dialog = document.getElementById("quote-dialog");

    function currentArticle() {
      return form.closest("article.section");
    }

    function textOf(article) {
      return article ? article.querySelector(".section-text") : null;
    }

    function clearQuote() {
      fields.quote.value = "";
      fields.quote_start.value = "";
      previewText.textContent = "";
      preview.hidden = true;
    }

    function setQuote(quote, start) {
      fields.quote.value = quote;
      fields.quote_start.value = String(start);
      previewText.textContent = quote;
      preview.hidden = false;
    }

    /* Put the form under the article (or under "the whole draft" when article is null). */
    function moveForm(article) {
      if (currentArticle() === article && (article || form.parentNode === generalSlot)) return;
      var slot = article ? article.querySelector(".form-slot") : generalSlot;
      if (!slot) return;
      clearQuote();
      slot.appendChild(form);
      fields.section_id.value = article ? article.getAttribute("data-section-id") : "";
      target.textContent = article
        ? article.getAttribute("data-label")
        : form.getAttribute("data-general-label");
    }

    function toggleProposal() {
      var needed = fields.kind.value === "amend" || fields.kind.value === "add";
      proposal.hidden = !needed;
      fields.proposed_wording.disabled = !needed; // not sent when it does not apply
      fields.proposed_wording.required = needed;
    }

    /* "Give an opinion" links: move the form instead of reloading the page. */
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.give-opinion") : null;
      if (!link) return;
      event.preventDefault();
      moveForm(link.closest("article.section"));
      form.scrollIntoView({ block: "nearest" });
      fields.kind.focus();
    });

    /* Selecting in a section's text, by any means, quotes it. */
    var pending = 0;
    function quoteSelection() {
      pending = 0;
      var selection = document.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
      var range = selection.getRangeAt(0);
      var node = range.startContainer;
      var element = node.nodeType === 1 ? node : node.parentElement;
      var text = element ? element.closest(".section-text") : null;
      if (!text) {
        node = range.endContainer;
        element = node.nodeType === 1 ? node : node.parentElement;
        text = element ? element.closest(".section-text") : null;
      }
      if (!text) return;
      var clipped = range.cloneRange();
      if (!text.contains(range.startContainer)) clipped.setStart(text, 0);
      if (!text.contains(range.endContainer)) clipped.setEnd(text, text.childNodes.length);
      var before = document.createRange();
      before.setStart(text, 0);
      before.setEnd(clipped.startContainer, clipped.startOffset);
      var found = trimmedQuote(before.toString(), clipped.toString());
      if (!found.quote) return;
      moveForm(text.closest("article.section"));
      setQuote(found.quote, found.start);
    }
    document.addEventListener("selectionchange", function () {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(quoteSelection, 200);
    });

    form.querySelector(".remove-quote").addEventListener("click", function () {
      clearQuote();
      var selection = document.getSelection();
      if (selection) selection.removeAllRanges(); // or the next selection event quotes it again
      fields.text.focus();
    });

    /* The keyboard-only way: a dialog with the section's text in a read-only text area. */
    var dialogArticle = null;
    var source = dialog ? dialog.querySelector("#quote-source") : null;
    var dialogError = dialog ? dialog.querySelector(".quote-dialog-error") : null;

    function openDialog(article) {
      var text = textOf(article);
      if (!dialog || !text) return;
      dialogArticle = article;
      dialog.querySelector(".quote-dialog-label").textContent = article.getAttribute("data-label");
      source.value = text.textContent;
      dialogError.hidden = true;
      if (typeof dialog.showModal === "function") dialog.showModal();
      else dialog.setAttribute("open", "");
      source.focus();
      source.setSelectionRange(0, 0);
      source.scrollTop = 0;
    }

    function closeDialog() {
      if (typeof dialog.close === "function") dialog.close();
      else dialog.removeAttribute("open");
    }

    function confirmDialog() {
      var from = source.selectionStart;
      var to = source.selectionEnd;
      var found = trimmedQuote(source.value.slice(0, from), source.value.slice(from, to));
      if (!found.quote) {
        dialogError.textContent = dialog.getAttribute("data-msg-empty");
        dialogError.hidden = false;
        return;
      }
      var article = dialogArticle;
      closeDialog();
      moveForm(article);
      setQuote(found.quote, found.start);
      fields.text.focus();
    }

    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button.quote-button") : null;
      if (button) openDialog(button.closest("article.section"));
    });
    document.querySelectorAll("button.quote-button").forEach(function (button) {
      button.hidden = false; // they need this script, so they only show with it
    });
    if (dialog) {
      dialog.querySelector(".quote-confirm").addEventListener("click", confirmDialog);
      dialog.querySelector(".quote-cancel").addEventListener("click", closeDialog);
      // read-only in effect: the caret moves and selects, nothing edits the text
      source.addEventListener("beforeinput", function (event) { event.preventDefault(); });
      source.addEventListener("input", function () {
        var text = textOf(dialogArticle);
        if (text) source.value = text.textContent;
      });
      source.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {
          event.preventDefault();
          confirmDialog();
        }
      });
      dialog.addEventListener("close", function () {
        var article = dialogArticle;
        var button = article ? article.querySelector("button.quote-button") : null;
        if (document.activeElement === document.body && button) button.focus();
      });
    }

    fields.kind.addEventListener("change", toggleProposal);
    toggleProposal();

    form.addEventListener("submit", function () {
      // one click, one opinion
      window.setTimeout(function () { submit.disabled = true; }, 0);
    });
    window.addEventListener("pageshow", function () { submit.disabled = false; });

    if (form.querySelector("#opinion-error")) {
      form.scrollIntoView({ block: "start" });
      fields.text.focus({ preventScroll: true });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
