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
