// The retrain page: add labelled images, start a retrain, and watch one to its decision by polling
// GET /api/jobs/{id} every second; the chart grows one point per finished epoch.
"use strict";
(() => {
    const { request, show, charts } = window.FaceMask;
    const ended = ["Succeeded", "Failed", "Cancelled"];
    const $ = id => document.getElementById(id);

    $("add-images")?.addEventListener("submit", async event => {
        event.preventDefault();
        const result = $("add-result");
        const form = new FormData();
        const zip = $("dataset").files[0];
        if (zip) {
            form.append("dataset", zip);
        } else {
            if ($("files").files.length === 0) {
                result.className = "error";
                result.textContent = "Choose images (or a zip) first.";
                return;
            }
            form.append("label", $("label").value);
            for (const file of $("files").files) {
                form.append("files", file);
            }
        }
        result.className = "muted";
        result.textContent = "Uploading…";
        try {
            const added = await (await request("/api/datasets/new", { method: "POST", body: form })).json();
            const lookalikes = added.lookalikes ?? [];
            result.className = lookalikes.length ? "error" : "success";
            result.textContent = `Added ${added.added} image${added.added === 1 ? "" : "s"}; ${added.duplicates} already there`
                + (added.rejected.length ? `; refused: ${added.rejected.map(r => `${r.file} (${r.reason})`).join(", ")}` : "") + "."
                + (lookalikes.length
                    ? ` Check their class: ${lookalikes.length} look${lookalikes.length === 1 ? "s" : ""} like images already filed as ${[...new Set(lookalikes.map(l => `"${window.FaceMask.label(l.like_class)}"`))].join(" or ")}`
                        + ` (${lookalikes.slice(0, 3).map(l => `${l.file} like ${l.like}`).join("; ")}${lookalikes.length > 3 ? "; …" : ""}).`
                    : "");
            event.target.reset();
        } catch (e) {
            result.className = "error";
            result.textContent = e.message;
        }
    });

    $("start-retrain")?.addEventListener("click", async () => {
        const result = $("start-result");
        const button = $("start-retrain");
        button.disabled = true;
        result.className = "muted";
        result.textContent = "Checking the data…";
        const checking = showCheckProgress(result);
        try {
            const accepted = await (await request("/api/retrain", { method: "POST", body: new FormData() })).json();
            checking.stop();
            result.className = "success";
            result.textContent = accepted.already_running ? "A retrain was already running: watching it." : "Retrain started.";
            htmx.trigger(document.body, "retrain-started");
            watch(accepted.job_id);
        } catch (e) {
            checking.stop();
            result.className = "error";
            result.textContent = e.message;
        } finally {
            button.disabled = false;
        }
    });

    // While the request checks the data (seconds on a large dataset), show what the check is doing:
    // GET /api/retrain/check reports its phase and images read of all.
    function showCheckProgress(result) {
        let active = true;
        (async () => {
            while (active) {
                await new Promise(resolve => setTimeout(resolve, 500));
                try {
                    const status = await (await request("/api/retrain/check")).json();
                    const check = status.running.find(c => c.origin === "Request") ?? status.running[0];
                    if (active && check) {
                        const counted = check.total ? ` ${check.done.toLocaleString()} of ${check.total.toLocaleString()}` : "";
                        result.textContent = `Checking the data: ${check.phase.toLowerCase()}${counted} (${Math.round(check.seconds)} s)…`;
                    }
                } catch {
                    return; // progress is a courtesy; the request itself reports errors
                }
            }
        })();
        return { stop: () => { active = false; } };
    }

    document.addEventListener("click", event => {
        const id = event.target.closest("[data-watch]")?.dataset.watch;
        if (id) {
            watch(id);
        }
    });

    let watching = null;
    let chart = null;

    function watch(id) {
        watching = id;
        history.replaceState(null, "", `?watch=${id}`);
        $("watch").hidden = false;
        $("watch-id").textContent = id.slice(0, 8);
        chart?.destroy();
        chart = charts.curves($("watch-chart"), [], [
            { label: "training loss", data: [], borderColor: charts.palette[0], yAxisID: "loss" },
            { label: "validation macro-F1", data: [], borderColor: charts.palette[3], yAxisID: "f1" },
        ]);
        $("watch").scrollIntoView({ behavior: "smooth", block: "start" });
        poll(id);
    }

    async function poll(id) {
        while (watching === id) {
            let job;
            try {
                job = await (await request(`/api/jobs/${id}`)).json();
            } catch (e) {
                $("watch-decision").textContent = e.message;
                $("watch-decision").className = "error";
                return;
            }
            render(job);
            if (ended.includes(job.state)) {
                htmx.trigger(document.body, "retrain-started");
                if (job.model_version) {
                    await completeChart(job.model_version);
                }
                return;
            }
            await new Promise(resolve => setTimeout(resolve, 1000));
        }
    }

    // The outcome as the pages word it (RetrainOutcomes.Label): "kept_as_candidate" reads "kept as candidate".
    const outcomeText = outcome => outcome === "waiting" ? "waiting for a worker" : outcome.replaceAll("_", " ");

    function render(job) {
        const progress = job.progress;
        const over = ended.includes(job.state);
        const state = $("watch-state");
        state.textContent = `${outcomeText(job.outcome)}${job.health === "Stalled" ? " (stalled)" : ""}`;
        state.className = `outcome-${job.outcome}`;
        $("watch-started").textContent = job.started
            ? `${utc(job.started)}${job.finished ? `, took ${took(job.started, job.finished)}` : ""}`
            : `requested ${utc(job.created)}, not started yet`;
        // While it runs, the stage says what it is doing; once it has ended the decision below says it, once.
        $("watch-stage").textContent = over ? `ended in ${job.stage === "done" ? "the promote stage" : `the ${job.stage} stage`}`
            : progress?.message ? `${job.stage}: ${progress.message}` : job.stage;
        $("watch-retries").textContent = job.retries?.length ? job.retries.join("; ")
            : progress?.attempt > 1 ? `${job.stage}: attempt ${progress.attempt}` : "every stage ran once";
        if (progress?.epoch && progress?.epochs) {
            $("watch-progress").textContent = `epoch ${progress.epoch} of ${progress.epochs}`;
            $("watch-bar").value = (progress.epoch - 1 + (progress.step && progress.steps ? progress.step / progress.steps : 1)) / progress.epochs;
        } else {
            $("watch-progress").textContent = ended.includes(job.state) ? "done" : job.stage;
            $("watch-bar").value = ended.includes(job.state) ? 1 : 0;
        }
        if (progress?.loss != null) {
            $("watch-loss").textContent = progress.loss.toFixed(4);
        }
        if (progress?.val_macro_f1 != null) {
            $("watch-f1").textContent = progress.val_macro_f1.toFixed(4);
            addPoint(progress.epoch, progress.loss, progress.val_macro_f1);
        }
        const decision = $("watch-decision");
        if (job.state === "Succeeded") {
            decision.className = job.promoted ? "success" : "";
            decision.textContent = job.decision ?? "";
        } else if (job.state === "Failed" || job.state === "Cancelled") {
            decision.className = "error";
            decision.textContent = job.error ?? job.note ?? "";
        } else {
            decision.className = "muted";
            decision.textContent = job.note ?? "Running…";
        }
        const ids = job.hangfire_jobs;
        const jobs = $("watch-jobs");
        jobs.replaceChildren();
        if (ids) {
            for (const stage of ["split", "train", "evaluate", "promote"]) {
                const link = document.createElement("a");
                link.href = `/hangfire/jobs/details/${ids[stage]}`;
                link.textContent = stage;
                jobs.append(link, " ");
            }
        } else {
            jobs.textContent = "–";
        }
    }

    // Times as the list below writes them: "2026-12-03 10:43:50 UTC".
    function utc(iso) {
        return `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC`;
    }

    function took(from, to) {
        const seconds = Math.max(0, Math.round((new Date(to) - new Date(from)) / 1000));
        return seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
    }

    // Epochs shorter than a poll are filled in from the trained model's own history once it exists.
    async function completeChart(version) {
        try {
            const epochs = await (await request(`/models/${encodeURIComponent(version)}?handler=History`)).json();
            epochs.forEach(e => addPoint(e.epoch, e.train_loss, e.val_macro_f1));
            const order = chart.data.labels.map((epoch, i) => i).sort((a, b) => chart.data.labels[a] - chart.data.labels[b]);
            chart.data.labels = order.map(i => chart.data.labels[i]);
            chart.data.datasets.forEach(d => d.data = order.map(i => d.data[i]));
            chart.update();
        } catch {
            // a failed retrain leaves no model: the chart keeps what was watched
        }
    }

    function addPoint(epoch, loss, f1) {
        if (!epoch || chart.data.labels.includes(epoch)) {
            return;
        }
        chart.data.labels.push(epoch);
        chart.data.datasets[0].data.push(loss);
        chart.data.datasets[1].data.push(f1);
        chart.update();
    }

    const initial = new URLSearchParams(location.search).get("watch");
    if (initial) {
        addEventListener("load", () => watch(initial));
    }
})();
