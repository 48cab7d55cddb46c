"""The repository layout keeps the standard library's ``platform`` module reachable."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_platform_is_the_standard_library_module_from_the_repository_root():
    code = "import platform, sysconfig; print(platform.__file__); print(platform.python_version())"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, check=True)
    path, version = result.stdout.splitlines()
    assert Path(path).parent == Path(__import__("sysconfig").get_paths()["stdlib"])
    assert version.count(".") == 2


def test_no_source_root_has_an_init_module():
    for root in ("platform", "plugins", "worker"):
        assert not (ROOT / root / "__init__.py").exists(), f"{root}/__init__.py shadows imports"
