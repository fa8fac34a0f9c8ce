// A model's charts: per-class figures, confusion-matrix heatmap and training curves, from the JSON
// the page embeds (the model folder's metrics.json and history.json).
"use strict";
(() => {
    const data = JSON.parse(document.getElementById("model-data").textContent);
    const { colour, label, charts } = window.FaceMask;
    const [blue, violet, , green] = charts.palette;

    const test = data.test;
    if (test) {
        const classes = Object.keys(test.per_class);
        new Chart(document.getElementById("per-class"), {
            type: "bar",
            data: {
                labels: classes.map(label),
                datasets: [
                    { label: "precision", data: classes.map(c => test.per_class[c].precision), backgroundColor: blue },
                    { label: "recall", data: classes.map(c => test.per_class[c].recall), backgroundColor: violet },
                    { label: "F1", data: classes.map(c => test.per_class[c].f1), backgroundColor: green },
                ],
            },
            options: { scales: { y: { min: 0, max: 1 } } },
        });

        const names = test.confusion_matrix.labels;
        const matrix = test.confusion_matrix.matrix;
        const cells = [];
        names.forEach((truth, i) => names.forEach((predicted, j) => cells.push({ x: label(predicted), y: label(truth), v: matrix[i][j], row: matrix[i].reduce((a, b) => a + b, 0) })));
        new Chart(document.getElementById("confusion"), {
            type: "matrix",
            data: {
                datasets: [{
                    label: "images",
                    data: cells,
                    backgroundColor: c => `rgba(10, 88, 202, ${0.08 + 0.92 * (c.raw.row ? c.raw.v / c.raw.row : 0)})`,
                    borderColor: "#fff",
                    borderWidth: 1,
                    width: ({ chart }) => (chart.chartArea || {}).width / names.length - 2,
                    height: ({ chart }) => (chart.chartArea || {}).height / names.length - 2,
                }],
            },
            options: {
                plugins: {
                    legend: { display: false },
                    tooltip: { callbacks: { title: () => "", label: c => `true ${c.raw.y}, predicted ${c.raw.x}: ${c.raw.v}` } },
                },
                scales: {
                    x: { type: "category", labels: names.map(label), offset: true, ticks: { autoSkip: false }, title: { display: true, text: "predicted" }, grid: { display: false } },
                    y: { type: "category", labels: names.map(label), offset: true, reverse: true, title: { display: true, text: "true" }, grid: { display: false } },
                },
            },
            plugins: [{
                id: "counts",
                afterDatasetsDraw(chart) {
                    const { ctx } = chart;
                    chart.getDatasetMeta(0).data.forEach((element, i) => {
                        const cell = cells[i];
                        const share = cell.row ? cell.v / cell.row : 0;
                        ctx.fillStyle = share > 0.5 ? "#fff" : "#1b1f24";
                        ctx.font = "bold 14px system-ui, sans-serif";
                        ctx.textAlign = "center";
                        ctx.textBaseline = "middle";
                        const { x, y, width, height } = element.getProps(["x", "y", "width", "height"]);
                        ctx.fillText(String(cell.v), x + width / 2, y + height / 2);
                    });
                },
            }],
        });
    }

    if (data.history && data.history.length) {
        charts.curves(document.getElementById("curves"), data.history.map(e => e.epoch), [
            { label: "training loss", data: data.history.map(e => e.train_loss), borderColor: blue, yAxisID: "loss" },
            { label: "validation loss", data: data.history.map(e => e.val_loss), borderColor: violet, yAxisID: "loss" },
            { label: "validation macro-F1", data: data.history.map(e => e.val_macro_f1), borderColor: colour("with_mask"), yAxisID: "f1" },
        ]);
    }
})();
