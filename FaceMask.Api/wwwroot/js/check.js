// The check page: each photo goes to /api/detect; a photo without a detectable face is taken as a
// face crop and goes to /api/predict. Boxes are drawn in the photo's pixels after EXIF orientation,
// as the API reports them (createImageBitmap applies the orientation the same way).
"use strict";
(() => {
    const { colour, label, request, show, percent } = window.FaceMask;
    const input = document.getElementById("photos");
    const drop = document.getElementById("drop");
    const results = document.getElementById("results");
    const error = document.getElementById("check-error");

    input.addEventListener("change", () => checkAll(input.files));
    for (const type of ["dragenter", "dragover"]) {
        drop.addEventListener(type, event => { event.preventDefault(); drop.classList.add("over"); });
    }
    for (const type of ["dragleave", "drop"]) {
        drop.addEventListener(type, () => drop.classList.remove("over"));
    }
    drop.addEventListener("drop", event => { event.preventDefault(); checkAll(event.dataTransfer.files); });

    async function checkAll(files) {
        show(error, null);
        results.replaceChildren();
        for (const file of files) {
            await check(file);
        }
    }

    async function check(file) {
        const article = document.createElement("article");
        article.className = "result";
        article.innerHTML = `<h2></h2><p class="muted">Checking…</p>`;
        article.querySelector("h2").textContent = file.name;
        results.append(article);
        try {
            const form = new FormData();
            form.append("file", file);
            const detection = await (await request("/api/detect", { method: "POST", body: form })).json();
            let faces = detection.faces;
            let crop = null;
            if (faces.length === 0) {
                const again = new FormData();
                again.append("file", file);
                crop = await (await request("/api/predict", { method: "POST", body: again })).json();
            }
            await render(article, file, detection, faces, crop);
        } catch (e) {
            article.querySelector("p").className = "error";
            article.querySelector("p").setAttribute("role", "alert");
            article.querySelector("p").textContent = e.message;
        }
    }

    async function render(article, file, detection, faces, crop) {
        const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
        const canvas = document.createElement("canvas");
        const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
        canvas.width = Math.round(bitmap.width * scale);
        canvas.height = Math.round(bitmap.height * scale);
        canvas.setAttribute("role", "img");
        const context = canvas.getContext("2d");
        context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        const toCanvas = canvas.width / detection.image.width;
        drawFaces(context, faces, toCanvas);

        const summary = document.createElement("p");
        summary.className = "counts";
        const list = document.createElement("ol");
        list.className = "faces";
        if (crop) {
            canvas.style.outline = `6px solid ${colour(crop.prediction)}`;
            canvas.setAttribute("aria-label", `${file.name}: taken as one face, ${label(crop.prediction)}`);
            summary.innerHTML = `No face found in the photo, so it was checked as one face crop: `;
            summary.append(verdict(crop.prediction, crop.confidence, crop.uncertain));
        } else {
            canvas.setAttribute("aria-label", `${file.name} with ${faces.length} face${faces.length === 1 ? "" : "s"} marked`);
            summary.textContent = faces.length === 0 ? "No face found."
                : `${faces.length} face${faces.length === 1 ? "" : "s"}: ` + Object.entries(detection.counts)
                    .filter(([, n]) => n > 0).map(([name, n]) => `${n} ${label(name)}`).join(", ")
                    + (detection.truncated ? " (more faces than shown)" : "");
            faces.forEach((face, i) => {
                const item = document.createElement("li");
                item.dataset.class = face.prediction;
                item.append(`Face ${i + 1}: `, verdict(face.prediction, face.confidence, face.uncertain));
                list.append(item);
            });
        }
        const note = document.createElement("p");
        note.className = "muted";
        note.textContent = `Model ${crop ? crop.model_version : detection.model_version}`;
        article.replaceChildren(article.querySelector("h2"), canvas, summary, list, note);
    }

    /** A verdict; an uncertain one (its confidence below the service's Inference:UncertainBelow) says so in words. */
    function verdict(name, confidence, uncertain) {
        const span = document.createElement("span");
        span.className = uncertain ? "verdict uncertain" : "verdict";
        span.dataset.class = name;
        span.style.setProperty("--class-colour", colour(name));
        span.textContent = `${label(name)} ${percent(confidence)}`;
        if (uncertain) {
            const note = document.createElement("em");
            note.textContent = " uncertain: check by eye";
            span.append(note);
        }
        return span;
    }

    /**
     * Boxes in their class's colour (dashed when the verdict is uncertain), each labelled "n: class 94%" ("n: class? 62%"
     * when uncertain) inside the canvas and clear of the other labels;
     * in a crowd with no room left, "n" alone (the list below the photo says the rest), or no label at all.
     */
    function drawFaces(context, faces, toCanvas) {
        const line = Math.max(2, Math.round(context.canvas.width / 300));
        const size = Math.max(12, line * 6);
        context.font = `bold ${size}px system-ui, sans-serif`;
        context.lineWidth = line;
        const texts = faces.map((face, i) => ({ full: `${i + 1}: ${label(face.prediction)}${face.uncertain ? "?" : ""} ${percent(face.confidence)}`, short: `${i + 1}${face.uncertain ? "?" : ""}` }));
        const measure = text => ({ width: context.measureText(text).width + 6, height: size + 4 });
        const boxes = faces.map(face => ({ x: face.box.x * toCanvas, y: face.box.y * toCanvas, width: face.box.width * toCanvas, height: face.box.height * toCanvas }));
        const places = placeLabels(boxes, texts.map(t => ({ full: measure(t.full), short: measure(t.short) })), context.canvas.width, context.canvas.height);
        // Where each label went, in canvas pixels (null: none fitted): for tools and the browser tests that check labels stay inside and apart.
        context.canvas.dataset.labels = JSON.stringify(places.map(p => p && { x: p.x, y: p.y, width: p.width, height: p.height, text: p.text }));
        faces.forEach((face, i) => {
            context.strokeStyle = colour(face.prediction);
            context.setLineDash(face.uncertain ? [line * 3, line * 2] : []);
            context.strokeRect(boxes[i].x, boxes[i].y, boxes[i].width, boxes[i].height);
            context.setLineDash([]);
            const place = places[i];
            if (!place) {
                return;
            }
            context.fillStyle = colour(face.prediction);
            context.fillRect(place.x, place.y, place.width, place.height);
            context.fillStyle = "#fff";
            context.fillText(texts[i][place.text], place.x + 3, place.y + place.height - 5, place.width - 6);
        });
    }

    /**
     * The label rule of the annotated JPEG (FaceMask.Training/Detection/LabelLayout.cs): the full text above the box if
     * there is room, else below, else inside its top, moved left to stay on the canvas; where none is free, the short
     * text there or a line at a time down, then up, past labels already placed; else null (the box alone).
     */
    function placeLabels(boxes, sizes, width, height) {
        const placed = [];
        const overlaps = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        const free = r => r.y >= 0 && r.y + r.height <= height && !placed.some(p => overlaps(p, r));
        const freeArea = (box, { width: w, height: h }, searchLines) => {
            if (w > width || h > height) {
                return undefined;
            }
            const at = y => ({ x: Math.min(Math.max(box.x, 0), width - w), y, width: w, height: h });
            const start = Math.min(Math.max(box.y - h, 0), height - h);
            const tops = [box.y - h, box.y + box.height, box.y];
            const lines = searchLines ? Math.floor(height / h) : 0;
            for (let step = 1; step <= lines; step++) tops.push(start + step * h);
            for (let step = 1; step <= lines; step++) tops.push(start - step * h);
            return tops.map(at).find(free);
        };
        return boxes.map((box, i) => {
            const full = freeArea(box, sizes[i].full, false);
            const place = full ? { ...full, text: "full" } : (s => s && { ...s, text: "short" })(freeArea(box, sizes[i].short, true));
            if (place) {
                placed.push(place);
            }
            return place ?? null;
        });
    }

    // Camera: one frame at a time to /api/detect (the next is sent when the answer arrives), boxes
    // drawn over the live video, the rate of answered frames shown.
    const toggle = document.getElementById("camera-toggle");
    const section = document.getElementById("camera");
    const video = document.getElementById("camera-video");
    const overlay = document.getElementById("camera-overlay");
    const rate = document.getElementById("camera-rate");
    const cameraCounts = document.getElementById("camera-counts");
    let stream = null;
    const answered = [];

    toggle.addEventListener("click", async () => {
        if (stream) {
            stop();
            return;
        }
        show(error, null);
        if (!navigator.mediaDevices?.getUserMedia) {
            show(error, "This browser gives no camera here: cameras need localhost or HTTPS.");
            return;
        }
        try {
            stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 } }, audio: false });
        } catch (e) {
            show(error, `The camera could not be opened: ${e.message}`);
            return;
        }
        video.srcObject = stream;
        await video.play();
        section.hidden = false;
        toggle.textContent = "Stop camera";
        toggle.setAttribute("aria-pressed", "true");
        loop();
    });

    function stop() {
        stream.getTracks().forEach(track => track.stop());
        stream = null;
        section.hidden = true;
        toggle.textContent = "Start camera";
        toggle.setAttribute("aria-pressed", "false");
        rate.textContent = "";
    }

    async function loop() {
        const frame = document.createElement("canvas");
        while (stream) {
            const scale = Math.min(1, 640 / video.videoWidth);
            frame.width = Math.round(video.videoWidth * scale);
            frame.height = Math.round(video.videoHeight * scale);
            frame.getContext("2d").drawImage(video, 0, 0, frame.width, frame.height);
            const blob = await new Promise(resolve => frame.toBlob(resolve, "image/jpeg", 0.8));
            const form = new FormData();
            form.append("file", blob, "frame.jpg");
            try {
                const detection = await (await request("/api/detect?min_face=24", { method: "POST", body: form })).json();
                if (!stream) {
                    break;
                }
                drawOverlay(detection);
                const now = performance.now();
                answered.push(now);
                while (answered.length && answered[0] < now - 2000) {
                    answered.shift();
                }
                rate.textContent = `${(answered.length / 2).toFixed(1)} frames/s`;
            } catch (e) {
                show(error, e.message);
                await new Promise(resolve => setTimeout(resolve, 1000));
            }
        }
    }

    function drawOverlay(detection) {
        overlay.width = video.clientWidth;
        overlay.height = video.clientHeight;
        const context = overlay.getContext("2d");
        context.clearRect(0, 0, overlay.width, overlay.height);
        const toOverlay = overlay.width / detection.image.width;
        drawFaces(context, detection.faces, toOverlay);
        cameraCounts.textContent = Object.entries(detection.counts).filter(([, n]) => n > 0)
            .map(([name, n]) => `${n} ${label(name)}`).join(", ") || "No face in view.";
    }
})();
