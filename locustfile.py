"""Locust load test of the FaceMask service.

    FACEMASK_IMAGES=/path/to/images locust -f locustfile.py --host http://127.0.0.1:5000

FACEMASK_IMAGES is a folder of face images (any depth); `facemask generate --out DIR` draws one,
which is what bench/run.sh does. Whole photos for POST /api/detect come from FACEMASK_PHOTOS
(default bench/photos; `facemask generate --scenes N --scenes-out DIR` draws them); without photos
the detect task does nothing. Tags select traffic: --tags predict, batch, detect, health, info.
Each simulated user waits 0.5-1.5 s between requests, like a person or a camera polling.
"""
import os
import random
from pathlib import Path

from locust import HttpUser, between, tag, task

EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}
IMAGE_DIR = Path(os.environ.get("FACEMASK_IMAGES", "bench/images"))
IMAGES = [(p.name, p.read_bytes()) for p in sorted(IMAGE_DIR.rglob("*")) if p.suffix.lower() in EXTENSIONS]
if not IMAGES:
    raise SystemExit(f"No images under {IMAGE_DIR}: run `dotnet run --project FaceMask.Training -- generate --out {IMAGE_DIR}` first.")

PHOTO_DIR = Path(os.environ.get("FACEMASK_PHOTOS", "bench/photos"))
PHOTOS = [(p.name, p.read_bytes()) for p in sorted(PHOTO_DIR.rglob("*")) if p.suffix.lower() in EXTENSIONS] if PHOTO_DIR.is_dir() else []

CONTENT_TYPES = {".png": "image/png", ".bmp": "image/bmp", ".webp": "image/webp"}


def content_type(name):
    return CONTENT_TYPES.get(Path(name).suffix.lower(), "image/jpeg")


class FaceMaskUser(HttpUser):
    wait_time = between(0.5, 1.5)

    @tag("predict")
    @task(20)
    def predict(self):
        name, data = random.choice(IMAGES)
        with self.client.post("/api/predict", files={"file": (name, data, content_type(name))}, name="/api/predict", catch_response=True) as response:
            if response.status_code != 200 or "prediction" not in response.json():
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @tag("batch")
    @task(2)
    def predict_batch(self):
        chosen = random.sample(IMAGES, k=min(4, len(IMAGES)))
        files = [("files", (name, data, content_type(name))) for name, data in chosen]
        with self.client.post("/api/predict/batch", files=files, name="/api/predict/batch", catch_response=True) as response:
            if response.status_code != 200 or len(response.json().get("results", [])) != len(chosen):
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @tag("detect")
    @task(4)
    def detect(self):
        if not PHOTOS:
            return
        name, data = random.choice(PHOTOS)
        with self.client.post("/api/detect", files={"file": (name, data, content_type(name))}, name="/api/detect", catch_response=True) as response:
            if response.status_code != 200 or "faces" not in response.json():
                response.failure(f"{response.status_code}: {response.text[:200]}")

    @tag("health")
    @task(1)
    def health(self):
        self.client.get("/api/health", name="/api/health")

    @tag("info")
    @task(1)
    def model_info(self):
        self.client.get("/api/model/info", name="/api/model/info")
