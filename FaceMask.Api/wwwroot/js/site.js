// Shared by every page: class colours, readable API errors, small DOM helpers.
"use strict";
window.FaceMask = (() => {

    const colours = { with_mask: "#1a7f37", mask_weared_incorrect: "#b35900", without_mask: "#c62828" };
    const labels = { with_mask: "mask worn correctly", mask_weared_incorrect: "mask worn incorrectly", without_mask: "no mask" };

    /** The colour of a class (a fixed hue per known class, grey otherwise). */
    const colour = name => colours[name] ?? "#555";

    /** A human label of a class name. */
    const label = name => labels[name] ?? name.replaceAll("_", " ");

    /** The readable message of a failed response: ProblemDetails' detail or title, never raw JSON. */
    async function problem(response) {
        try {
            const body = await response.json();
            return body.detail || body.title || `The service answered ${response.status}.`;
        } catch {
            return `The service answered ${response.status} ${response.statusText}.`;
        }
    }

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

    /** The readable message of an htmx request that failed (its ProblemDetails, never raw JSON). */
    function htmxProblem(detail) {
        if (!detail.xhr || detail.xhr.status === 0) {
            return "The service could not be reached.";
        }
        try {
            const body = JSON.parse(detail.xhr.responseText);
            return body.detail || body.title || `The service answered ${detail.xhr.status}.`;
        } catch {
            return `The service answered ${detail.xhr.status}.`;
        }
    }

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

    return { colour, label, problem, request, show, percent, htmxProblem, afterActivate };
})();
