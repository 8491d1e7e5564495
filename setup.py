"""The one build step pyproject.toml cannot declare: compile the translations.

The .mo catalogues are not kept in git (they are made from the .po files), so the build
compiles them before collecting the package's files: a plain `pip wheel .` on a fresh clone
ships every language, and `pip install -e .` compiles them in place like `make translations`.
Everything else about the package is declared in pyproject.toml.
"""

from babel.messages.setuptools_frontend import compile_catalog
from setuptools import setup
from setuptools.command.build import build


class BuildWithTranslations(build):
    # First, so that build_py finds the .mo files when it gathers the package data.
    sub_commands = [("compile_catalog", None), *build.sub_commands]


setup(
    cmdclass={"build": BuildWithTranslations, "compile_catalog": compile_catalog},
    options={"compile_catalog": {"directory": "eventreg/translations"}},
)
