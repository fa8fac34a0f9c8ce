// The one place charts are set up (Chart.js, vendored): the defaults every page's charts share, the
// series palette, and the training curves two pages draw. Loaded after chart.umd.min.js and site.js.
"use strict";
window.FaceMask.charts = (() => {
    Chart.defaults.animation = false; // charts appear at once: no motion to sit through
    Chart.defaults.maintainAspectRatio = false; // the page's CSS sizes each chart
    Chart.defaults.font.family = "system-ui, sans-serif";
    Chart.defaults.color = "#1b1f24";

    /** Colours of series that are not classes (folders, metrics, routes), in order. */
    const palette = ["#0a58ca", "#6f42c1", "#b35900", "#1a7f37", "#57606a"];

    /**
     * Loss (left axis, from 0, so a change of 0.03 does not fill the chart as a spike) and macro-F1
     * (right axis, 0 to 1) by epoch; series name their axis as yAxisID "loss" or "f1".
     */
    function curves(canvas, labels, datasets) {
        return new Chart(canvas, {
            type: "line",
            data: { labels, datasets },
            options: {
                scales: {
                    x: { title: { display: true, text: "epoch" } },
                    loss: { position: "left", beginAtZero: true, title: { display: true, text: "loss" } },
                    f1: { position: "right", min: 0, max: 1, title: { display: true, text: "macro-F1" }, grid: { drawOnChartArea: false } },
                },
            },
        });
    }

    return { palette, curves };
})();
