// Shared by every page: class colours, readable API errors, small DOM helpers.
"use strict";
window.FaceMask = (() => {

    // The classes the service knows, with their label and colour (Web/ClassDisplay.cs, written into the layout).
    const known = JSON.parse(document.getElementById("known-classes").textContent);

    /** The colour of a class (a fixed hue per known class, grey otherwise). */
    const colour = name => known[name]?.colour ?? "#555";

    /** A human label of a class name. */
    const label = name => known[name]?.label ?? name.replaceAll("_", " ");

    /** The readable message of a failed answer: its ProblemDetails' detail or title, never raw JSON. */
    function messageOf(status, body) {
        if (status === 0) {
            return "The service could not be reached.";
        }
        try {
            const problem = JSON.parse(body);
            return problem.detail || problem.title || `The service answered ${status}.`;
        } catch {
            return `The service answered ${status}.`;
        }
    }

    /** The readable message of a failed fetch response. */
    const problem = async response => messageOf(response.status, await response.text());

    /** fetch that throws an Error with a readable message when the answer is not 2xx. */
    async function request(url, options) {
        let response;
        try {
            response = await fetch(url, { headers: { Accept: "application/json" }, ...options });
        } catch {
            throw new Error("The service could not be reached.");
        }
        if (!response.ok) {
            throw new Error(await problem(response));
        }
        return response;
    }

    function show(element, message) {
        element.textContent = message ?? "";
        element.hidden = !message;
    }

    const percent = value => `${(value * 100).toFixed(1)}%`;

    /** The readable message of an htmx request that failed. */
    const htmxProblem = detail => messageOf(detail.xhr?.status ?? 0, detail.xhr?.responseText ?? "");

    /** After an Activate button's request: say what happened, and refresh what shows the registry. */
    function afterActivate(event) {
        const message = document.getElementById("models-message");
        if (event.detail.successful) {
            message.className = "success";
            message.textContent = event.detail.elt.dataset.success;
            if (document.getElementById("models-table")) {
                htmx.trigger(document.body, "models-changed");
            } else {
                setTimeout(() => location.reload(), 800);
            }
        } else {
            message.className = "error";
            message.textContent = htmxProblem(event.detail);
        }
    }

    /**
     * Marks every table box wider than the screen ("scrolls") and puts a line before it saying the
     * table scrolls sideways: on a phone the columns past the edge (Activate, the parent) are otherwise
     * invisible. Run on load, on resize and after htmx swaps a table in.
     */
    function markScrollingTables() {
        for (const box of document.querySelectorAll(".table-scroll")) {
            const scrolls = box.scrollWidth > box.clientWidth + 1;
            box.classList.toggle("scrolls", scrolls);
            let cue = box.previousElementSibling?.classList.contains("scroll-cue") ? box.previousElementSibling : null;
            if (scrolls && !cue) {
                cue = document.createElement("p");
                cue.className = "scroll-cue";
                cue.textContent = "This table is wider than the screen: swipe it sideways for more columns →";
                box.before(cue);
            }
            cue?.classList.toggle("shown", scrolls);
        }
    }
    document.addEventListener("DOMContentLoaded", markScrollingTables);
    window.addEventListener("resize", markScrollingTables);
    document.addEventListener("htmx:afterSwap", markScrollingTables);

    return { colour, label, request, show, percent, afterActivate };
})();
