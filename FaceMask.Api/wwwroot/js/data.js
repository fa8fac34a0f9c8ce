// The data page's chart: images per class in each folder and split part.
"use strict";
(() => {
    Chart.defaults.animation = false; // charts appear at once: no motion to sit through
    const counts = JSON.parse(document.getElementById("data-counts").textContent);
    const { label } = window.FaceMask;
    const parts = [["Dataset/", counts.dataset], ["DatasetNew/", counts.dataset_new], ...Object.entries(counts.split ?? {})];
    const palette = ["#0a58ca", "#b35900", "#1a7f37", "#6f42c1", "#57606a"];
    new Chart(document.getElementById("counts-chart"), {
        type: "bar",
        data: {
            labels: counts.classes.map(label),
            datasets: parts.map(([name, values], i) => ({ label: name, data: counts.classes.map(c => values[c] ?? 0), backgroundColor: palette[i % palette.length] })),
        },
        options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true } } },
    });
})();
