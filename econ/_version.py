"""The version of econ, in one place.

econ follows semantic versioning (https://semver.org), spelt as PEP 440 allows: ``X.Y.Z``
for a release, ``X.Y.Z.devN`` for the work towards it on ``main``. pyproject.toml reads
this string (``dynamic = ["version"]``), ``econ --version`` prints it and every experiment
manifest records it; CITATION.cff and CHANGELOG.md name the same version (a test checks).
"""

__version__ = "0.2.0.dev0"
