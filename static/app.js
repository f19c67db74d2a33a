// Tapedeck page behaviour: copy buttons, theme toggle, keyboard navigation, help overlay.
// Everything here is an enhancement: every control it drives is also a plain link or form.
(function () {
  "use strict";
  var root = document.documentElement;
  var THEME_KEY = "tapedeck-theme";

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.classList.add("show");
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { el.classList.remove("show"); }, 1600);
  }

  function copyText(text, done) {
    function fallback() {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      try { document.execCommand("copy"); toast(done); } catch (e) { toast("Copy failed"); }
      document.body.removeChild(area);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { toast(done); }, fallback);
    } else {
      fallback();
    }
  }

  // -- theme ---------------------------------------------------------------------------------
  function effectiveTheme() {
    var set = root.getAttribute("data-theme");
    if (set) return set;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function toggleTheme() {
    var next = effectiveTheme() === "dark" ? "light" : "dark";
    root.setAttribute("data-theme", next);
    try { localStorage.setItem(THEME_KEY, next); } catch (e) { /* not persisted */ }
  }

  // -- keyboard navigation -------------------------------------------------------------------
  var current = -1;
  function items() {
    // Messages inside a folded thread lane are skipped; a folded message itself is not.
    return Array.prototype.filter.call(document.querySelectorAll("[data-nav-item]"), function (el) {
      var folded = el.parentElement && el.parentElement.closest("details:not([open])");
      return !folded && (el.offsetParent !== null || el.tagName === "DETAILS");
    });
  }
  function select(list, i) {
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    if (list[current]) list[current].classList.remove("current");
    current = i;
    var el = list[i];
    el.classList.add("current");
    el.scrollIntoView({ block: "nearest" });
    if (el.id && /^[mqrc]-\d+$/.test(el.id)) history.replaceState(null, "", "#" + el.id);
  }
  function move(step) {
    var list = items();
    if (current < 0) {
      var hashed = location.hash ? document.getElementById(location.hash.slice(1)) : null;
      var at = hashed ? list.indexOf(hashed) : -1;
      select(list, at >= 0 ? at + step : (step > 0 ? 0 : list.length - 1));
    } else {
      select(list, current + step);
    }
  }
  // -- turns (n/p): one call's part of a thread; folded lanes are skipped, not opened -----------
  function visibleTurns() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-turn]"), function (el) {
      return el.offsetParent !== null && !el.closest("details:not([open])");
    });
  }
  function stepTurn(step) {
    var turns = visibleTurns();
    if (!turns.length) return;
    var at = -1;
    for (var i = 0; i < turns.length; i++) {
      if (turns[i].classList.contains("current")) { at = i; break; }
    }
    if (at < 0) {
      // From where the reader is: the first turn whose top is below the page's top bar.
      var edge = 80;
      at = step > 0 ? -1 : turns.length;
      for (var j = 0; j < turns.length; j++) {
        if (turns[j].getBoundingClientRect().top > edge) { at = step > 0 ? j - 1 : j; break; }
      }
    }
    var next = Math.max(0, Math.min(turns.length - 1, at + step));
    turns.forEach(function (t) { t.classList.remove("current"); });
    var el = turns[next];
    el.classList.add("current");
    el.scrollIntoView({ block: "start" });
    history.replaceState(null, "", "#" + el.id);
    markOutline(el.id);
  }
  function markOutline(id) {
    document.querySelectorAll(".outline a.current").forEach(function (a) { a.classList.remove("current"); });
    var link = document.querySelector('.outline a[href="#' + id + '"]');
    if (link) link.classList.add("current");
  }

  function openCurrent() {
    var el = items()[current];
    if (!el) return false;
    var href = el.getAttribute("data-href");
    if (href) { window.location.href = href; return true; }
    return false;
  }
  function copyCurrent() {
    var el = items()[current];
    var link = el && el.querySelector("[data-copy-link]");
    if (link) copyText(new URL(link.getAttribute("href"), location.href).href, "Link copied");
  }
  function focusSearch() {
    var input = document.querySelector("[data-search-input]") || document.getElementById("nav-q");
    if (input) { input.focus(); input.select(); }
  }
  function isTyping(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (isTyping(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var help = document.getElementById("help");
    if (help && help.open) return;
    switch (ev.key) {
      case "/": ev.preventDefault(); focusSearch(); break;
      case "j": ev.preventDefault(); move(1); break;
      case "k": ev.preventDefault(); move(-1); break;
      case "n": if (document.querySelector("[data-turn]")) { ev.preventDefault(); stepTurn(1); } break;
      case "p": if (document.querySelector("[data-turn]")) { ev.preventDefault(); stepTurn(-1); } break;
      case "Enter": if (openCurrent()) ev.preventDefault(); break;
      case "c": copyCurrent(); break;
      case "t": toggleTheme(); break;
      case "?": ev.preventDefault(); if (help && help.showModal) help.showModal(); break;
      default: break;
    }
  });

  // -- clicks --------------------------------------------------------------------------------
  document.addEventListener("click", function (ev) {
    var t = ev.target instanceof Element ? ev.target : null;
    if (!t) return;
    var link = t.closest("[data-copy-link]");
    if (link) {
      ev.preventDefault();
      copyText(new URL(link.getAttribute("href"), location.href).href, "Link copied");
      return;
    }
    var btn = t.closest("[data-copy-target]");
    if (btn) {
      var target = document.querySelector(btn.getAttribute("data-copy-target"));
      if (target) copyText(target.textContent, "Copied");
      return;
    }
    var json = t.closest("[data-copy-url]");
    if (json && json.getAttribute("data-copy-as") === "markdown") {
      fetch(json.getAttribute("data-copy-url"), { headers: { Accept: "text/markdown" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
        .then(function (text) { copyText(text, "Markdown copied"); })
        .catch(function () { toast("Copy failed"); });
      return;
    }
    if (json) {
      fetch(json.getAttribute("data-copy-url"), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (data) { copyText(JSON.stringify(data, null, 2), "JSON copied"); })
        .catch(function () { toast("Copy failed"); });
      return;
    }
    if (t.closest("[data-theme-toggle]")) { toggleTheme(); return; }
    if (t.closest("[data-help-open]")) {
      var help = document.getElementById("help");
      if (help && help.showModal) help.showModal();
      return;
    }
    // A click anywhere on a table row opens it, unless it was on a link or control.
    var row = t.closest("tr[data-href]");
    if (row && !t.closest("a, button, input, select, summary")) {
      window.location.href = row.getAttribute("data-href");
    }
  });

  // A shared link to a message inside a folded lane or <details> opens it and marks it for j/k.
  function revealHash() {
    if (!location.hash) return;
    var el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!el) return;
    for (var p = el; p; p = p.parentElement) {
      if (p.tagName === "DETAILS") p.open = true;
    }
    markOutline(el.id);
    var list = items();
    var i = list.indexOf(el);
    if (i >= 0) { current = i; el.classList.add("current"); }
    el.scrollIntoView({ block: "start" });
  }
  window.addEventListener("hashchange", revealHash);
  document.addEventListener("DOMContentLoaded", revealHash);
  // New results replace the rows j/k walk; the status line's own polling does not.
  document.addEventListener("htmx:afterSwap", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (!target || target.id !== "status") current = -1;
  });
  // Leave unset filters out of the request, so the pushed URL stays short enough to share.
  document.addEventListener("htmx:configRequest", function (ev) {
    var params = ev.detail.parameters;
    Object.keys(params).forEach(function (key) {
      if (params[key] === "") delete params[key];
    });
  });
})();
