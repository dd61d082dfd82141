"""The README's architecture: the picture is what its script draws, every package has its line."""
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_architecture_picture_is_what_the_script_draws(tmp_path):
    spec = importlib.util.spec_from_file_location("make_architecture",
                                                  ROOT / "docs" / "make_architecture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    drawn = module.draw(tmp_path / "architecture.png")
    assert drawn.read_bytes() == (ROOT / "docs" / "architecture.png").read_bytes(), \
        "docs/architecture.png is out of date: run `make architecture`"


def test_readme_architecture_names_every_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^- `([a-z_/]+)/`", section, flags=re.M))
    packages = {"geo", "bench", "app_pages"} | {f"planner/{p.parent.name}"
                                                for p in (ROOT / "planner").glob("*/__init__.py")}
    assert packages <= listed, f"packages without a line: {sorted(packages - listed)}"
