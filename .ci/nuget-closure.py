"""Copies the NuGet packages a restore resolved (project.assets.json) from the machine's global
packages folder into DEST, laid out as a global packages folder, without the .nupkg archives (a
restore that finds a package's folder and hash needs nothing else). Used by .ci/container to give
the SDK stand-in image the packages the Dockerfile restores."""
import json
import os
import shutil
import sys

assets_path, destination = sys.argv[1], sys.argv[2]
with open(assets_path) as f:
    assets = json.load(f)
source = assets["project"]["restore"]["packagesPath"]
count = 0
for key, library in assets["libraries"].items():
    if library["type"] != "package":
        continue
    relative = library["path"]
    shutil.copytree(os.path.join(source, relative), os.path.join(destination, relative),
                    ignore=shutil.ignore_patterns("*.nupkg"), dirs_exist_ok=True)
    count += 1
print(f"{count} packages from {source}")
