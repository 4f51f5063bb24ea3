"""Prints the architecture figures of issue 11: module and function sizes, commit() calls in
route modules, imports of ykien.web from services/models/schemas, import cycles between domain
packages and between CLI modules. `python scripts/architecture.py [--strict]` (exit 1 if broken)."""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "ykien"
PURE_PARSERS = {"events/extract.py", "drafts/parse.py"}
MAX_MODULE_LINES = 800
MAX_FUNCTION_LINES = 80
COMMIT_ALLOWED = {"web/tx.py", "opinions/intake.py"}
NOT_DOMAINS = {"web", "cli", "db", "demo", "app.py"}
LOWER_LAYER = ("service", "models", "schemas")


def modules() -> list[tuple[str, ast.Module, int]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        out.append((rel, ast.parse(text), text.count("\n")))
    return out


def is_route_module(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name in ("routes.py", "views.py") or name.endswith(("_routes.py", "_views.py"))


def is_lower_layer(rel: str) -> bool:
    name = rel.rsplit("/", 1)[-1].removesuffix(".py")
    return name.startswith(LOWER_LAYER) or "/service" in rel or "/models" in rel


def imported(tree: ast.Module, rel: str) -> list[str]:
    """Absolute names of the ykien modules `tree` imports (function-level imports too)."""
    names = []
    package = "ykien." + rel.removesuffix(".py").replace("/", ".")
    package = package.removesuffix(".__init__").rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            if base.startswith("ykien"):
                names.append(base)
                names.extend(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.extend(a.name for a in node.names if a.name.startswith("ykien"))
    return names


def domain_of(rel: str) -> str | None:
    top = rel.split("/", 1)[0]
    if top in NOT_DOMAINS or "/" not in rel:
        return None
    return top


def cycles(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted({tuple(sorted((a, b))) for a in graph for b in graph[a] if a in graph.get(b, ())})  # type: ignore[misc]


def main() -> int:
    mods = modules()
    big = [(rel, n) for rel, _, n in mods if n > MAX_MODULE_LINES and rel not in PURE_PARSERS]
    long_functions = []
    commits = []
    web_imports = []
    domains: dict[str, set[str]] = defaultdict(set)
    cli: dict[str, set[str]] = defaultdict(set)
    for rel, tree, _ in mods:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append((rel, node.name, length))
            if (
                is_route_module(rel)
                and rel not in COMMIT_ALLOWED
                and isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                commits.append((rel, node.lineno))
        names = imported(tree, rel)
        if is_lower_layer(rel) and any(n.startswith("ykien.web") for n in names):
            web_imports.append(rel)
        mine = domain_of(rel)
        if mine:
            for n in names:
                other = n.split(".")[1] if n.count(".") >= 1 else None
                if other and other != mine and other not in NOT_DOMAINS and (SRC / other).is_dir():
                    domains[mine].add(other)
        if rel.startswith("cli/") or rel == "cli.py" or rel.endswith("/cli.py"):
            me = "ykien." + rel.removesuffix(".py").replace("/", ".")
            cli[me] |= {n for n in names if n.startswith("ykien.cli") or n.endswith(".cli")}
    report = {
        f"modules over {MAX_MODULE_LINES} lines (pure parsers aside)": big,
        f"functions over {MAX_FUNCTION_LINES} lines": long_functions,
        "commit() calls in route modules": commits,
        "service/model/schema modules importing ykien.web": web_imports,
        "import cycles between domain packages": cycles(domains),
        "import cycles between CLI modules": cycles(cli),
    }
    broken = 0
    for title, items in report.items():
        print(f"{title}: {len(items)}")
        for item in items:
            print("   ", item)
        broken += len(items)
    return 1 if broken and "--strict" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
