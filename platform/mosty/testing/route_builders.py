"""Reuse Werkzeug's URL builders across the many apps a test run creates.

Every test builds its own app, and Werkzeug compiles a small Python function per URL rule to
build its URLs (through ``ast`` and ``compile``): about two thirds of ``create_app``'s time,
for the same ~200 rules each time. The generated function depends only on the rule's parsed
parts and on whether unknown arguments are appended; it reaches the rule itself through its
first argument. So the test run keeps one per (parts, append_unknown) and each rule binds it.
Rules with defaults that fill a placeholder fold the converted default into the code and are
compiled as before. Production creates its app once and is untouched.
"""

from werkzeug.routing.rules import Rule

_original = Rule._compile_builder
_cache = {}


def _cached_compile_builder(self, append_unknown=True):
    defaults = self.defaults or {}
    if any(is_dynamic and data in defaults for is_dynamic, data in self._trace):
        return _original(self, append_unknown)
    key = (append_unknown, tuple(self._trace), tuple(sorted(defaults)))
    builder = _cache.get(key)
    if builder is None:
        builder = _cache[key] = _original(self, append_unknown)
    return builder


def install():
    Rule._compile_builder = _cached_compile_builder
