// The data page's chart: images per class in each folder and split part.
"use strict";
(() => {
    const counts = JSON.parse(document.getElementById("data-counts").textContent);
    const { label, charts: { palette } } = window.FaceMask;
    const parts = [["Dataset/", counts.dataset], ["DatasetNew/", counts.dataset_new], ...Object.entries(counts.split ?? {})];
    new Chart(document.getElementById("counts-chart"), {
        type: "bar",
        data: {
            labels: counts.classes.map(label),
            datasets: parts.map(([name, values], i) => ({ label: name, data: counts.classes.map(c => values[c] ?? 0), backgroundColor: palette[i % palette.length] })),
        },
        options: { scales: { y: { beginAtZero: true } } },
    });
})();
