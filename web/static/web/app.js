// AI Portfolio – small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";

  // Move focus to the error summary so keyboard and screen-reader users land on it.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  // Foundations picker: filter the checkbox list as you type.
  function setUpFilter(picker) {
    var input = picker.querySelector("[data-picker-filter]");
    var list = picker.querySelector("[data-filterable]");
    var count = picker.querySelector("[data-picker-count]");
    if (!input || !list) { return; }
    var items = Array.prototype.slice.call(list.querySelectorAll(".choice"));
    function update() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.textContent.toLowerCase();
        var checked = item.querySelector("input").checked;
        var match = checked || words.every(function (w) { return text.indexOf(w) !== -1; });
        item.hidden = !match;
        if (match) { shown += 1; }
      });
      var selected = list.querySelectorAll("input:checked").length;
      if (count) {
        count.textContent = (count.dataset.template || "{shown} / {total}")
          .replace("{shown}", shown).replace("{total}", items.length).replace("{selected}", selected);
      }
    }
    input.addEventListener("input", update);
    list.addEventListener("change", update);
    // Enter in the filter must not submit the whole form.
    input.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    update();
  }

  // Related use cases: suggest use cases of the whole company while typing a reference or title.
  function usePicker(container) {
    var url = container.dataset.lookupUrl;
    var exclude = container.dataset.exclude || "";
    var datalist = document.getElementById("use-case-options");
    var timer = null;
    var last = "";
    return function bind(input) {
      if (!url || !datalist) { return; }
      input.setAttribute("list", "use-case-options");
      input.addEventListener("input", function () {
        var term = input.value.trim();
        if (term.length < 2 || term === last) { return; }
        clearTimeout(timer);
        timer = setTimeout(function () {
          last = term;
          var query = "?q=" + encodeURIComponent(term) + (exclude ? "&exclude=" + encodeURIComponent(exclude) : "");
          fetch(url + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) { return response.ok ? response.json() : { results: [] }; })
            .then(function (data) {
              datalist.innerHTML = "";
              data.results.forEach(function (row) {
                var option = document.createElement("option");
                option.value = row.reference;
                option.label = row.reference + " · " + row.title + " (" + row.team + ", " + row.status + ")";
                option.textContent = option.label;
                datalist.appendChild(option);
              });
            })
            .catch(function () { /* typing the reference still works */ });
        }, 200);
      });
    };
  }

  // The related-use-case rows: the picker on each, and "add another" from the formset's empty row.
  function setUpLinkRows(container) {
    var bind = usePicker(container);
    container.querySelectorAll("[data-use-case-picker]").forEach(bind);
    var form = container.closest("form");
    var button = form && form.querySelector("[data-add-link-row]");
    var template = document.getElementById("link-row-template");
    var total = form && form.querySelector("input[name$='-TOTAL_FORMS']");
    var max = form && form.querySelector("input[name$='-MAX_NUM_FORMS']");
    if (!button || !template || !total) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      if (max && index >= parseInt(max.value, 10)) { button.disabled = true; return; }
      var holder = document.createElement("div");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
      var row = holder.firstElementChild;
      container.appendChild(row);
      total.value = String(index + 1);
      row.querySelectorAll("[data-use-case-picker]").forEach(bind);
      var first = row.querySelector("input, select, textarea");
      if (first) { first.focus(); }
      if (max && index + 1 >= parseInt(max.value, 10)) { button.disabled = true; }
    });
  }

  // Ask before an action that cannot be undone from this page.
  function setUpConfirm(form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  }

  // Duplicates at intake: while the team writes the title and the problem, show existing use cases
  // that look like the same idea (the server decides; nothing is shown below its threshold).
  function setUpSimilar(box) {
    var form = box.closest("form");
    var list = box.querySelector("[data-similar-list]");
    if (!form || !list || !window.fetch) { return; }
    var fields = ["title", "problem_statement", "domain"].map(function (name) { return form.elements[name]; });
    var timer = null;
    var last = "";
    function ask() {
      var params = new URLSearchParams();
      fields.forEach(function (field) { if (field && field.value) { params.append(field.name, field.value); } });
      form.querySelectorAll('input[name="foundations"]:checked').forEach(function (box) {
        params.append("foundations", box.value);
      });
      if (box.dataset.exclude) { params.append("exclude", box.dataset.exclude); }
      var query = params.toString();
      var title = form.elements.title ? form.elements.title.value.trim() : "";
      if (query === last || title.length < 4) { return; }
      last = query;
      fetch(box.dataset.similarUrl + "?" + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (row) {
            var item = document.createElement("li");
            var link = document.createElement("a");
            link.href = row.url;
            link.target = "_blank";
            link.rel = "noopener";
            var ref = document.createElement("span");
            ref.className = "ref";
            ref.textContent = row.reference;
            link.appendChild(ref);
            link.appendChild(document.createTextNode(" " + row.title));
            item.appendChild(link);
            var why = document.createElement("span");
            why.className = "muted small";
            why.textContent = " · " + row.status + " · " + row.why;
            item.appendChild(why);
            list.appendChild(item);
          });
          box.hidden = data.results.length === 0;
        })
        .catch(function () { /* suggestions are a help: the form works without them */ });
    }
    function later() {
      clearTimeout(timer);
      timer = setTimeout(ask, 350);
    }
    fields.forEach(function (field) { if (field) { field.addEventListener("input", later); field.addEventListener("change", later); } });
    form.addEventListener("change", function (event) { if (event.target.name === "foundations") { later(); } });
    ask();
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusErrorSummary();
    document.querySelectorAll("[data-similar-url]").forEach(setUpSimilar);
    document.querySelectorAll("[data-picker]").forEach(setUpFilter);
    document.querySelectorAll("[data-link-rows]").forEach(setUpLinkRows);
    document.querySelectorAll("form[data-confirm]").forEach(setUpConfirm);
  });
})();
