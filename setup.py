"""Build the optional compiled parts (the DOM walk, text tidying); everything else is in pyproject.toml.

The extension is optional: when it cannot be built (no C compiler, say) the
install goes on without it, with a warning, and ``scraper.parse`` walks the
DOM in Python (``normalizers.text`` tidies text in Python): the same blocks,
a few milliseconds a page slower.
"""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing: the package works without the extension."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # a missing or failing compiler, whatever form it takes
            self._skip(exc)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._skip(exc)

    def get_outputs(self) -> list[str]:
        # Only what was built: an editable install copies these and must not look for a missing one.
        import os

        return [path for path in super().get_outputs() if os.path.exists(path)]

    @staticmethod
    def _skip(exc: Exception) -> None:
        print(
            f"warning: a compiled part was not built ({exc}); catalog-scraper will do its work in Python",
            file=sys.stderr,
        )


try:
    from Cython.Build import cythonize
except ImportError:  # building without the build requirements (pyproject.toml names Cython)
    extensions = []
else:
    extensions = cythonize(
        [
            Extension("scraper.walk_compiled", ["scraper/walk_compiled.pyx"], include_dirs=["scraper"]),
            Extension("normalizers.text_compiled", ["normalizers/text_compiled.pyx"]),
            Extension("normalizers.phrase_compiled", ["normalizers/phrase_compiled.pyx"]),
            Extension("scraper.language_compiled", ["scraper/language_compiled.pyx"]),
        ],
        language_level=3,
        quiet=True,
    )

setup(ext_modules=extensions, cmdclass={"build_ext": OptionalBuildExt})
