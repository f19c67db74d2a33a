/* The static export's cassette browser: the filter box and folder links filter the table in the
 * page, since there is no server to ask. Reads ?q= and ?folder= (folder links and the form put
 * them there), so a filtered view of the export is still a link that can be shared. */
(function () {
  "use strict";

  function rowPath(row) {
    var href = decodeURIComponent(row.getAttribute("data-href") || "");
    var at = href.indexOf("cassettes/");
    return at < 0 ? href : href.slice(at + "cassettes/".length).replace(/\.html$/, "");
  }

  function apply(table, q, folder, errors) {
    var words = q.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, total = 0;
    table.querySelectorAll("tbody").forEach(function (body) {
      var any = false;
      body.querySelectorAll("tr[data-href]").forEach(function (row) {
        total++;
        var text = row.textContent.toLowerCase();
        var path = rowPath(row);
        var ok = words.every(function (w) { return text.indexOf(w) >= 0 || path.toLowerCase().indexOf(w) >= 0; })
          && (!folder || path.indexOf(folder + "/") === 0)
          && (errors === "" || (errors === "true") === row.classList.contains("has-error"));
        row.style.display = ok ? "" : "none";
        if (ok) { shown++; any = true; }
      });
      var group = body.querySelector("tr.group");
      if (group) group.style.display = any ? "" : "none";
    });
    var count = document.querySelector(".result-count");
    if (count) {
      count.textContent = shown === total ? total + " cassettes" : shown + " of " + total + " cassettes" +
        (folder ? " in " + folder : "");
    }
  }

  function start() {
    var table = document.querySelector("table.cassettes");
    if (!table) return;
    var params = new URLSearchParams(location.search);
    var form = document.querySelector("form.filters");
    var input = document.getElementById("q");
    var errors = form ? form.querySelector('select[name="has_error"]') : null;
    var folder = params.get("folder") || "";
    if (input) input.value = params.get("q") || "";
    function run() {
      apply(table, input ? input.value : "", folder, errors ? errors.value : "");
    }
    if (form) {
      form.addEventListener("submit", function (ev) { ev.preventDefault(); run(); });
      form.addEventListener("input", run);
      form.addEventListener("change", run);
    }
    run();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
