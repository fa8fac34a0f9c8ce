// The monitoring charts: predictions per second by class, and p50/p95 latency per route, refreshed
// from /monitoring?handler=Series every 5 s.
"use strict";
(() => {
    const { colour, label, request, charts: { palette } } = window.FaceMask;
    const time = point => new Date(point.time).toLocaleTimeString();
    const predictions = new Chart(document.getElementById("predictions-chart"), {
        type: "line",
        data: { labels: [], datasets: [] },
        options: { scales: { y: { min: 0, title: { display: true, text: "per second" } } } },
    });
    const latency = new Chart(document.getElementById("latency-chart"), {
        type: "line",
        data: { labels: [], datasets: [] },
        options: { spanGaps: true, scales: { y: { min: 0, title: { display: true, text: "ms" } } } },
    });

    async function refresh() {
        let points;
        try {
            points = await (await request("/monitoring?handler=Series")).json();
        } catch {
            return; // the summary above shows when the service is gone; try again next time
        }
        const classes = [...new Set(points.flatMap(p => Object.keys(p.predictions_per_second)))].sort();
        predictions.data.labels = points.map(time);
        predictions.data.datasets = classes.map(name => ({
            label: label(name), borderColor: colour(name), backgroundColor: colour(name),
            data: points.map(p => p.predictions_per_second[name] ?? 0),
        }));
        predictions.update();
        const routes = points.length ? Object.keys(points[0].p50_milliseconds) : [];
        latency.data.labels = points.map(time);
        latency.data.datasets = routes.flatMap((route, i) => [
            { label: `${route} p50`, borderColor: palette[i % palette.length], data: points.map(p => p.p50_milliseconds[route]) },
            { label: `${route} p95`, borderColor: palette[i % palette.length], borderDash: [6, 4], data: points.map(p => p.p95_milliseconds[route]) },
        ]);
        latency.update();
    }

    refresh();
    setInterval(refresh, 5000);
})();
