"""Build the optional compiled DOM walk (scraper/walk_compiled.pyx); everything else is in pyproject.toml.

The extension is optional: without a C compiler the build goes on without it
and ``scraper.parse`` walks the DOM in Python (same blocks, about 1.4 ms a page slower).
"""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [Extension("scraper.walk_compiled", ["scraper/walk_compiled.pyx"], include_dirs=["scraper"], optional=True)],
        language_level=3,
        quiet=True,
    )
)
