"""Each domain's models, rules and reads import on their own, as a script or a job does."""

import subprocess
import sys
from pathlib import Path

import academy

LAYERS = ("models", "service", "queries", "permissions")


def test_each_domain_module_imports_on_its_own():
    root = Path(academy.__file__).parent
    modules = sorted(
        f"academy.{path.parent.name}.{path.stem}"
        for layer in LAYERS
        for path in root.glob(f"*/{layer}.py")
    )
    assert len(modules) > 20
    # A fresh interpreter each: once the app is imported, any order of imports works.
    running = {
        name: subprocess.Popen(
            [sys.executable, "-c", f"import {name}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in modules
    }
    failed = {}
    for name, process in running.items():
        output, _ = process.communicate(timeout=120)
        if process.returncode:
            failed[name] = output.strip().splitlines()[-1]
    assert failed == {}
