// The declaration form's indicator grid: add, remove and reorder rows, dependent subcategory
// lists from the rulebook's catalogue, insert from the indicator library, and mark the rows the
// live quality check points at. The text cells are textareas that wrap and grow with their
// text but hold one line, as the inputs they replaced: Enter saves (the form's default button)
// and a pasted line break is dropped. Works on top of a plain form: without JS, the blank rows the
// server renders can still be filled in and saved.
(function () {
  "use strict";
  const grid = document.getElementById("grid");
  if (!grid) return;
  const body = grid.tBodies[0];
  const catalogue = JSON.parse(document.getElementById("catalogue").textContent);

  // A text cell as high as its wrapped text (box-sizing: border-box, so with its borders).
  function fit(cell) {
    cell.rows = 1;
    cell.style.height = "auto";
    cell.style.height = `${cell.scrollHeight + cell.offsetHeight - cell.clientHeight}px`;
  }

  function fitAll() {
    grid.querySelectorAll("textarea.cell").forEach(fit);
  }

  function changed() {
    fitAll();
    renumber();
    document.body.dispatchEvent(new Event("grid-changed"));
  }

  function renumber() {
    Array.from(body.rows).forEach((row, i) => { row.querySelector(".pos").textContent = i + 1; });
  }

  function fillSubcategories(row) {
    const category = row.querySelector(".category").value;
    const select = row.querySelector(".subcategory");
    const current = select.value || select.dataset.value || "";
    const options = catalogue[category] || [];
    select.innerHTML = "";
    const blank = new Option("", "");
    select.add(blank);
    options.forEach((name) => select.add(new Option(name, name, false, name === current)));
    if (current && !options.includes(current)) select.add(new Option(current, current, false, true));
  }

  function blankRow() {
    const template = body.rows[0];
    const row = template.cloneNode(true);
    row.querySelectorAll("input, textarea").forEach((input) => { input.value = ""; });
    row.querySelectorAll("select").forEach((select) => { select.value = ""; });
    row.querySelector(".subcategory").dataset.value = "";
    row.classList.remove("has-blocking", "has-warning");
    return row;
  }

  function addRow(values) {
    const row = blankRow();
    body.appendChild(row);
    if (values) {
      row.querySelector(".category").value = values.category || "";
      row.querySelector(".subcategory").dataset.value = values.subcategory || "";
      fillSubcategories(row);
      row.querySelector("[name=ind-name]").value = values.name || "";
      row.querySelector("[name=ind-value_text]").value = values.value || "";
      row.querySelector("[name=ind-unit]").value = values.unit || "";
      row.querySelector("[name=ind-explanation]").value = values.explanation || "";
    } else {
      fillSubcategories(row);
    }
    changed();
    return row;
  }

  grid.addEventListener("change", (event) => {
    if (event.target.classList.contains("category")) fillSubcategories(event.target.closest("tr"));
  });

  grid.addEventListener("input", (event) => {
    const cell = event.target;
    if (!cell.matches("textarea.cell")) return;
    if (/[\r\n]/.test(cell.value)) cell.value = cell.value.replace(/[\r\n]+/g, "");
    fit(cell);
  });

  // Enter in a text cell saves, as it did in the inputs; not while an input method composes.
  grid.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
    if (!event.target.matches("textarea.cell")) return;
    event.preventDefault();
    const save = event.target.form.querySelector("button[name=then][value=save]");
    if (save) save.click();
  });

  grid.addEventListener("click", (event) => {
    const row = event.target.closest("tr");
    if (event.target.classList.contains("remove")) {
      if (body.rows.length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input, textarea").forEach((input) => { input.value = ""; });
      }
      changed();
    } else if (event.target.classList.contains("up") && row.previousElementSibling) {
      body.insertBefore(row, row.previousElementSibling);
      changed();
    } else if (event.target.classList.contains("down") && row.nextElementSibling) {
      body.insertBefore(row.nextElementSibling, row);
      changed();
    }
  });

  document.getElementById("add-row").addEventListener("click", () => addRow());

  document.addEventListener("click", (event) => {
    const button = event.target.closest(".insert-template");
    if (!button) return;
    const empty = Array.from(body.rows).find((r) => !r.querySelector("[name=ind-name]").value &&
      !r.querySelector("[name=ind-value_text]").value);
    const values = { ...button.dataset };
    if (empty) {
      empty.querySelector(".category").value = values.category;
      empty.querySelector(".subcategory").dataset.value = values.subcategory;
      fillSubcategories(empty);
      empty.querySelector("[name=ind-name]").value = values.name;
      empty.querySelector("[name=ind-value_text]").value = values.value;
      empty.querySelector("[name=ind-unit]").value = values.unit;
      empty.querySelector("[name=ind-explanation]").value = values.explanation;
      changed();
    } else {
      addRow(values);
    }
  });

  // Mark the rows the quality check points at (finding indexes count the non-empty rows).
  function markFindings() {
    const rows = Array.from(body.rows);
    rows.forEach((r) => r.classList.remove("has-blocking", "has-warning"));
    const filled = rows.filter((r) => ["ind-category", "ind-subcategory", "ind-name", "ind-value_text"]
      .some((n) => r.querySelector(`[name=${n}]`).value.trim()));
    document.querySelectorAll("#findings [data-indicator]").forEach((item) => {
      const index = parseInt(item.dataset.indicator, 10);
      if (Number.isNaN(index) || !filled[index]) return;
      filled[index].classList.add(item.classList.contains("blocking") ? "has-blocking" : "has-warning");
    });
  }

  Array.from(body.rows).forEach(fillSubcategories);
  fitAll();
  // Column widths change with the window and once the web fonts are in: wrap again.
  let resizing = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(resizing);
    resizing = requestAnimationFrame(fitAll);
  });
  if (document.fonts) document.fonts.ready.then(fitAll);
  markFindings();
  document.body.addEventListener("htmx:afterSwap", markFindings);
})();
