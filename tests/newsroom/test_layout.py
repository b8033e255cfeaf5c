"""The dependency rule of the layout, read from the source itself.

- ``newsroom``'s shared machinery imports no app; only the composition
  parts (settings, the URL map, the sample newsroom) name the apps.
- ``institutions.models`` imports nothing from ``articles``.
- The product never imports ``bench``.
- Module-level imports between our modules form no cycle, and no import
  hides inside a function to dodge one (``AppConfig.ready`` aside, where
  Django requires it).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("newsroom", "articles", "institutions", "bench")
APPS = ("articles", "institutions")
# The parts of newsroom/ that compose the site and so may name the apps.
COMPOSITION = {
    "newsroom.settings",
    "newsroom.urls",
    "newsroom.wsgi",
    "newsroom.sample",
    "newsroom.management.commands.load_sample_newsroom",
}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield _module_name(path), path


SOURCES = dict(_sources())


def _imported(node, module):
    """Absolute names an import statement brings in."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            package = module.rsplit(".", node.level)[0]
            base = f"{package}.{node.module}" if node.module else package
        else:
            base = node.module or ""
        # "from newsroom import pagecache" imports the module newsroom.pagecache.
        return [base, *(f"{base}.{alias.name}" for alias in node.names)]
    return []


def _imports(module, *, top_level_only):
    tree = ast.parse(SOURCES[module].read_text())
    nodes = tree.body if top_level_only else ast.walk(tree)
    names = set()
    for node in nodes:
        names.update(_imported(node, module))
    return names


def _top(name):
    return name.split(".", 1)[0]


@pytest.mark.parametrize(
    "module", sorted(m for m in SOURCES if _top(m) == "newsroom" and m not in COMPOSITION)
)
def test_newsroom_machinery_imports_no_app(module):
    named = {name for name in _imports(module, top_level_only=False) if _top(name) in APPS}
    assert not named, f"{module} imports {sorted(named)}"


def test_institutions_models_import_nothing_from_articles():
    named = _imports("institutions.models", top_level_only=False)
    assert not {name for name in named if _top(name) == "articles"}


@pytest.mark.parametrize("module", sorted(m for m in SOURCES if _top(m) != "bench"))
def test_the_product_never_imports_the_benchmark(module):
    assert not {n for n in _imports(module, top_level_only=False) if _top(n) == "bench"}


def _function_level_imports(module):
    """Imports of our own modules inside functions, except in ``AppConfig.ready``."""
    tree = ast.parse(SOURCES[module].read_text())
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if function.name == "ready" and module.endswith(".apps"):
            continue
        for node in ast.walk(function):
            for name in _imported(node, module):
                if _top(name) in PACKAGES:
                    found.append(f"{function.name}: {name}")
    return found


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_import_hides_inside_a_function(module):
    assert _function_level_imports(module) == []


def _graph():
    graph = {}
    for module in SOURCES:
        targets = set()
        for name in _imports(module, top_level_only=True):
            # The longest known module the name falls in.
            while name and name not in SOURCES:
                name = name.rpartition(".")[0]
            if name and name != module:
                targets.add(name)
        graph[module] = targets
    return graph


def _cycle(graph):
    """One import cycle as a list of modules, or None."""
    state, stack = {}, []

    def visit(module):
        state[module] = "open"
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*stack[stack.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_module_imports_form_no_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle)


def test_the_cycle_check_finds_a_planted_cycle():
    planted = {"a.models": {"a.renditions"}, "a.renditions": {"a.cache"}, "a.cache": {"a.models"}}
    cycle = _cycle(planted)
    assert cycle[0] == cycle[-1] and set(cycle) == set(planted)
    assert _cycle({"a": {"b"}, "b": set()}) is None
