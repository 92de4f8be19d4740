"""Wheel builds carry the sample districts, the models and the demo media as package data.

They live at the repository root (configs/, models/, media/) so a checkout reads them in place;
a built wheel gets copies under gridwatch/_bundled/, where gridwatch.resources finds them.
Editable installs skip the copy: they read the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

BUNDLED = ("configs", "models", "media")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "generate*.py")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "gridwatch" / "_bundled"
        for name in BUNDLED:
            shutil.copytree(root / name, target / name, ignore=SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithResources})
