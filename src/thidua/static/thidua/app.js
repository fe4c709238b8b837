// Client-side sorting and filtering for tables marked data-sortable / inputs with data-filter-table.
// Numbers are read the Vietnamese way (26.174 / 104,3%).
(function () {
  function cellValue(td) {
    const raw = (td.dataset.value !== undefined ? td.dataset.value : td.textContent).trim();
    const num = raw.replace(/\./g, "").replace(",", ".").replace("%", "");
    return raw !== "" && !isNaN(num) ? parseFloat(num) : raw.toLocaleLowerCase("vi");
  }
  document.querySelectorAll("table[data-sortable]").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.classList.add("sortable");
      th.addEventListener("click", function () {
        const asc = !th.classList.contains("sort-asc");
        table.querySelectorAll("thead th").forEach((h) => h.classList.remove("sort-asc", "sort-desc"));
        th.classList.add(asc ? "sort-asc" : "sort-desc");
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
          if (x === y) return 0;
          return (x > y ? 1 : -1) * (asc ? 1 : -1);
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  });
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }
  document.querySelectorAll("input[data-filter-table]").forEach(function (input) {
    const table = document.getElementById(input.dataset.filterTable);
    input.addEventListener("input", function () {
      const q = fold(input.value.trim());
      Array.from(table.tBodies[0].rows).forEach(function (row) {
        row.hidden = q !== "" && !fold(row.textContent).includes(q);
      });
    });
  });
})();
// Print buttons (the certificate page): no inline handlers under the Content-Security-Policy.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
// Ballots: checkboxes marked data-max-checked="N" (same name, same form) allow at most N choices; the others are
// disabled once N are checked (the service refuses a ballot with more choices anyway).
(function () {
  function limit(form, name) {
    const boxes = Array.from(form.querySelectorAll("input[type=checkbox][data-max-checked]"))
      .filter((b) => b.name === name);
    if (!boxes.length) return;
    const max = parseInt(boxes[0].dataset.maxChecked, 10);
    const full = boxes.filter((b) => b.checked).length >= max;
    boxes.forEach(function (b) { b.disabled = full && !b.checked; });
    const note = form.querySelector(".max-checked-note");
    if (note) note.hidden = !full;
  }
  document.addEventListener("change", function (event) {
    const box = event.target;
    if (box.matches && box.matches("input[type=checkbox][data-max-checked]") && box.form) limit(box.form, box.name);
  });
  document.querySelectorAll("input[type=checkbox][data-max-checked]").forEach(function (box) {
    if (box.form) limit(box.form, box.name);
  });
})();
