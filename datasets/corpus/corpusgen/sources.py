"""The manifest (sources.yaml) and the reproducible fetch: each package with its own client into
a cache, its sha256 checked, the listed files extracted and their sha256 checked."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent.parent
MANIFEST = HERE / "sources.yaml"


@dataclass(frozen=True)
class Package:
    name: str
    manager: str
    version: str
    file: str
    sha256: str
    licence: str


@dataclass(frozen=True)
class SourceFile:
    id: str
    package: str
    path: str
    sha256: str
    shows: str


def load_manifest(path: Path = MANIFEST) -> tuple[dict[str, Package], dict[str, SourceFile]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    pkgs = {
        p["name"]: Package(
            p["name"], p["manager"], p["version"], p["file"], p["sha256"], p["licence"]
        )
        for p in data["packages"]
    }
    files = {
        f["id"]: SourceFile(f["id"], f["package"], f["path"], f["sha256"], f["shows"])
        for f in data["files"]
    }
    return pkgs, files


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(pkg: Package, cache: Path) -> Path:
    """The package file in the cache, downloaded with its manager's client when missing."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / pkg.file
    if not target.exists():
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            if pkg.manager == "debian":
                cmd = ["apt-get", "download", f"{pkg.name}={pkg.version}"]
            elif pkg.manager == "pypi":
                cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-d", tmp]
                cmd.append(f"{pkg.name}=={pkg.version}")
            else:
                raise ValueError(f"sources.yaml: package {pkg.name}: unknown manager {pkg.manager}")
            subprocess.run(cmd, cwd=tmp, check=True)
            got = Path(tmp) / pkg.file
            if not got.exists():
                raise FileNotFoundError(f"{pkg.name}: the client did not produce {pkg.file}")
            shutil.move(got, target)
    digest = sha256_of(target)
    if digest != pkg.sha256:
        raise ValueError(
            f"{target}: sha256 {digest} differs from sources.yaml ({pkg.sha256}); "
            "delete the file and fetch again, or review the new package and update the manifest"
        )
    return target


def extract(pkg_file: Path, inners: dict[str, Path]) -> None:
    """Copy the files `inners` (path in package -> destination) out of one package."""
    with tempfile.TemporaryDirectory() as tmp:
        if pkg_file.suffix == ".deb":
            subprocess.run(["dpkg-deb", "-x", str(pkg_file), tmp], check=True)
            for inner, dest in inners.items():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(tmp) / inner, dest)
        else:
            with zipfile.ZipFile(pkg_file) as z:
                for inner, dest in inners.items():
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    with z.open(inner) as src, dest.open("wb") as out:
                        shutil.copyfileobj(src, out)


def materialise(cache: Path) -> dict[str, Path]:
    """Every file of the manifest, extracted and checked: id -> path. Packages are fetched
    and unpacked only when a file is missing or does not match its checksum."""
    pkgs, files = load_manifest()
    dest = {f.id: cache / "files" / f.package / Path(f.path).name for f in files.values()}
    stale = [
        f for f in files.values() if not dest[f.id].exists() or sha256_of(dest[f.id]) != f.sha256
    ]
    for name in sorted({f.package for f in stale}):
        extract(fetch(pkgs[name], cache / "packages"),
                {f.path: dest[f.id] for f in stale if f.package == name})  # fmt: skip
    for f in files.values():
        digest = sha256_of(dest[f.id])
        if digest != f.sha256:
            raise ValueError(f"sources.yaml: {f.id} ({f.path}): sha256 {digest} != {f.sha256}")
    return dest
