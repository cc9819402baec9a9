/* Small behaviours of the pages, kept out of the HTML so the Content-Security-Policy can forbid
   inline scripts. Every page works without them (forms have submit buttons in <noscript>). */
(function () {
  "use strict";
  // A select marked data-autosubmit submits its form when changed (language, day pickers).
  document.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-autosubmit]");
    if (select && select.form) select.form.submit();
  });
  document.addEventListener("click", function (event) {
    // Copy buttons: data-copy names the input whose value goes to the clipboard.
    var copy = event.target.closest("button[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.dataset.copy);
      if (source) {
        source.select();
        if (navigator.clipboard) navigator.clipboard.writeText(source.value);
      }
      return;
    }
    // Roster board: a cell fills the edit form with its agent and day.
    var cell = event.target.closest("button.cell[data-agent]");
    var form = document.getElementById("cell-form");
    if (cell && form) {
      form.querySelector("[name=agent]").value = cell.dataset.agent;
      form.querySelector("[name=day]").value = cell.dataset.day;
      form.querySelector("[name=version]").value = cell.dataset.version;
      form.querySelector("[name=template]").focus();
    }
  });
  // The version of the cell as shown goes with the edit: a board older than the cell is
  // refused instead of overwriting someone else's change. Choosing by the lists finds the cell.
  document.addEventListener("change", function (event) {
    var form = document.getElementById("cell-form");
    if (!form || !form.contains(event.target) || event.target.name === "template") {
      return;
    }
    var agent = form.querySelector("[name=agent]").value;
    var day = form.querySelector("[name=day]").value;
    var cell = document.querySelector(
      'button.cell[data-agent="' + agent + '"][data-day="' + day + '"]'
    );
    form.querySelector("[name=version]").value = cell ? cell.dataset.version : "";
  });
})();
