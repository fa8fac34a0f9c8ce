// The Models page's upload form: POST /api/models, then say what the gate would decide and refresh the table.
"use strict";
(() => {
    const { request } = window.FaceMask;
    const form = document.getElementById("upload-model");
    const message = document.getElementById("models-message");

    form.addEventListener("submit", async event => {
        event.preventDefault();
        const button = form.querySelector("button[type=submit]");
        const body = new FormData(form);
        if (!document.getElementById("model-sigmoid").checked) {
            body.delete("sigmoid");
        }
        if (!body.get("version")) {
            body.delete("version");
        }
        button.disabled = true;
        message.className = "muted";
        message.textContent = "Uploading, checking and measuring on the reference set…";
        try {
            const uploaded = await (await request("/api/models", { method: "POST", body })).json();
            message.className = "success";
            message.textContent = `${uploaded.model.version} is registered as a candidate: ${uploaded.model.reason}.`;
            form.reset();
            htmx.trigger(document.body, "models-changed");
        } catch (error) {
            message.className = "error";
            message.textContent = error.message;
        } finally {
            button.disabled = false;
        }
    });
})();
